/// How far a windowed transcription has come, reported as it goes.
public struct TranscriptionProgress: Sendable, Hashable {
    /// Seconds of audio decoded so far.
    public var decodedSeconds: Double
    /// The media's length in seconds, when the container says.
    public var totalSeconds: Double?
    /// Windows sent to the provider so far.
    public var windowsSent: Int
    /// Windows whose transcript has come back.
    public var windowsDone: Int

    /// Creates a progress report.
    public init(decodedSeconds: Double, totalSeconds: Double?, windowsSent: Int, windowsDone: Int) {
        self.decodedSeconds = decodedSeconds
        self.totalSeconds = totalSeconds
        self.windowsSent = windowsSent
        self.windowsDone = windowsDone
    }
}
