/// An error a user can cause or act on: a one-line message, an optional hint, and the kind of
/// failure, which the CLI maps to an exit code and the server to an HTTP status.
public struct ChatbotError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. New kinds can be added without breaking callers.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: Sendable, Hashable {
            case runtime, partial, usage, unavailable, temporary, interrupted, notFound, conflict
        }
        private let code: Code

        /// Something went wrong while doing the work (exit 1).
        public static let runtime = Kind(code: .runtime)
        /// Some items failed, others succeeded (exit 2).
        public static let partial = Kind(code: .partial)
        /// The command line or configuration is wrong (exit 64).
        public static let usage = Kind(code: .usage)
        /// A required service (model server, database) is unavailable (exit 69).
        public static let unavailable = Kind(code: .unavailable)
        /// A temporary failure worth retrying later, e.g. a lock held by another run (exit 75).
        public static let temporary = Kind(code: .temporary)
        /// The user interrupted the command (exit 130).
        public static let interrupted = Kind(code: .interrupted)
        /// A named thing (conversation, collection) does not exist (exit 1).
        public static let notFound = Kind(code: .notFound)
        /// The request conflicts with stored state, e.g. a database newer than this binary (exit 1).
        public static let conflict = Kind(code: .conflict)

        /// The process exit code documented in the man page.
        public var exitCode: Int32 {
            switch code {
            case .runtime, .notFound, .conflict: 1
            case .partial: 2
            case .usage: 64
            case .unavailable: 69
            case .temporary: 75
            case .interrupted: 130
            }
        }

        /// A short name for logs and JSON output.
        public var description: String {
            switch code {
            case .runtime: "runtime"
            case .partial: "partial"
            case .usage: "usage"
            case .unavailable: "unavailable"
            case .temporary: "temporary"
            case .interrupted: "interrupted"
            case .notFound: "not_found"
            case .conflict: "conflict"
            }
        }
    }

    /// What kind of failure this is.
    public var kind: Kind
    /// One line saying what went wrong.
    public var message: String
    /// What to do about it, when there is something to say.
    public var hint: String?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
    }

    /// The message, followed by the hint on its own line when there is one.
    public var description: String {
        if let hint { return "\(message)\nhint: \(hint)" }
        return message
    }
}
