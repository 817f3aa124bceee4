/// When and how long to wait before sending a failed chat request again.
///
/// Exponential backoff with full jitter: the wait before retry *n* is uniformly random in
/// `0 … min(maxDelay, baseDelay × 2ⁿ⁻¹)`. A provider's `Retry-After` replaces the backoff when it
/// is at most ``maxRetryAfter``; a longer one ends the retries on that provider (waiting less
/// than asked would only earn another 429), so a fallback can answer instead.
///
/// Only errors with ``ProviderError/isRetryable`` are retried, and only before any text has
/// reached the consumer; ``FallbackChatProvider`` enforces the latter.
public struct RetryPolicy: Sendable {
    /// Attempts per provider, the first one included (1 disables retries).
    public var maxAttempts: Int
    /// The backoff ceiling for the first retry; it doubles with each retry.
    public var baseDelay: Duration
    /// The largest backoff ceiling.
    public var maxDelay: Duration
    /// The longest `Retry-After` that is waited for.
    public var maxRetryAfter: Duration
    /// Waits; tests inject a recorder so that they do not wait for real.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// Returns a random number in `0 ..< 1`; tests inject a fixed source.
    public var random: @Sendable () -> Double

    /// Creates a policy; the defaults are 3 attempts, 0.5 s base, 20 s cap, `Retry-After` up to 60 s.
    public init(
        maxAttempts: Int = 3,
        baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(20),
        maxRetryAfter: Duration = .seconds(60),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.sleep = sleep
        self.random = random
    }

    /// A policy that never retries.
    public static var none: RetryPolicy { RetryPolicy(maxAttempts: 1) }

    /// The wait before the next attempt after attempt number `attempt` (1-based) failed with
    /// `error`, or `nil` when there should be no further attempt on this provider.
    public func delay(afterAttempt attempt: Int, failure error: ProviderError) -> Duration? {
        guard attempt < maxAttempts, error.isRetryable else { return nil }
        if let retryAfter = error.retryAfter {
            return retryAfter <= maxRetryAfter ? retryAfter : nil
        }
        return backoff(afterAttempt: attempt)
    }

    /// Runs `operation`, running it again after each retryable ``ProviderError`` for as long as
    /// this policy allows (waiting ``delay(afterAttempt:failure:)`` in between); the last error is
    /// thrown. Other errors are thrown at once.
    public func run<Result>(_ operation: () async throws -> Result) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await operation()
            } catch let error as ProviderError {
                guard let wait = delay(afterAttempt: attempt, failure: error) else { throw error }
                try await sleep(wait)
                attempt += 1
            }
        }
    }

    /// The jittered exponential backoff after attempt number `attempt` (1-based) failed.
    public func backoff(afterAttempt attempt: Int) -> Duration {
        let exponent = Double(min(max(attempt - 1, 0), 62))
        let ceiling = min(maxDelay.secondsValue, baseDelay.secondsValue * pow2(exponent))
        let fraction = min(max(random(), 0), 1)
        return .seconds(ceiling * fraction)
    }

    private func pow2(_ exponent: Double) -> Double {
        var value = 1.0
        for _ in 0..<Int(exponent) { value *= 2 }
        return value
    }
}
