public import Foundation
import SQLKit

/// Failed logins are limited per account and per client address, counted from the audit log's
/// `login.failed` rows of the last ``window``, so every replica on one database shares the count.
/// The window rolls: once the failures stop, the oldest ones age out and logins work again, so an
/// attacker can slow an account down but not lock it for good.
///
/// The refusal is the same whether the account exists, and costs no bcrypt work; a refused attempt
/// is not counted again.
public struct LoginThrottle: Sendable {
    /// Failures per account name within the window before logins to it are refused.
    public var perAccount: Int
    /// Failures per client address within the window.
    public var perAddress: Int
    /// The rolling window.
    public var window: Duration

    /// 5 per account and 20 per address a minute.
    public init(perAccount: Int = 5, perAddress: Int = 20, window: Duration = .seconds(60)) {
        self.perAccount = perAccount
        self.perAddress = perAddress
        self.window = window
    }

    /// Too many failed logins: try again after ``retryAfterSeconds``.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        /// Seconds until the oldest counted failure leaves the window.
        public var retryAfterSeconds: Int

        /// The message a client sees.
        public var description: String {
            "too many failed logins; try again in \(retryAfterSeconds) s"
        }
    }

    /// The name failures are counted under: folded like user names, at most 64 characters.
    static func accountKey(_ name: String) -> String {
        String(name.lowercased().prefix(64))
    }

    /// Throws ``Refusal`` when `name` or `ip` has used up its failures at `date`.
    func check(name: String, ip: String?, at date: Date, on sql: any SQLDatabase) async throws {
        let seconds = Double(window.components.seconds)
        let since = DatabaseTime.milliseconds(date.addingTimeInterval(-seconds))
        var waits: [Int] = []
        let account = try await sql.raw(
            """
            SELECT at FROM audit_log WHERE action = 'login.failed' AND target = \(bind: Self.accountKey(name))
                AND at > \(bind: since) ORDER BY at DESC LIMIT \(bind: perAccount)
            """
        ).all().map { try $0.decode(column: "at", as: Int64.self) }
        if account.count >= perAccount, let oldest = account.last { waits.append(wait(oldest, at: date)) }
        if let ip {
            let address = try await sql.raw(
                """
                SELECT at FROM audit_log WHERE action = 'login.failed' AND ip = \(bind: ip)
                    AND at > \(bind: since) ORDER BY at DESC LIMIT \(bind: perAddress)
                """
            ).all().map { try $0.decode(column: "at", as: Int64.self) }
            if address.count >= perAddress, let oldest = address.last { waits.append(wait(oldest, at: date)) }
        }
        if let longest = waits.max() { throw Refusal(retryAfterSeconds: longest) }
    }

    private func wait(_ oldestMilliseconds: Int64, at date: Date) -> Int {
        let seconds = Double(window.components.seconds)
        let free = Double(oldestMilliseconds) / 1000 + seconds
        return max(1, Int((free - date.timeIntervalSince1970).rounded(.up)))
    }
}
