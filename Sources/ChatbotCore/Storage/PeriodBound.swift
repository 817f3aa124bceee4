public import Foundation

/// The ends of a usage period as people type them: a day (`YYYY-MM-DD`, UTC midnight) or an
/// ISO 8601 time. Shared by `chatbot history usage` and `GET /api/usage`.
public enum PeriodBound {
    /// The time `text` names, or `nil` when it is neither form.
    public static func parse(_ text: String) -> Date? {
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return day.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}
