/// A timed piece of a transcript.
public struct TranscriptSegment: Sendable, Hashable, Codable {
    /// Start in seconds from the beginning of the media.
    public var start: Double
    /// End in seconds from the beginning of the media.
    public var end: Double
    /// The words spoken (or shown, for subtitles).
    public var text: String

    /// Creates a segment.
    public init(start: Double, end: Double, text: String) {
        self.start = start
        self.end = end
        self.text = text
    }
}
