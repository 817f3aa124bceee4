public import ChatbotAccounts

/// The account services the routes use, all over the server's one database.
public struct ServerAccounts: Sendable {
    /// Users and passwords.
    public let accounts: AccountService
    /// Access and refresh tokens.
    public let tokens: TokenService
    /// API keys.
    public let keys: APIKeyService
    /// The audit log.
    public let audit: AuditLog

    /// Services over `database`, with access tokens per `tokenSettings`.
    public init(
        database: any AccountsDatabase, tokenSettings: TokenSettings = TokenSettings(),
        passwordHasher: PasswordHasher = PasswordHasher()
    ) {
        accounts = AccountService(database: database, hasher: passwordHasher)
        tokens = TokenService(database: database, accounts: accounts, settings: tokenSettings)
        keys = APIKeyService(database: database)
        audit = AuditLog(database: database)
    }
}
