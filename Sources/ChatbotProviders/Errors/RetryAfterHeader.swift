public import Foundation

/// Parses the HTTP `Retry-After` header (RFC 9110 §10.2.3).
public enum RetryAfterHeader {
    /// The wait the header asks for, or `nil` when the value is neither form.
    ///
    /// Accepts delta-seconds (`120`) and an HTTP-date in the preferred IMF-fixdate form
    /// (`Sun, 06 Nov 1994 08:49:37 GMT`) or the obsolete RFC 850 and asctime forms.
    /// A date in the past means "now" (zero).
    public static func parse(_ value: String, now: Date = Date()) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            // Absurdly long values saturate instead of overflowing.
            guard let seconds = Int64(text) else { return .seconds(Int64.max / 1_000_000_000_000) }
            return .seconds(seconds)
        }
        // asctime pads single-digit days with a space; DateFormatter wants single spaces.
        let date = text.split(separator: " ").joined(separator: " ")
        for format in httpDateFormats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: date) {
                let seconds = date.timeIntervalSince(now)
                return seconds > 0 ? .milliseconds(Int64((seconds * 1000).rounded())) : .zero
            }
        }
        return nil
    }

    private static let httpDateFormats = [
        "EEE, dd MMM yyyy HH:mm:ss zzz",  // IMF-fixdate
        "EEEE, dd-MMM-yy HH:mm:ss zzz",  // RFC 850
        "EEE MMM d HH:mm:ss yyyy",  // asctime
    ]
}
