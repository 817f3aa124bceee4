public import ChatbotCore
import Foundation

/// Cuts a transcript into chunks by time: consecutive segments join while they fit, and each
/// chunk cites the time range it covers.
public enum MediaChunker {
    /// The chunks of `transcript`, each at most `maxCharacters` long (a longer segment stands alone).
    public static func chunks(of transcript: Transcript, maxCharacters: Int) -> [(
        text: String, location: ChunkLocation
    )] {
        var chunks: [(text: String, location: ChunkLocation)] = []
        var texts: [String] = []
        var length = 0
        var start: Double?
        var end: Double?
        func flush() {
            let text = texts.joined(separator: " ").trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty, let start { chunks.append((text, ChunkLocation(start: start, end: end))) }
            texts = []
            length = 0
            start = nil
            end = nil
        }
        for segment in transcript.segments {
            let text = segment.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { continue }
            if length > 0 && length + 1 + text.count > maxCharacters { flush() }
            if start == nil { start = segment.start }
            end = segment.end
            texts.append(text)
            length += text.count + (length > 0 ? 1 : 0)
        }
        flush()
        if chunks.isEmpty, !transcript.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            chunks.append(
                (transcript.text.trimmingCharacters(in: .whitespacesAndNewlines), ChunkLocation(start: 0, end: nil)))
        }
        return chunks
    }
}
