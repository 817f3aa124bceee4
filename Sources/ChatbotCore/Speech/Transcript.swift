/// The text of a recording with its timed segments.
public struct Transcript: Sendable, Hashable, Codable {
    /// The whole text.
    public var text: String
    /// Timed segments, in order, not overlapping.
    public var segments: [TranscriptSegment]
    /// The language the provider reported, if it did.
    public var language: String?
    /// The length of the media in seconds, when known.
    public var duration: Double?

    /// Creates a transcript.
    public init(text: String, segments: [TranscriptSegment], language: String? = nil, duration: Double? = nil) {
        self.text = text
        self.segments = segments
        self.language = language
        self.duration = duration
    }
}
