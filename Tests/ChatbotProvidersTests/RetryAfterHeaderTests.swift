import ChatbotProviders
import Foundation
import Testing

@Suite("RetryAfterHeader")
struct RetryAfterHeaderTests {
    /// Sun, 06 Nov 1994 08:49:37 GMT.
    private let now = Date(timeIntervalSince1970: 784_111_777)

    @Test("delta-seconds", arguments: [("120", 120), (" 5 ", 5), ("0", 0)])
    func deltaSeconds(value: String, seconds: Int) {
        #expect(RetryAfterHeader.parse(value, now: now) == .seconds(seconds))
    }

    @Test("HTTP-date in IMF-fixdate, RFC 850 and asctime forms")
    func httpDates() {
        #expect(RetryAfterHeader.parse("Sun, 06 Nov 1994 08:50:07 GMT", now: now) == .seconds(30))
        #expect(RetryAfterHeader.parse("Sunday, 06-Nov-94 08:51:37 GMT", now: now) == .seconds(120))
        #expect(RetryAfterHeader.parse("Sun Nov  6 08:49:47 1994", now: now) == .seconds(10))
    }

    @Test("a date in the past means no wait")
    func pastDate() {
        #expect(RetryAfterHeader.parse("Sun, 06 Nov 1994 08:00:00 GMT", now: now) == .zero)
    }

    @Test("anything else is not understood", arguments: ["", "soon", "-5", "1.5", "Sun, 32 Nov 1994 08:49:37 GMT"])
    func garbage(value: String) {
        #expect(RetryAfterHeader.parse(value, now: now) == nil)
    }
}
