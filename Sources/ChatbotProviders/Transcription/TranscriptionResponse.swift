import ChatbotCore
import Foundation

/// Decodes the answers of the transcription protocols into a ``Transcript``.
enum TranscriptionResponse {
    private struct OpenAIBody: Decodable {
        struct Segment: Decodable {
            var start: Double
            var end: Double
            var text: String
        }
        var text: String?
        var language: String?
        var duration: Double?
        var segments: [Segment]?
    }

    private struct HuggingFaceBody: Decodable {
        struct Chunk: Decodable {
            var timestamp: [Double?]
            var text: String
        }
        var text: String
        var chunks: [Chunk]?
    }

    static func decodeOpenAI(
        _ data: Data, contentType: String, uploadSeconds: Double?, endpoint: ProviderEndpoint
    ) throws -> Transcript {
        if !contentType.contains("json") {
            // `response_format=text`, or a server that ignores the format.
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !(text.hasPrefix("{")) { return single(text, uploadSeconds: uploadSeconds) }
        }
        let body: OpenAIBody
        do {
            body = try JSONDecoder().decode(OpenAIBody.self, from: data)
        } catch {
            throw ProviderError.malformedResponse(
                endpoint, detail: "the transcription is not the expected JSON: \(error)")
        }
        guard let segments = body.segments, !segments.isEmpty else {
            var transcript = single(body.text ?? "", uploadSeconds: body.duration ?? uploadSeconds)
            transcript.language = body.language
            return transcript
        }
        let mapped = segments.map { TranscriptSegment(start: $0.start, end: $0.end, text: clean($0.text)) }
        return Transcript(
            text: clean(body.text ?? mapped.map(\.text).joined(separator: " ")), segments: mapped,
            language: body.language, duration: body.duration ?? uploadSeconds)
    }

    static func decodeHuggingFace(_ data: Data, uploadSeconds: Double?, endpoint: ProviderEndpoint) throws -> Transcript
    {
        let body: HuggingFaceBody
        do {
            body = try JSONDecoder().decode(HuggingFaceBody.self, from: data)
        } catch {
            throw ProviderError.malformedResponse(
                endpoint, detail: "the transcription is not {\"text\", \"chunks\"} JSON: \(error)")
        }
        guard let chunks = body.chunks, !chunks.isEmpty else {
            return single(body.text, uploadSeconds: uploadSeconds)
        }
        var segments: [TranscriptSegment] = []
        for chunk in chunks {
            let start = chunk.timestamp.first.flatMap { $0 } ?? segments.last?.end ?? 0
            // The last chunk's end is null when the model stopped mid-word.
            let end = chunk.timestamp.dropFirst().first.flatMap { $0 } ?? uploadSeconds ?? start
            segments.append(TranscriptSegment(start: start, end: max(start, end), text: clean(chunk.text)))
        }
        return Transcript(text: clean(body.text), segments: segments, duration: uploadSeconds)
    }

    private static func single(_ text: String, uploadSeconds: Double?) -> Transcript {
        let cleaned = clean(text)
        let segments = cleaned.isEmpty ? [] : [TranscriptSegment(start: 0, end: uploadSeconds ?? 0, text: cleaned)]
        return Transcript(text: cleaned, segments: segments, duration: uploadSeconds)
    }

    static func clean(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
