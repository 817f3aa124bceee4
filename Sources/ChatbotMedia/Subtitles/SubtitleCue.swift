/// One timed piece of subtitle text.
public struct SubtitleCue: Sendable, Hashable, Codable {
    /// Start in seconds.
    public var start: Double
    /// End in seconds.
    public var end: Double
    /// The plain text (styling removed; lines joined by `\n`).
    public var text: String

    /// Creates a cue.
    public init(start: Double, end: Double, text: String) {
        self.start = start
        self.end = end
        self.text = text
    }
}
