import Crypto
import Foundation

/// One versioned schema change, embedded in the binary.
///
/// Each statement in ``up`` and ``down`` is run separately (SQLite prepares one statement at a
/// time), all statements of one migration inside one transaction.
public struct Migration: Sendable, Hashable {
    /// The schema version this migration brings the database to (1, 2, 3, …).
    public var version: Int
    /// A short snake_case name, shown by `chatbot migrate status`.
    public var name: String
    /// The statements that apply the change.
    public var up: [String]
    /// The statements that undo it, newest object first.
    public var down: [String]

    /// Creates a migration.
    public init(version: Int, name: String, up: [String], down: [String]) {
        self.version = version
        self.name = name
        self.up = up
        self.down = down
    }

    /// SHA-256 (lowercase hex) of the `up` statements joined by `";\n"`, recorded when the
    /// migration is applied so that an edited migration is noticed.
    public var checksum: String {
        let text = up.joined(separator: ";\n")
        return SHA256.hash(data: Data(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
