/// A stretch of decoded audio cut from a longer recording, with its place in the recording.
public struct AudioWindow: Sendable {
    /// Position among the windows, from 0.
    public var index: Int
    /// Where it starts in the recording, in seconds.
    public var startSeconds: Double
    /// Mono samples.
    public var samples: [Float]
    /// Samples per second.
    public var sampleRate: Int

    /// Creates a window.
    public init(index: Int, startSeconds: Double, samples: [Float], sampleRate: Int) {
        self.index = index
        self.startSeconds = startSeconds
        self.samples = samples
        self.sampleRate = sampleRate
    }

    /// Its length in seconds.
    public var durationSeconds: Double { Double(samples.count) / Double(sampleRate) }
}
