/// One migration that ``Migrator`` ran, or would run in a dry run.
public struct MigrationStep: Sendable, Hashable {
    /// Which way a step goes.
    public enum Direction: String, Sendable, Hashable, CaseIterable {
        /// Applying the migration.
        case up
        /// Undoing it.
        case down
    }

    /// The migration's version.
    public var version: Int
    /// The migration's name.
    public var name: String
    /// Whether it was applied or undone.
    public var direction: Direction
    /// The statements, in the order they ran (or would run).
    public var statements: [String]

    /// Creates a step.
    public init(version: Int, name: String, direction: Direction, statements: [String]) {
        self.version = version
        self.name = name
        self.direction = direction
        self.statements = statements
    }
}
