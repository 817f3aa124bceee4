import ArgumentParser
import ChatbotAccounts
import ChatbotCore
import ChatbotServices
import ChatbotStorage
import Foundation

/// `chatbot history list|show|search|export|usage`.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List, show, search and export past conversations; token and cost totals.",
        subcommands: [List.self, Show.self, Search.self, Export.self, Usage.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List conversations, most recent first.")

        @OptionGroup var global: GlobalOptions
        @Option(name: .shortAndLong, help: "How many to list.") var limit = 20
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await withStore(global) { store in
                let conversations = try await store.listConversations(limit: limit, offset: 0)
                if json { return try JSONOutput.print(conversations) }
                var table = TextTable(columns: ["ID", "UPDATED", "TITLE"])
                for conversation in conversations {
                    table.add([
                        String(conversation.id.prefix(8)), Self.format(conversation.updatedAt), conversation.title,
                    ])
                }
                StandardOutput.write(table.render())
            }
        }

        static func format(_ date: Date) -> String {
            date.formatted(
                .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false)
                    .timeSeparator(.colon))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Print one conversation (default: the latest).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Conversation id or unique prefix.", valueName: "id")) var id: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await withStore(global) { store in
                let conversation = try await HistoryCommand.find(id, in: store)
                let messages = try await store.messages(conversationID: conversation.id)
                if json {
                    return try JSONOutput.print(ConversationExport(conversation: conversation, messages: messages))
                }
                StandardOutput.write("conversation \(conversation.id)  \(conversation.title)\n")
                for message in messages {
                    var header = "\n[\(message.role.rawValue)"
                    if let provider = message.provider, let model = message.model { header += " \(provider):\(model)" }
                    if message.status != .complete { header += ", \(message.status.rawValue)" }
                    if message.cached { header += ", cached" }
                    if let prompt = message.promptTokens, let completion = message.completionTokens {
                        header += ", \(prompt)+\(completion) tokens"
                    }
                    if let latency = message.latencyMs { header += ", \(latency) ms" }
                    header += "]\n"
                    StandardOutput.write(header + message.content + "\n")
                    if let error = message.error { StandardOutput.write("(error: \(error))\n") }
                }
            }
        }
    }

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search", abstract: "Full-text search over every message.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Words to find.") var words: [String]
        @Option(name: .shortAndLong, help: "How many hits to print.") var limit = 20
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if words.joined().trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("give words to search for")
            }
        }

        func run() async throws {
            try await withStore(global) { store in
                let hits = try await store.searchMessages(words.joined(separator: " "), limit: limit)
                if json { return try JSONOutput.print(hits) }
                for hit in hits {
                    let snippet = hit.snippet.replacingOccurrences(of: "\n", with: " ")
                    StandardOutput.write(
                        "\(hit.message.conversationID.prefix(8))  \(hit.message.role.rawValue)  \(snippet)\n")
                }
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export", abstract: "Export conversations with their messages as JSON.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Conversation ids or prefixes (default: all).", valueName: "id")) var ids:
            [String] = []

        func run() async throws {
            try await withStore(global) { store in
                var conversations: [Conversation] = []
                if ids.isEmpty {
                    var offset = 0
                    while true {
                        let page = try await store.listConversations(limit: 500, offset: offset)
                        conversations += page
                        if page.count < 500 { break }
                        offset += page.count
                    }
                } else {
                    for id in ids { conversations.append(try await HistoryCommand.find(id, in: store)) }
                }
                var exports: [ConversationExport] = []
                for conversation in conversations {
                    exports.append(
                        ConversationExport(
                            conversation: conversation,
                            messages: try await store.messages(conversationID: conversation.id)))
                }
                try JSONOutput.print(exports)
            }
        }
    }

    struct Usage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "usage",
            abstract: "Token and cost totals per model, user or API key over a period.",
            discussion: """
                Costs use the prices (USD per million tokens) in the configuration's prices table. Every answer \
                counts: asks (for the owner of their conversation) and the server's /v1/chat/completions (for \
                the key's user and the key). Asks are made by a user, not a key: with --by key they are the \
                group '(none)'.
                """
        )

        enum Grouping: String, ExpressibleByArgument, CaseIterable {
            case model, user, key
        }

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Start of the period (YYYY-MM-DD, inclusive).", valueName: "date")) var since:
            String?
        @Option(help: ArgumentHelp("End of the period (YYYY-MM-DD, exclusive).", valueName: "date")) var until: String?
        @Option(help: "The last N days (instead of --since).") var days: Int?
        @Option(help: ArgumentHelp("Total per model, user or key.", valueName: "model|user|key")) var by = Grouping
            .model
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if days != nil, since != nil { throw ValidationError("use either --days or --since") }
            if let days, days <= 0 { throw ValidationError("--days must be positive") }
            _ = try Self.parse(since)
            _ = try Self.parse(until)
        }

        static func parse(_ text: String?) throws -> Date? {
            guard let text else { return nil }
            if let date = PeriodBound.parse(text) { return date }
            throw ValidationError("'\(text)' is not a date (YYYY-MM-DD or an ISO-8601 time)")
        }

        func run() async throws {
            let from = try days.map { Date().addingTimeInterval(-Double($0) * 86_400) } ?? Self.parse(since)
            let to = try Self.parse(until)
            if by != .model {
                return try await groups(from: from, to: to, by: by == .user ? .user : .key)
            }
            try await withStore(global) { store in
                let totals = try await store.usageTotals(from: from, to: to)
                if json {
                    return try JSONOutput.print(UsageReport(from: from, to: to, models: totals))
                }
                var table = TextTable(columns: ["PROVIDER", "MODEL", "ANSWERS", "PROMPT", "COMPLETION", "COST (USD)"])
                for total in totals {
                    table.add([
                        total.provider, total.model, String(total.messages), String(total.promptTokens),
                        String(total.completionTokens), String(format: "%.6f", total.cost),
                    ])
                }
                table.add([
                    "total", "", String(totals.map(\.messages).reduce(0, +)),
                    String(totals.map(\.promptTokens).reduce(0, +)),
                    String(totals.map(\.completionTokens).reduce(0, +)),
                    String(format: "%.6f", totals.map(\.cost).reduce(0, +)),
                ])
                StandardOutput.write(table.render())
            }
        }
    }
}

extension HistoryCommand.Usage {
    /// The totals per user or key, named from the accounts of the same store.
    fileprivate func groups(from: Date?, to: Date?, by grouping: UsageGrouping) async throws {
        try await CommandContext.with(global) { context in
            let totals = try await context.openStore().conversations.usageTotals(from: from, to: to, by: grouping)
            let services = try await AccountsCommandServices.open(context)
            var names: [String: String] = [:]
            if grouping == .user {
                for user in try await services.accounts.users() { names[user.id] = user.name }
            } else {
                for key in try await services.keys.list(by: services.caller) {
                    names[key.id] = "\(key.prefix) \(key.userName)/\(key.name)"
                }
            }
            let rows = totals.map { total in
                UsageGroupRow(
                    id: total.id, name: total.id.map { names[$0] ?? "(deleted) \($0)" } ?? "(none)",
                    answers: total.answers, promptTokens: total.promptTokens,
                    completionTokens: total.completionTokens, cost: total.cost)
            }
            if json {
                return try JSONOutput.print(UsageGroupReport(from: from, to: to, by: grouping.rawValue, groups: rows))
            }
            var table = TextTable(columns: [
                grouping == .user ? "USER" : "KEY", "ANSWERS", "PROMPT", "COMPLETION", "COST (USD)",
            ])
            for row in rows {
                table.add([
                    row.name, String(row.answers), String(row.promptTokens), String(row.completionTokens),
                    String(format: "%.6f", row.cost),
                ])
            }
            table.add([
                "total", String(rows.map(\.answers).reduce(0, +)), String(rows.map(\.promptTokens).reduce(0, +)),
                String(rows.map(\.completionTokens).reduce(0, +)),
                String(format: "%.6f", rows.map(\.cost).reduce(0, +)),
            ])
            StandardOutput.write(table.render())
        }
    }
}

extension HistoryCommand {
    static func find(_ id: String?, in store: some ConversationStore) async throws -> Conversation {
        if let id, id != "latest" {
            guard let conversation = try await store.conversation(matching: id) else {
                throw ChatbotError(.notFound, "no conversation matches '\(id)'", hint: "see `chatbot history list`")
            }
            return conversation
        }
        guard let conversation = try await store.latestConversation() else {
            throw ChatbotError(.notFound, "there are no conversations yet", hint: "ask something: chatbot ask \"…\"")
        }
        return conversation
    }
}

private struct ConversationExport: Encodable {
    var conversation: Conversation
    var messages: [MessageRecord]
}

private struct UsageGroupRow: Encodable {
    var id: String?
    var name: String
    var answers: Int
    var promptTokens: Int
    var completionTokens: Int
    var cost: Double
}

private struct UsageGroupReport: Encodable {
    var from: Date?
    var to: Date?
    var by: String
    var groups: [UsageGroupRow]
}

private struct UsageReport: Encodable {
    var from: Date?
    var to: Date?
    var models: [UsageTotal]
}

private func withStore(_ global: GlobalOptions, _ body: (any ConversationStore) async throws -> Void) async throws {
    try await CommandContext.with(global) { context in
        try await body(try await context.openStore().conversations)
    }
}
