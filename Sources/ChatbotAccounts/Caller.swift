/// Who asks for an account operation: checked for rights and written to the audit log.
public struct Caller: Sendable, Hashable {
    /// The acting user's id.
    public var userID: String
    /// The acting user's name, kept in audit rows so they stay readable after a deletion.
    public var name: String
    /// The rights the caller acts with.
    public var role: Role
    /// The client address, when there is one (the server), for the audit log.
    public var ip: String?

    /// A caller acting as `user` from `ip`.
    public init(user: User, ip: String? = nil) {
        self.userID = user.id
        self.name = user.name
        self.role = user.role
        self.ip = ip
    }

    /// The command line: whoever can run `chatbot` on the database already holds all of it, so it
    /// acts with admin rights, recorded as the local user.
    public static func commandLine(_ local: User) -> Caller {
        var caller = Caller(user: local)
        caller.role = .admin
        return caller
    }

    /// Whether the caller may manage users, every key and read the audit log.
    public var isAdmin: Bool { role == .admin }

    /// Refuses a non-admin caller.
    func requireAdmin(_ action: String) throws {
        guard isAdmin else { throw AccountsFailure.forbidden("only an admin may \(action)") }
    }
}
