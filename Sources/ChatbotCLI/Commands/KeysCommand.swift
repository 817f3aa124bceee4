import ArgumentParser
import ChatbotAccounts
import ChatbotCore
import Foundation

/// `chatbot keys`: API keys for scripts and OpenAI SDKs.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke API keys.",
        discussion: """
            A key looks like cbk_<id>_<secret>. It is printed once, when it is created; only its id and \
            a hash of its secret are stored, and lists show the prefix cbk_<id>_… only. Scopes: chat, \
            documents:read, documents:write, jobs, admin; a key never does more than its owner's role \
            allows at the time of use.
            """,
        subcommands: [Create.self, List.self, Revoke.self, RotateSigning.self],
        defaultSubcommand: List.self
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Create a key and print it (once).")

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("The key's owner.", valueName: "name"))
        var user: String

        @Option(help: ArgumentHelp("A label for the key.", valueName: "label"))
        var name: String = "default"

        @Option(
            name: .customLong("scope"),
            help: ArgumentHelp(
                "A scope the key holds (repeat for several; default: what the owner's role allows but admin).",
                valueName: "scope"))
        var scopes: [String] = []

        @Option(help: ArgumentHelp("Days until the key stops working (default: never).", valueName: "days"))
        var expiresDays: Int?

        @Option(
            help: ArgumentHelp(
                "The key's own limit of requests per minute (default: the server's limits.key_rpm).",
                valueName: "n"))
        var rpm: Int?

        @Option(
            help: ArgumentHelp(
                "The key's own limit of tokens per minute (default: the server's limits.key_tpm).", valueName: "n"))
        var tpm: Int?

        @Option(help: ArgumentHelp("Cost budget in USD per period, from the configured prices.", valueName: "usd"))
        var budgetCost: Double?

        @Option(help: ArgumentHelp("Token budget per period (prompt plus completion).", valueName: "n"))
        var budgetTokens: Int?

        @Option(help: ArgumentHelp("The budget's period: day or month (UTC).", valueName: "period"))
        var budgetPeriod: String = "month"

        @Flag(help: "Print JSON (with the key under \"secret\").")
        var json = false

        func run() async throws {
            let scopes = Set(try scopes.map(Scope.parse))
            let budget = try KeysCommand.budget(cost: budgetCost, tokens: budgetTokens, period: budgetPeriod)
            try await CommandContext.with(global) { context in
                let services = try await AccountsCommandServices.open(context)
                let created = try await services.keys.create(
                    owner: user, name: name, scopes: scopes, expiresInDays: expiresDays, requestsPerMinute: rpm,
                    tokensPerMinute: tpm, budget: budget, by: services.caller)
                if json {
                    try JSONOutput.print(CreatedKeyOutput(key: created.key, secret: created.secret))
                    return
                }
                StandardOutput.write(created.secret + "\n")
                if !global.quiet {
                    StandardError.write(
                        "chatbot: key \(created.key.id) for \(created.key.userName) "
                            + "(\(created.key.scopes.sorted().map(\.rawValue).joined(separator: " "))); "
                            + "store it now, it is not shown again\n")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Keys without their secrets, newest first.")

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("Only this user's keys.", valueName: "name"))
        var user: String?

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await CommandContext.with(global) { context in
                let services = try await AccountsCommandServices.open(context)
                let keys = try await services.keys.list(owner: user, by: services.caller)
                if json {
                    try JSONOutput.print(keys)
                    return
                }
                let now = Date()
                var table = TextTable(columns: [
                    "KEY", "USER", "NAME", "SCOPES", "CREATED", "EXPIRES", "LAST USED", "STATUS",
                ])
                for key in keys {
                    let status = key.revokedAt != nil ? "revoked" : (key.isActive(at: now) ? "active" : "expired")
                    table.add([
                        key.prefix, key.userName, key.name, key.scopes.sorted().map(\.rawValue).joined(separator: " "),
                        AccountDates.format(key.createdAt), AccountDates.format(key.expiresAt),
                        AccountDates.format(key.lastUsedAt), status,
                    ])
                }
                StandardOutput.write(table.render())
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a key at once.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The key's id (or its prefix cbk_<id>_…).")
        var id: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await CommandContext.with(global) { context in
                let services = try await AccountsCommandServices.open(context)
                let key = try await services.keys.revoke(id, by: services.caller)
                if json {
                    try JSONOutput.print(key)
                } else if !global.quiet {
                    StandardError.write("chatbot: revoked key \(key.id) of \(key.userName)\n")
                }
            }
        }
    }
}

extension KeysCommand {
    struct RotateSigning: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-signing",
            abstract: "Make a new key for signing access tokens; the previous one still verifies.",
            discussion: """
                Every replica signs with the new key from its next token on. Access tokens signed with the \
                previous key stay valid until they expire (10 minutes), so nobody is logged out. After a \
                suspected leak, rotate twice: tokens signed with the leaked key then fail at once, and \
                clients get new ones with their refresh tokens.
                """)

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await CommandContext.with(global) { context in
                let store = SQLStoreAccountsDatabase(try await context.openStore())
                let accounts = AccountService(database: store)
                let local = try await accounts.ensureLocalUser()
                try await TokenService(database: store, accounts: accounts).rotateSigningKey()
                try await AuditLog(database: store).record(
                    "signing_key.rotate", target: nil, by: .commandLine(local))
                if !global.quiet { StandardError.write("chatbot: a new signing key signs from now on\n") }
            }
        }
    }
}

/// `keys create --json`: the stored key and, this once, the whole key.
private struct CreatedKeyOutput: Encodable {
    let key: APIKey
    let secret: String

    func encode(to encoder: any Encoder) throws {
        try key.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(secret, forKey: .secret)
    }

    enum CodingKeys: String, CodingKey {
        case secret
    }
}

extension KeysCommand {
    /// A budget from `--budget-cost`, `--budget-tokens` and `--budget-period`; nil without an amount.
    static func budget(cost: Double?, tokens: Int?, period: String) throws -> Budget? {
        try Budget.parse(cost: cost, tokens: tokens, period: period) { "--budget-\($0)" }
    }
}
