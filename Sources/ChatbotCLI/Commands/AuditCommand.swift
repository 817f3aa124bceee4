import ArgumentParser
import ChatbotAccounts
import ChatbotCore
import Foundation

/// `chatbot audit`: who did what, when.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the audit log: logins, key and user changes, refresh-token reuse.",
        discussion: "Entries are printed oldest first; --limit keeps the newest ones."
    )

    @OptionGroup var global: GlobalOptions

    @Option(
        help: ArgumentHelp(
            "Only entries since this time: ISO 8601 (2026-01-31T12:00:00Z) or a duration ago (90m, 24h, 7d).",
            valueName: "when"))
    var since: String?

    @Option(help: ArgumentHelp("At most this many entries (the newest).", valueName: "n"))
    var limit: Int = 100

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        if let since, Self.parseSince(since, now: Date()) == nil {
            throw ValidationError("--since takes an ISO 8601 time or a duration like 30m, 24h or 7d, not '\(since)'")
        }
    }

    func run() async throws {
        let start = since.flatMap { Self.parseSince($0, now: Date()) }
        try await CommandContext.with(global) { context in
            let entries = try await AccountsCommandServices.open(context).audit.entries(since: start, limit: limit)
            if json {
                try JSONOutput.print(entries)
                return
            }
            var table = TextTable(columns: ["AT", "ACTOR", "ACTION", "TARGET", "DETAIL", "IP"])
            for entry in entries {
                let detail = entry.detail.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    .joined(separator: " ")
                table.add([
                    AccountDates.format(entry.at), entry.actorName ?? "-", entry.action, entry.target ?? "-",
                    detail.isEmpty ? "-" : detail, entry.ip ?? "-",
                ])
            }
            StandardOutput.write(table.render())
        }
    }

    /// `text` as a time: ISO 8601 (with or without fractional seconds), or `<n>s|m|h|d|w` ago.
    static func parseSince(_ text: String, now: Date) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate]
        if let date = formatter.date(from: text) { return date }
        guard let unit = text.last, let amount = Double(text.dropLast()), amount >= 0, amount.isFinite else {
            return nil
        }
        let seconds: Double
        switch unit {
        case "s": seconds = 1
        case "m": seconds = 60
        case "h": seconds = 3600
        case "d": seconds = 86_400
        case "w": seconds = 604_800
        default: return nil
        }
        return now.addingTimeInterval(-amount * seconds)
    }
}
