import ChatbotCore
import ChatbotMedia
import ChatbotTestSupport
import Foundation
import Testing

@Suite("Embedded text subtitles")
struct SubtitleTests {
    @Test("cues of every text subtitle codec", arguments: MediaFixtures.subtitledFiles.sorted { $0.key < $1.key })
    func cues(entry: (key: String, value: String)) throws {
        let fixtures = try MediaFixtures.shared
        let path = fixtures.path(entry.key)
        let info = try MediaProbe.info(of: .file(path))
        #expect(info.textSubtitleStreams.map(\.codec) == [entry.value])
        let cues = try SubtitleReader.cues(of: .file(path))
        #expect(cues.map(\.text) == MediaFixtures.subtitleCues.map(\.text))
        // Copying AAC into Matroska shifts every packet by the encoder delay (1024 samples at
        // 22.05 kHz = 46 ms) to avoid negative timestamps; allow that much.
        for (cue, expected) in zip(cues, MediaFixtures.subtitleCues) {
            #expect(abs(cue.start - expected.start) < 0.05, "\(cue.start) vs \(expected.start)")
            #expect(abs(cue.end - expected.end) < 0.05, "\(cue.end) vs \(expected.end)")
        }
    }

    @Test("a file without subtitles says so")
    func none() throws {
        let fixtures = try MediaFixtures.shared
        let error = try #require(throws: ChatbotError.self) {
            _ = try SubtitleReader.cues(of: .file(fixtures.path("video.mp4")))
        }
        #expect(error.message.contains("no text subtitle track"))
    }

    @Test("ASS styling and line breaks are removed")
    func assText() {
        let line = "0,0,Default,,0,0,0,,{\\i1}Hello{\\i0}, world\\Nsecond\\hline"
        #expect(SubtitleReader.plainText(fromASSDialogue: line) == "Hello, world\nsecond line")
        #expect(SubtitleReader.plainText(fromMarkup: "<i>Hi</i> <b>there</b>") == "Hi there")
    }
}
