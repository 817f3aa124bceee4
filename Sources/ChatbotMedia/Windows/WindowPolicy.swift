/// How long recordings are cut into windows for a speech provider.
public struct WindowPolicy: Sendable, Hashable {
    /// No window is longer than this (seconds).
    public var maxSeconds: Double
    /// The cut is made at the quietest point within this many seconds before ``maxSeconds``.
    public var searchSeconds: Double

    /// Creates a policy; `searchSeconds` defaults to a quarter of the window, at most 30 s.
    public init(maxSeconds: Double, searchSeconds: Double? = nil) {
        let window = max(1, maxSeconds)
        self.maxSeconds = window
        self.searchSeconds = min(window / 2, max(0.2, searchSeconds ?? min(30, window / 4)))
    }

    /// The longest window whose 16-bit mono WAV encoding fits in `bytes` at `sampleRate`,
    /// capped at `maxSeconds`.
    public static func fitting(
        uploadLimitBytes bytes: Int, sampleRate: Int, maxSeconds: Double
    ) -> WindowPolicy {
        let seconds = Double(max(0, bytes - WAVEncoder.headerSize)) / Double(2 * sampleRate)
        return WindowPolicy(maxSeconds: min(maxSeconds, seconds * 0.98))
    }
}
