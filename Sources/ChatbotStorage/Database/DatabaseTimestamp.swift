import Foundation

/// Times are stored as whole milliseconds since 1970 (`INTEGER` on SQLite, `BIGINT` on
/// PostgreSQL): exact, sortable and the same on every backend.
enum DatabaseTimestamp {
    /// The stored form of `date`.
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The date a stored value stands for.
    static func date(fromMilliseconds milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// `date` rounded to what the database keeps, so a value read back equals the one written.
    static func truncated(_ date: Date) -> Date {
        self.date(fromMilliseconds: milliseconds(date))
    }
}
