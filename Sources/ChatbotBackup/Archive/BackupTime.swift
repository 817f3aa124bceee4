import Foundation

/// The time formats of backups: ISO 8601 with milliseconds in manifests, a compact UTC stamp in
/// names.
enum BackupTime {
    static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func date(from string: String) -> Date? {
        try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(string)
    }

    /// `chatbot-backup-20260102T030405Z`.
    static func name(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "chatbot-backup-\(String(format: "%04d", parts.year ?? 0))\(two(parts.month))\(two(parts.day))T"
            + "\(two(parts.hour))\(two(parts.minute))\(two(parts.second))Z"
    }
}
