public import ChatbotCore

/// Joins the transcripts of consecutive windows into one: segment times are shifted by each
/// window's start, kept inside the window, and made monotonic (no overlaps, no going back).
public enum TranscriptMerger {
    /// One window's transcript and where the window sits in the recording.
    public struct Part: Sendable {
        /// Start of the window in the recording, in seconds.
        public var offset: Double
        /// Length of the window in seconds.
        public var duration: Double
        /// The window's transcript, times relative to the window.
        public var transcript: Transcript

        /// Creates a part.
        public init(offset: Double, duration: Double, transcript: Transcript) {
            self.offset = offset
            self.duration = duration
            self.transcript = transcript
        }
    }

    /// The merged transcript of `parts` (in recording order) for media `duration` seconds long.
    public static func merge(_ parts: [Part], duration: Double?) -> Transcript {
        var segments: [TranscriptSegment] = []
        var language: String?
        for part in parts {
            language = language ?? part.transcript.language
            let windowEnd = part.offset + part.duration
            for segment in part.transcript.segments {
                let text = segment.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                guard !text.isEmpty else { continue }
                let previousEnd = segments.last?.end ?? 0
                var start = min(max(part.offset + max(0, segment.start), part.offset), windowEnd)
                var end = min(max(part.offset + segment.end, start), windowEnd)
                start = max(start, previousEnd)
                end = max(end, start)
                if let duration {
                    start = min(start, duration)
                    end = min(end, duration)
                }
                segments.append(TranscriptSegment(start: start, end: end, text: text))
            }
        }
        return Transcript(
            text: segments.map(\.text).joined(separator: " "), segments: segments, language: language,
            duration: duration)
    }
}
