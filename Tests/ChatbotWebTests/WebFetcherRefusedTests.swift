import ChatbotCore
import ChatbotTestSupport
import Foundation
import Testing

@testable import ChatbotWeb

/// Regression: a refused connection was retried inside the HTTP client until the fetch's total
/// timeout, so it looked like a slow server (`timed out …`, exit 75) after a silent wait.
@Suite("WebFetcher against a port where nothing listens")
struct WebFetcherRefusedTests {
    @Test("a refused connection is reported as refused (unavailable), not as a timeout")
    func refusedIsNotATimeout() async throws {
        let unused = try await FaultInjectingServer.unusedBaseURL()
        let fetcher = WebFetcher()
        var policy = WebFetcherTests.loopback
        policy.totalTimeout = .seconds(20)
        let error = await #expect(throws: ChatbotError.self) {
            try await fetcher.fetch(URL(string: unused)!, policy: policy)
        }
        await fetcher.shutdown()
        #expect(error?.kind == .unavailable, "\(String(describing: error))")
        #expect(error?.message == "cannot fetch \(unused): connection refused")
    }
}
