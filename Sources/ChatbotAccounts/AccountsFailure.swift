import ChatbotCore

/// The ``ChatbotError``s the accounts library throws, in one place so that every front end sees the
/// same kinds and messages.
enum AccountsFailure {
    /// The kind of a refused credential (exit 64, HTTP 401).
    static let unauthorizedKind = ChatbotError.Kind.unauthorized
    /// The kind of a request the credentials do not allow (exit 64, HTTP 403).
    static let forbiddenKind = ChatbotError.Kind.forbidden

    /// The one answer to every failed login and every refused credential: it never says whether the
    /// user exists, the password was wrong, the account is disabled or the token expired.
    static let invalidCredentials = ChatbotError(unauthorizedKind, "invalid credentials")

    /// A refused token or key, with a reason for logs (never shown to the client by the server).
    static func unauthorized(_ message: String) -> ChatbotError {
        ChatbotError(unauthorizedKind, message)
    }

    /// Valid credentials that do not allow the request.
    static func forbidden(_ message: String, hint: String? = nil) -> ChatbotError {
        ChatbotError(forbiddenKind, message, hint: hint)
    }

    /// Bad input.
    static func usage(_ message: String, hint: String? = nil) -> ChatbotError {
        ChatbotError(.usage, message, hint: hint)
    }

    /// A user, key or token that does not exist.
    static func notFound(_ message: String, hint: String? = nil) -> ChatbotError {
        ChatbotError(.notFound, message, hint: hint)
    }

    /// A name that is taken, or a change that stored state forbids.
    static func conflict(_ message: String, hint: String? = nil) -> ChatbotError {
        ChatbotError(.conflict, message, hint: hint)
    }
}
