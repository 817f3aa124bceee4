/// What a user may do. Stored as its raw value in `users.role`.
///
/// - `admin`: everything, including users and the audit log.
/// - `member`: own conversations, collections and keys; read shared collections; ingest.
/// - `viewer`: ask and read shared collections; no ingest and no keys with write scopes.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Everything, including users, keys of others and the audit log.
    case admin
    /// Own conversations, collections and keys; ingest.
    case member
    /// Ask and read; nothing that writes.
    case viewer

    /// The scopes a user of this role (and any key it owns) may hold.
    public var allowedScopes: Set<Scope> {
        switch self {
        case .admin: Set(Scope.allCases)
        case .member: [.chat, .documentsRead, .documentsWrite, .jobs]
        case .viewer: [.chat, .documentsRead]
        }
    }

    /// The raw value.
    public var description: String { rawValue }

    /// The role called `text` (case-insensitive).
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) naming the valid roles.
    public static func parse(_ text: String) throws -> Role {
        guard let role = Role(rawValue: text.lowercased()) else {
            throw AccountsFailure.usage(
                "unknown role '\(text)'", hint: "use one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return role
    }
}
