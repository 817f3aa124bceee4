import ArgumentParser
import ChatbotAccounts
import ChatbotCore
import Foundation

/// `chatbot users`: the accounts of a team database.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Add, list and manage the users who may log in to `chatbot serve`.",
        discussion: """
            Passwords are read from a prompt with echo off, or from stdin with --password-stdin; never \
            from the command line. They must be 10 to 128 characters. Role changes, disabling, enabling, \
            password changes and deletions log the user out everywhere and are written to the audit log.
            """,
        subcommands: [
            Add.self, List.self, Show.self, SetRole.self, SetLimits.self, Disable.self, Enable.self, Passwd.self,
            Delete.self,
        ],
        defaultSubcommand: List.self
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a user (the first admin: chatbot users add NAME --role admin).")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The login name: letters, digits, '.', '_' or '-' (case-insensitive).")
        var name: String

        @Option(help: ArgumentHelp("admin, member or viewer.", valueName: "role"))
        var role: String = "member"

        @Option(help: ArgumentHelp("An e-mail address, for people.", valueName: "address"))
        var email: String?

        @Flag(help: "Read the password from stdin instead of a prompt.")
        var passwordStdin = false

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let role = try Role.parse(role)
            let password = try PasswordInput.read(fromStandardInput: passwordStdin, confirm: true)
            try await CommandContext.with(global) { context in
                let services = try await AccountsCommandServices.open(context)
                let user = try await services.accounts.addUser(
                    name: name, email: email, role: role, password: password, by: services.caller)
                try UsersCommand.print(user, json: json, quiet: global.quiet, verb: "added")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Every user with its role and status.")

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await CommandContext.with(global) { context in
                let users = try await AccountsCommandServices.open(context).accounts.users()
                if json {
                    try JSONOutput.print(users)
                    return
                }
                var table = TextTable(columns: ["NAME", "ROLE", "STATUS", "EMAIL", "CREATED"])
                for user in users {
                    table.add([
                        user.name, user.role.rawValue, user.isDisabled ? "disabled" : "enabled", user.email ?? "-",
                        AccountDates.format(user.createdAt),
                    ])
                }
                StandardOutput.write(table.render())
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One user.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The user.")
        var name: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await CommandContext.with(global) { context in
                let user = try await AccountsCommandServices.open(context).accounts.user(named: name)
                if json {
                    try JSONOutput.print(user)
                    return
                }
                StandardOutput.write(
                    """
                    name:      \(user.name)
                    id:        \(user.id)
                    role:      \(user.role.rawValue)
                    status:    \(user.isDisabled ? "disabled" : "enabled")
                    email:     \(user.email ?? "-")
                    password:  \(user.hasPassword ? "set" : "none")
                    created:   \(AccountDates.format(user.createdAt))

                    """)
            }
        }
    }

    struct SetRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-role", abstract: "Change a user's role (logs it out everywhere).")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The user.")
        var name: String

        @Argument(help: "admin, member or viewer.")
        var role: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let role = try Role.parse(role)
            try await CommandContext.with(global) { context in
                let services = try await AccountsCommandServices.open(context)
                let user = try await services.accounts.setRole(role, of: name, by: services.caller)
                try UsersCommand.print(user, json: json, quiet: global.quiet, verb: "updated")
            }
        }
    }

    struct SetLimits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-limits",
            abstract: "Set a user's own rate limit, concurrent streams and budget.",
            discussion: """
                Each limit given replaces the role's (limits.roles.<role>.*) and the server's default                 (limits.user_rpm, limits.user_streams, limits.user_budget) for this user; limits not                 given are cleared, so the defaults apply again. With no option at all, every own limit                 is cleared. A budget counts the answers of the current day or month (UTC) in the user's                 conversations and on /v1, failed and interrupted ones with the tokens they used.
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The user.")
        var name: String

        @Option(help: ArgumentHelp("Requests per minute over all the user's credentials.", valueName: "n"))
        var rpm: Int?

        @Option(help: ArgumentHelp("Answers the user may stream at once.", valueName: "n"))
        var streams: Int?

        @Option(help: ArgumentHelp("Cost budget in USD per period, from the configured prices.", valueName: "usd"))
        var budgetCost: Double?

        @Option(help: ArgumentHelp("Token budget per period (prompt plus completion).", valueName: "n"))
        var budgetTokens: Int?

        @Option(help: ArgumentHelp("The budget's period: day or month (UTC).", valueName: "period"))
        var budgetPeriod: String = "month"

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let budget = try KeysCommand.budget(cost: budgetCost, tokens: budgetTokens, period: budgetPeriod)
            let limits = UserLimits(requestsPerMinute: rpm, streams: streams, budget: budget)
            try await CommandContext.with(global) { context in
                let services = try await AccountsCommandServices.open(context)
                let user = try await services.accounts.setLimits(limits, of: name, by: services.caller)
                if json {
                    try JSONOutput.print(user)
                } else if !global.quiet {
                    var parts: [String] = []
                    if let rpm = user.limits.requestsPerMinute { parts.append("\(rpm) requests a minute") }
                    if let streams = user.limits.streams { parts.append("\(streams) streams at once") }
                    if let budget = user.limits.budget { parts.append("a budget of \(budget.summary)") }
                    StandardError.write(
                        "chatbot: \(user.name): "
                            + (parts.isEmpty
                                ? "no own limits (the role's and the server's apply)" : parts.joined(separator: ", "))
                            + "\n")
                }
            }
        }
    }

    /// `disable` and `enable`: one change, one line (or JSON) about the user.
    static func setDisabled(_ disabled: Bool, name: String, json: Bool, global: GlobalOptions) async throws {
        try await CommandContext.with(global) { context in
            let services = try await AccountsCommandServices.open(context)
            let user = try await services.accounts.setDisabled(disabled, of: name, by: services.caller)
            try UsersCommand.print(user, json: json, quiet: global.quiet, verb: disabled ? "disabled" : "enabled")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "disable",
            abstract: "Disable a user: it cannot log in, and its tokens and API keys are refused.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The user.")
        var name: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await UsersCommand.setDisabled(true, name: name, json: json, global: global)
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a disabled user.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The user.")
        var name: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await UsersCommand.setDisabled(false, name: name, json: json, global: global)
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "passwd",
            abstract: "Set a user's password (logs it out everywhere).")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The user.")
        var name: String

        @Flag(help: "Read the password from stdin instead of a prompt.")
        var passwordStdin = false

        func run() async throws {
            let password = try PasswordInput.read(fromStandardInput: passwordStdin, confirm: true)
            try await CommandContext.with(global) { context in
                let services = try await AccountsCommandServices.open(context)
                try await services.accounts.setPassword(password, of: name, by: services.caller)
                if !global.quiet { StandardError.write("chatbot: password of \(name.lowercased()) changed\n") }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete",
            abstract: "Delete a user with its tokens and API keys.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The user.")
        var name: String

        func run() async throws {
            try await CommandContext.with(global) { context in
                let services = try await AccountsCommandServices.open(context)
                try await services.accounts.deleteUser(named: name, by: services.caller)
                if !global.quiet { StandardError.write("chatbot: deleted \(name.lowercased())\n") }
            }
        }
    }

    /// One user as JSON, or a line on stderr.
    static func print(_ user: User, json: Bool, quiet: Bool, verb: String) throws {
        if json {
            try JSONOutput.print(user)
        } else if !quiet {
            StandardError.write(
                "chatbot: \(verb) \(user.name) (\(user.role.rawValue)\(user.isDisabled ? ", disabled" : ""))\n")
        }
    }
}
