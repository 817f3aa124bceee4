/// An error a user can cause or act on: a one-line message, an optional hint, and the kind of
/// failure, which the CLI maps to an exit code and the server to an HTTP status and an RFC 9457
/// problem type.
///
/// Messages and hints are written for every front end: they name no command-line flag and no API
/// parameter. When a front end has its own advice (a flag to pass, a parameter to set) the error
/// carries a ``Reason`` it can look up.
public struct ChatbotError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. New kinds can be added without breaking callers.
    ///
    /// | kind | exit code | HTTP status | problem type |
    /// |---|---|---|---|
    /// | ``runtime`` | 1 | 500 | `runtime` |
    /// | ``partial`` | 2 | 500 | `partial` |
    /// | ``usage`` | 64 | 400 | `usage` |
    /// | ``unavailable`` | 69 | 503 | `unavailable` |
    /// | ``temporary`` | 75 | 503 | `temporary` |
    /// | ``interrupted`` | 130 | 499 | `interrupted` |
    /// | ``notFound`` | 1 | 404 | `not-found` |
    /// | ``conflict`` | 1 | 409 | `conflict` |
    /// | ``unauthorized`` | 64 | 401 | `unauthorized` |
    /// | ``forbidden`` | 64 | 403 | `forbidden` |
    /// | ``tooLarge`` | 64 | 413 | `too-large` |
    /// | ``rateLimited`` | 75 | 429 | `rate-limited` |
    /// | ``budgetExceeded`` | 75 | 429 | `budget-exceeded` |
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: Sendable, Hashable, CaseIterable {
            case runtime, partial, usage, unavailable, temporary, interrupted, notFound, conflict
            case unauthorized, forbidden, tooLarge, rateLimited, budgetExceeded
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
        /// The request carries no valid credentials, e.g. a missing or unknown API key (exit 64).
        public static let unauthorized = Kind(code: .unauthorized)
        /// The credentials are valid but do not allow this request (exit 64).
        public static let forbidden = Kind(code: .forbidden)
        /// The input is larger than the configured limit (exit 64).
        public static let tooLarge = Kind(code: .tooLarge)
        /// The caller sent too many requests and must slow down (exit 75).
        public static let rateLimited = Kind(code: .rateLimited)
        /// A cost or token budget is used up until its period renews (exit 75).
        public static let budgetExceeded = Kind(code: .budgetExceeded)

        /// Every kind, in declaration order (for tests and documentation generators).
        public static var allKinds: [Kind] { Code.allCases.map { Kind(code: $0) } }

        /// The process exit code documented in the man page.
        public var exitCode: Int32 {
            switch code {
            case .runtime, .notFound, .conflict: 1
            case .partial: 2
            case .usage, .unauthorized, .forbidden, .tooLarge: 64
            case .unavailable: 69
            case .temporary, .rateLimited, .budgetExceeded: 75
            case .interrupted: 130
            }
        }

        /// The HTTP status the server answers with.
        ///
        /// A partial failure is 500, not 207: a problem document reports a failed request, and a
        /// handler that wants per-item results answers 200 with them instead of throwing.
        /// Interrupted is 499 (the client closed the request, as nginx logs it). Both unavailable and
        /// temporary are 503: the service behind the server cannot help right now; the problem type
        /// tells them apart.
        public var httpStatus: Int {
            switch code {
            case .runtime, .partial: 500
            case .usage: 400
            case .unauthorized: 401
            case .forbidden: 403
            case .notFound: 404
            case .conflict: 409
            case .tooLarge: 413
            case .rateLimited, .budgetExceeded: 429
            case .interrupted: 499
            case .unavailable, .temporary: 503
            }
        }

        /// A stable slug naming the kind in an RFC 9457 problem document's `type`
        /// (`https://chatbot.dev/problems/<slug>`); it never changes once published.
        public var problemType: String {
            switch code {
            case .runtime: "runtime"
            case .partial: "partial"
            case .usage: "usage"
            case .unavailable: "unavailable"
            case .temporary: "temporary"
            case .interrupted: "interrupted"
            case .notFound: "not-found"
            case .conflict: "conflict"
            case .unauthorized: "unauthorized"
            case .forbidden: "forbidden"
            case .tooLarge: "too-large"
            case .rateLimited: "rate-limited"
            case .budgetExceeded: "budget-exceeded"
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
            case .unauthorized: "unauthorized"
            case .forbidden: "forbidden"
            case .tooLarge: "too_large"
            case .rateLimited: "rate_limited"
            case .budgetExceeded: "budget_exceeded"
            }
        }
    }

    /// What kind of failure this is.
    public var kind: Kind
    /// One line saying what went wrong.
    public var message: String
    /// What to do about it, when there is something to say. Names no flag or API parameter.
    public var hint: String?
    /// Which failure this is, for front ends that add their own advice; `nil` for most errors.
    public var reason: Reason?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, hint: String? = nil, reason: Reason? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.reason = reason
    }

    /// The message, followed by the hint on its own line when there is one.
    public var description: String {
        if let hint { return "\(message)\nhint: \(hint)" }
        return message
    }
}
