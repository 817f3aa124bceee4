/// What an access token or API key may be used for. Stored as raw values separated by spaces.
public enum Scope: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// Ask questions and manage one's conversations.
    case chat
    /// Search and read collections and documents.
    case documentsRead = "documents:read"
    /// Create collections and ingest into them.
    case documentsWrite = "documents:write"
    /// Queue, list and cancel jobs.
    case jobs
    /// Users, every key, the audit log.
    case admin

    /// The raw value.
    public var description: String { rawValue }

    /// Orders scopes as declared, for stable output.
    public static func < (lhs: Scope, rhs: Scope) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The scope called `text`.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) naming the valid scopes.
    public static func parse(_ text: String) throws -> Scope {
        guard let scope = Scope(rawValue: text.lowercased()) else {
            throw AccountsFailure.usage(
                "unknown scope '\(text)'", hint: "use one of \(Scope.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return scope
    }

    /// Scopes as stored: raw values in declaration order, separated by spaces.
    static func encode(_ scopes: Set<Scope>) -> String {
        scopes.sorted().map(\.rawValue).joined(separator: " ")
    }

    /// Scopes as stored; unknown words (from a newer binary) are dropped, never widened.
    static func decode(_ text: String) -> Set<Scope> {
        Set(text.split(separator: " ").compactMap { Scope(rawValue: String($0)) })
    }
}
