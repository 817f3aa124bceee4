public import ChatbotCore
import Foundation

/// The output formats of `chatbot transcribe`.
public enum TranscriptFormat: String, Sendable, CaseIterable {
    /// The text, one segment per line.
    case txt
    /// SubRip subtitles.
    case srt
    /// WebVTT subtitles.
    case vtt
    /// `{"text", "language", "duration", "segments": [{"start", "end", "text"}]}`.
    case json

    /// `transcript` in this format, ending with a newline.
    public func render(_ transcript: Transcript) -> String {
        switch self {
        case .txt:
            return transcript.segments.map(\.text).joined(separator: "\n") + "\n"
        case .srt:
            var output = ""
            for (number, segment) in transcript.segments.enumerated() {
                output += "\(number + 1)\n"
                output +=
                    "\(Self.timestamp(segment.start, separator: ",")) --> \(Self.timestamp(segment.end, separator: ","))\n"
                output += "\(Self.cueText(segment.text))\n\n"
            }
            return output
        case .vtt:
            var output = "WEBVTT\n\n"
            for segment in transcript.segments {
                output +=
                    "\(Self.timestamp(segment.start, separator: ".")) --> \(Self.timestamp(segment.end, separator: "."))\n"
                output += "\(Self.cueText(segment.text))\n\n"
            }
            return output
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(transcript)) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self) + "\n"
        }
    }

    /// `HH:MM:SS,mmm` (SRT) or `HH:MM:SS.mmm` (WebVTT).
    static func timestamp(_ seconds: Double, separator: String) -> String {
        let milliseconds = max(0, Int((seconds * 1000).rounded()))
        let hours = milliseconds / 3_600_000
        let minutes = milliseconds / 60_000 % 60
        let secs = milliseconds / 1000 % 60
        return String(format: "%02d:%02d:%02d%@%03d", hours, minutes, secs, separator, milliseconds % 1000)
    }

    /// Cue text may not contain a blank line (it would end the cue) or `-->`.
    private static func cueText(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        return lines.joined(separator: "\n").replacingOccurrences(of: "-->", with: "->")
    }
}
