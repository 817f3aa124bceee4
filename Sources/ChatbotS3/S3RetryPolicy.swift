/// How often and how patiently ``S3Client`` retries connection errors, 5xx responses and `SlowDown`.
///
/// The budget with the defaults: 4 attempts and at most 0.2 + 0.4 + 0.8 s of waiting between
/// them. An endpoint that refuses connections therefore fails within about 1.5 s; one that
/// drops packets within 4 connect timeouts (10 s each with
/// ``S3Client/httpClientConfiguration(connectTimeout:)``), about 42 s. Each retry after a failed
/// connection is logged at warning level.
public struct S3RetryPolicy: Sendable, Hashable {
    /// Attempts in total, including the first (1 = never retry).
    public var maxAttempts: Int
    /// The delay before the first retry; doubled for each further retry.
    public var initialDelay: Duration
    /// The longest delay between two attempts.
    public var maxDelay: Duration

    /// Creates a policy; the default makes 4 attempts waiting about 0.2 s, 0.4 s and 0.8 s.
    public init(maxAttempts: Int = 4, initialDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(5)) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// The delay before retry number `retry` (1-based): exponential, capped, with up to 50 % jitter.
    public func delay(beforeRetry retry: Int) -> Duration {
        let exponential = initialDelay * (1 << min(max(retry - 1, 0), 20))
        let capped = min(exponential, maxDelay)
        return capped * Double.random(in: 0.5...1.0)
    }
}
