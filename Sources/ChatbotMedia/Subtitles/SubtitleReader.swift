import CFFmpegShim
import ChatbotCore

/// Reads the cues of an embedded text subtitle track (SubRip, ASS/SSA, mov_text, WebVTT).
public enum SubtitleReader {
    /// The cues of `stream`, or of the first text subtitle stream when `nil`, in time order.
    ///
    /// - Throws: `ChatbotError` when there is no text subtitle track or the media is damaged.
    public static func cues(
        of source: MediaSource, stream: Int? = nil, limits: MediaLimits = MediaLimits()
    ) throws -> [SubtitleCue] {
        let handle = try MediaHandle(source, limits: limits)
        let info = MediaProbe.describe(handle)
        let candidates = info.textSubtitleStreams
        let chosen: MediaStream
        if let stream {
            guard let found = candidates.first(where: { $0.index == stream }) else {
                throw ChatbotError(
                    .usage, "stream \(stream) of \(source.name) is not a text subtitle track",
                    reason: .mediaStreamChoice)
            }
            chosen = found
        } else {
            guard let first = candidates.first(where: \.isDefault) ?? candidates.first else {
                throw ChatbotError(
                    .runtime, "\(source.name) has no text subtitle track",
                    hint: "transcribe the audio instead", reason: .noSubtitles)
            }
            chosen = first
        }
        let code = cbm_subtitle_open(handle.pointer, Int32(chosen.index))
        guard code >= 0 else { throw MediaFailure.error(code: code, source: source, limits: limits) }

        // Times are relative to the start of the media, as the decoded audio is.
        let origin = MediaProbe.seconds(cbm_start_time_us(handle.pointer))
        var cues: [SubtitleCue] = []
        var totalCharacters = 0
        while true {
            var start: Int64 = 0
            var end: Int64 = 0
            var text: UnsafePointer<CChar>?
            var isASS: Int32 = 0
            let result = cbm_subtitle_next(handle.pointer, &start, &end, &text, &isASS)
            if result < 0 { throw MediaFailure.error(code: result, source: source, limits: limits) }
            if result == 0 { break }
            guard let text else { continue }
            let raw = String(cString: text)
            let plain = isASS != 0 ? plainText(fromASSDialogue: raw) : plainText(fromMarkup: raw)
            guard !plain.isEmpty else { continue }
            totalCharacters += plain.utf8.count
            guard totalCharacters <= 64 * 1024 * 1024 else {
                throw ChatbotError(.runtime, "\(source.name): the subtitle track holds more than 64 MiB of text")
            }
            let startSeconds = max(0, MediaProbe.seconds(start) - origin)
            let endSeconds = max(startSeconds, MediaProbe.seconds(end) - origin)
            cues.append(SubtitleCue(start: startSeconds, end: endSeconds, text: plain))
        }
        return cues.sorted { $0.start < $1.start }
    }

    /// The text of an ASS dialogue event as FFmpeg gives it
    /// (`ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text`), without styling.
    public static func plainText(fromASSDialogue line: String) -> String {
        var fieldsSeen = 0
        var index = line.startIndex
        while index < line.endIndex, fieldsSeen < 8 {
            if line[index] == "," { fieldsSeen += 1 }
            index = line.index(after: index)
        }
        let text = fieldsSeen == 8 ? String(line[index...]) : line
        var result = ""
        var inOverride = false
        var characters = Array(text)
        characters.append(" ")
        var position = 0
        while position < characters.count - 1 {
            let character = characters[position]
            if inOverride {
                if character == "}" { inOverride = false }
            } else if character == "{" {
                inOverride = true
            } else if character == "\\", ["N", "n"].contains(characters[position + 1]) {
                result.append("\n")
                position += 1
            } else if character == "\\", characters[position + 1] == "h" {
                result.append(" ")
                position += 1
            } else {
                result.append(character)
            }
            position += 1
        }
        return tidy(result)
    }

    /// Plain or lightly marked-up subtitle text (`<i>…</i>`) without the tags.
    public static func plainText(fromMarkup text: String) -> String {
        var result = ""
        var inTag = false
        for character in text {
            if character == "<" {
                inTag = true
            } else if character == ">", inTag {
                inTag = false
            } else if !inTag {
                result.append(character)
            }
        }
        return tidy(result)
    }

    private static func tidy(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).joined(separator: " ") }
            .filter { !$0.isEmpty }
            .joined(separator: "\n")
    }
}
