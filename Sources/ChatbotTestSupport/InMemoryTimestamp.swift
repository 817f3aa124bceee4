import Foundation

/// Times kept by the in-memory stores: whole milliseconds, as the SQL stores keep them, so a value
/// read back compares the same on every backend.
enum InMemoryTimestamp {
    /// `date` rounded to the millisecond.
    static func truncated(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
