import ChatbotCore
import ChatbotProviders
import Synchronization
import Testing

@Suite("RetryPolicy")
struct RetryPolicyTests {
    private let endpoint = ProviderEndpoint(name: "local", baseURL: "http://127.0.0.1:8080/v1")

    @Test("backoff ceiling doubles from the base delay and stops at the cap", arguments: 1...12)
    func backoffCeiling(attempt: Int) {
        let ceiling = min(20.0, 0.5 * Double(1 << (attempt - 1)))
        let top = RetryPolicy(random: { 1 }).backoff(afterAttempt: attempt)
        let half = RetryPolicy(random: { 0.5 }).backoff(afterAttempt: attempt)
        let bottom = RetryPolicy(random: { 0 }).backoff(afterAttempt: attempt)
        #expect(top == .seconds(ceiling))
        #expect(half == .seconds(ceiling / 2))
        #expect(bottom == .zero)
    }

    @Test("full jitter: real random waits stay within the ceiling and vary")
    func fullJitter() {
        let policy = RetryPolicy()
        let samples = (0..<200).map { _ in policy.backoff(afterAttempt: 3) }
        #expect(samples.allSatisfy { $0 >= .zero && $0 <= .seconds(2) })
        #expect(Set(samples).count > 10)
    }

    @Test("retryable errors get a backoff until the attempts are spent")
    func attemptsLimit() {
        let policy = RetryPolicy(maxAttempts: 3, random: { 0.5 })
        let failure = ProviderError.httpStatus(endpoint, status: 503, message: "loading model")
        #expect(policy.delay(afterAttempt: 1, failure: failure) == .milliseconds(250))
        #expect(policy.delay(afterAttempt: 2, failure: failure) == .milliseconds(500))
        #expect(policy.delay(afterAttempt: 3, failure: failure) == nil)
        #expect(RetryPolicy.none.delay(afterAttempt: 1, failure: failure) == nil)
    }

    @Test("run: retryable failures are tried again until success or the attempts are spent; others at once")
    func run() async throws {
        let waits = Mutex<[Duration]>([])
        let policy = RetryPolicy(maxAttempts: 3, sleep: { wait in waits.withLock { $0.append(wait) } }, random: { 0.5 })
        let busy = ProviderError.httpStatus(endpoint, status: 503, message: "loading model")
        let calls = Mutex(0)
        let value = try await policy.run {
            let call = calls.withLock {
                $0 += 1
                return $0
            }
            if call < 3 { throw busy }
            return "ok"
        }
        #expect(value == "ok" && calls.withLock { $0 } == 3)
        #expect(waits.withLock { $0 } == [.milliseconds(250), .milliseconds(500)])

        calls.withLock { $0 = 0 }
        await #expect(throws: ProviderError.self) {
            try await policy.run { () async throws -> Int in
                calls.withLock { $0 += 1 }
                throw busy
            }
        }
        #expect(calls.withLock { $0 } == 3)

        calls.withLock { $0 = 0 }
        let denied = ProviderError.httpStatus(endpoint, status: 401, message: "bad key")
        await #expect(throws: ProviderError.self) {
            try await policy.run { () async throws -> Int in
                calls.withLock { $0 += 1 }
                throw denied
            }
        }
        #expect(calls.withLock { $0 } == 1)
    }

    @Test("non-retryable errors are not retried")
    func nonRetryable() {
        let policy = RetryPolicy()
        #expect(policy.delay(afterAttempt: 1, failure: .httpStatus(endpoint, status: 401, message: "bad key")) == nil)
        #expect(policy.delay(afterAttempt: 1, failure: .malformedResponse(endpoint, detail: "x")) == nil)
    }

    @Test("Retry-After replaces the backoff, unless it is longer than the policy waits")
    func retryAfter() {
        let policy = RetryPolicy(maxRetryAfter: .seconds(60), random: { 0 })
        let soon = ProviderError.httpStatus(endpoint, status: 429, message: nil, retryAfter: .seconds(7))
        let late = ProviderError.httpStatus(endpoint, status: 429, message: nil, retryAfter: .seconds(3600))
        #expect(policy.delay(afterAttempt: 1, failure: soon) == .seconds(7))
        #expect(policy.delay(afterAttempt: 1, failure: late) == nil)
    }
}
