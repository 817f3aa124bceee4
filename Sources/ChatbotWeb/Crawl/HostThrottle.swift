/// Politeness per host: at most `limit` requests in flight on a host, and request starts on a
/// host spaced at least `delay` apart.
actor HostThrottle {
    private let clock = ContinuousClock()
    private var active: [String: Int] = [:]
    private var nextStart: [String: ContinuousClock.Instant] = [:]

    /// Waits for a slot on `host`, then until `delay` after the previous start. Pair with ``release(_:)``.
    func acquire(_ host: String, limit: Int, delay: Duration) async throws {
        while active[host, default: 0] >= limit {
            try await clock.sleep(for: .milliseconds(10))
        }
        active[host, default: 0] += 1
        let now = clock.now
        let start = max(now, nextStart[host] ?? now)
        nextStart[host] = start + delay
        if start > now {
            do {
                try await clock.sleep(until: start)
            } catch {
                active[host, default: 1] -= 1
                throw error
            }
        }
    }

    /// Frees the slot taken by ``acquire(_:limit:delay:)``.
    func release(_ host: String) {
        active[host, default: 1] -= 1
    }
}
