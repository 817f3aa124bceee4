import ChatbotMedia
import ChatbotTestSupport
import Foundation
import Testing

@Suite("Media info")
struct MediaInfoTests {
    @Test(
        "audio containers: family, duration, one audio stream",
        arguments: MediaFixtures.audioFiles.sorted { $0.key < $1.key })
    func audio(entry: (key: String, value: String)) throws {
        let fixtures = try MediaFixtures.shared
        let info = try MediaProbe.info(of: .file(fixtures.path(entry.key)))
        #expect(info.container.split(separator: ",").contains(Substring(entry.value)), "\(info.container)")
        let speechSeconds = Double(try ReferenceDecode.samples(of: fixtures.path("speech.wav")).count) / 16_000
        let duration = try #require(info.durationSeconds)
        #expect(abs(duration - speechSeconds) < 0.2, "\(duration) vs \(speechSeconds)")
        let audio = info.streams.filter { $0.kind == .audio }
        #expect(audio.count == 1)
        #expect(audio.first?.channels == 1)
        #expect((audio.first?.sampleRate ?? 0) > 0)
        #expect(info.bestAudioStream == audio.first?.index)
    }

    @Test(
        "videos: resolution and frame rate of the still image",
        arguments: MediaFixtures.videoFiles.sorted { $0.key < $1.key })
    func video(entry: (key: String, value: String)) throws {
        let fixtures = try MediaFixtures.shared
        let info = try MediaProbe.info(of: .file(fixtures.path(entry.key)))
        #expect(info.container.split(separator: ",").contains(Substring(entry.value)), "\(info.container)")
        let video = try #require(info.streams.first { $0.kind == .video })
        #expect(video.width == 320)
        #expect(video.height == 240)
        #expect(abs((video.frameRate ?? 0) - 5) < 0.01)
        #expect(info.streams.contains { $0.kind == .audio })
    }

    @Test("tags and chapters")
    func tagsAndChapters() throws {
        let fixtures = try MediaFixtures.shared
        let info = try MediaProbe.info(of: .file(fixtures.path("video.mkv")))
        #expect(info.tags.first { $0.key.lowercased() == "title" }?.value == "Fixture talk")
        #expect(info.chapters.map(\.title) == ["Opening", "Middle"])
        #expect(abs((info.chapters.first?.endSeconds ?? 0) - 3) < 0.01)
        #expect(abs((info.chapters.last?.startSeconds ?? 0) - 3) < 0.01)
    }

    @Test("JSON uses snake_case keys")
    func json() throws {
        let fixtures = try MediaFixtures.shared
        let info = try MediaProbe.info(of: .file(fixtures.path("video.mp4")))
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let text = String(decoding: try encoder.encode(info), as: UTF8.self)
        #expect(text.contains("\"duration_seconds\""))
        #expect(text.contains("\"best_audio_stream\""))
        #expect(text.contains("\"frame_rate\""))
    }
}
