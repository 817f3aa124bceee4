import ChatbotAccounts
import ChatbotCore
import ChatbotStorage
import Foundation
import SQLKit

/// The account services on the configured store, acting as the command line's user `local`
/// (created on first use), for `users`, `keys` and `audit`.
struct AccountsCommandServices {
    let accounts: AccountService
    let keys: APIKeyService
    let audit: AuditLog
    let caller: Caller

    /// Opens the store of `context` and builds the services on it.
    static func open(_ context: CommandContext) async throws -> AccountsCommandServices {
        let database = SQLStoreAccountsDatabase(try await context.openStore())
        let accounts = AccountService(database: database)
        let local = try await accounts.ensureLocalUser()
        return AccountsCommandServices(
            accounts: accounts, keys: APIKeyService(database: database), audit: AuditLog(database: database),
            caller: .commandLine(local))
    }
}

/// Any SQL store as the accounts library's database.
enum PasswordInput {
    /// The password, from stdin with `fromStandardInput` (one trailing newline removed), else from
    /// a prompt (asked twice when `confirm`).
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) with no terminal to prompt on, or prompts that differ.
    static func read(fromStandardInput: Bool, confirm: Bool) throws -> String {
        if fromStandardInput {
            let data = try StandardInput.read(limit: 4096)
            var text = String(decoding: data, as: UTF8.self)
            if text.hasSuffix("\r\n") {
                text.removeLast(2)
            } else if text.hasSuffix("\n") {
                text.removeLast()
            }
            return text
        }
        guard isatty(STDIN_FILENO) == 1 else {
            throw ChatbotError(
                .usage, "there is no terminal to ask for the password on",
                hint: "pipe the password on stdin and pass --password-stdin")
        }
        let password = try prompt("Password: ")
        if confirm, try prompt("Repeat the password: ") != password {
            throw ChatbotError(.usage, "the two passwords differ")
        }
        return password
    }

    /// Asks on stderr and reads one line from the terminal with echo off.
    private static func prompt(_ text: String) throws -> String {
        StandardError.write(text)
        var original = termios()
        let hasTerminal = tcgetattr(STDIN_FILENO, &original) == 0
        if hasTerminal {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if hasTerminal { tcsetattr(STDIN_FILENO, TCSAFLUSH, &original) }
            StandardError.write("\n")
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < 4096 {
            let count = Foundation.read(STDIN_FILENO, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 || byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Dates in tables: ISO 8601 in UTC, to the second.
enum AccountDates {
    static func format(_ date: Date?) -> String {
        guard let date else { return "-" }
        return ISO8601DateFormatter().string(from: date)
    }
}
