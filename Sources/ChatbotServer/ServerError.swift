public import ChatbotCore

/// The errors routes throw themselves; every other error is normalised by ``ProblemMiddleware``.
public enum ServerError {
    /// No credential, or one that does not verify: 401, the same answer for every reason.
    public static let unauthenticated = ChatbotError(.unauthorized, "authentication required")

    /// 403 with a reason the caller may read.
    public static func forbidden(_ message: String) -> ChatbotError {
        ChatbotError(.forbidden, message)
    }

    /// 404 for a resource the caller cannot see, whether it exists or not.
    public static func notFound(_ what: String) -> ChatbotError {
        ChatbotError(.notFound, "\(what) not found")
    }

    /// 400 with a reason.
    public static func badRequest(_ message: String) -> ChatbotError {
        ChatbotError(.usage, message)
    }
}
