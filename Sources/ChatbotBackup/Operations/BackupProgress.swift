/// A progress event of a backup operation, for a progress line on a terminal.
public struct BackupProgress: Sendable, Hashable {
    /// What is being worked on (a table name, `objects`).
    public var item: String
    /// Units done so far (rows or objects).
    public var done: Int
    /// Units in total, when known.
    public var total: Int?
}
