/// Caps that keep hostile or enormous media from exhausting time or memory.
public struct MediaLimits: Sendable, Hashable {
    /// Bytes read to detect the container and its streams.
    public var probeSize: Int
    /// Seconds of media analysed to find stream parameters.
    public var analyzeSeconds: Double
    /// Media declared longer than this is refused (seconds).
    public var maxDurationSeconds: Double
    /// Decoding stops with an error after this many seconds of output audio, whatever the
    /// container declared (a lying header cannot make us decode forever).
    public var maxDecodedSeconds: Double
    /// Wall-clock seconds one open or decode may take; `nil` for no limit.
    public var timeLimitSeconds: Double?

    /// Creates limits; the defaults allow 12 hours of media and no wall-clock limit.
    public init(
        probeSize: Int = 5 * 1024 * 1024,
        analyzeSeconds: Double = 5,
        maxDurationSeconds: Double = 12 * 3600,
        maxDecodedSeconds: Double = 12 * 3600 + 60,
        timeLimitSeconds: Double? = nil
    ) {
        self.probeSize = probeSize
        self.analyzeSeconds = analyzeSeconds
        self.maxDurationSeconds = maxDurationSeconds
        self.maxDecodedSeconds = maxDecodedSeconds
        self.timeLimitSeconds = timeLimitSeconds
    }
}
