import ChatbotCore
import ChatbotSpeech
import Foundation
import Testing

@Suite("Transcript merging and formats")
struct TranscriptFormatTests {
    private let sample = Transcript(
        text: "Hello there. General --> Kenobi.",
        segments: [
            TranscriptSegment(start: 0.25, end: 1.5, text: "Hello there."),
            TranscriptSegment(start: 3661.5, end: 3662.0004, text: "General --> Kenobi."),
        ],
        language: "en", duration: 3663)

    @Test("SRT: numbered cues, comma milliseconds, no arrows in text")
    func srt() throws {
        let text = TranscriptFormat.srt.render(sample)
        let times = try TranscriptChecks.parseSRT(text)
        #expect(times.count == 2)
        #expect(times[1].0 == 3661.5)
        #expect(text.contains("01:01:01,500 --> 01:01:02,000"))
        #expect(!text.contains("General --> Kenobi"))
    }

    @Test("WebVTT: header, dot milliseconds")
    func vtt() throws {
        let text = TranscriptFormat.vtt.render(sample)
        let times = try TranscriptChecks.parseVTT(text)
        #expect(times.map(\.0) == [0.25, 3661.5])
        #expect(text.contains("00:00:00.250 --> 00:00:01.500"))
    }

    @Test("JSON: text and segments with start, end, text")
    func json() throws {
        let text = TranscriptFormat.json.render(sample)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let segments = try #require(object["segments"] as? [[String: Any]])
        #expect(segments.count == 2)
        #expect(segments[0]["start"] as? Double == 0.25)
        #expect(segments[0]["end"] as? Double == 1.5)
        #expect(segments[0]["text"] as? String == "Hello there.")
        #expect(object["language"] as? String == "en")
    }

    @Test("txt: one segment per line")
    func txt() {
        #expect(TranscriptFormat.txt.render(sample) == "Hello there.\nGeneral --> Kenobi.\n")
    }

    @Test("merging shifts by the window offset, clamps into the window, keeps order")
    func merge() {
        let first = Transcript(
            text: "",
            segments: [
                TranscriptSegment(start: 0, end: 4, text: " one "),
                TranscriptSegment(start: 4, end: 11, text: "two"),  // runs past its 10 s window
            ])
        let second = Transcript(
            text: "",
            segments: [
                TranscriptSegment(start: -0.5, end: 2, text: "three"),  // starts before the window
                TranscriptSegment(start: 2, end: 3, text: "   "),  // empty: dropped
                TranscriptSegment(start: 3, end: 6, text: "four"),
            ], language: "en")
        let merged = TranscriptMerger.merge(
            [
                .init(offset: 0, duration: 10, transcript: first),
                .init(offset: 10, duration: 6, transcript: second),
            ], duration: 15.5)
        #expect(merged.segments.map(\.text) == ["one", "two", "three", "four"])
        #expect(merged.segments.map(\.start) == [0, 4, 10, 13])
        #expect(merged.segments.map(\.end) == [4, 10, 12, 15.5])
        #expect(merged.text == "one two three four")
        #expect(merged.language == "en")
        TranscriptChecks.expectMonotonic(merged.segments, within: 15.5)
    }

    @Test("the word error rate counts substitutions, insertions and deletions")
    func wer() {
        #expect(TranscriptChecks.wordErrorRate(reference: "a b c d", hypothesis: "A, b c d.") == 0)
        #expect(TranscriptChecks.wordErrorRate(reference: "a b c d", hypothesis: "a x c") == 0.5)
        #expect(TranscriptChecks.wordErrorRate(reference: "a b", hypothesis: "a b c d") == 1)
    }
}
