import ChatbotCore
import ChatbotMedia
import ChatbotTestSupport
import Foundation
import Testing

@Suite("Hostile and damaged media")
struct HostileMediaTests {
    private func openError(_ path: String, limits: MediaLimits = MediaLimits()) throws -> ChatbotError {
        try #require(throws: ChatbotError.self) {
            let decoder = try AudioDecoder(source: .file(path), limits: limits)
            while try decoder.next() != nil {}
        }
    }

    @Test("a playlist or concat list renamed to .mp4 is refused", arguments: ["playlist.mp4", "concat.mp4"])
    func referencesRefused(name: String) throws {
        let fixtures = try MediaFixtures.shared
        let path = fixtures.path(name)
        let error = try openError(path)
        #expect(error.message.hasPrefix(path))
        #expect(error.message.contains("not accepted") || error.message.contains("not a recognised"))
        #expect(throws: ChatbotError.self) { _ = try MediaProbe.info(of: .file(path)) }
    }

    @Test("random bytes are not media")
    func noise() throws {
        let fixtures = try MediaFixtures.shared
        let error = try openError(fixtures.path("noise.mp4"))
        #expect(error.message.hasPrefix(fixtures.path("noise.mp4")))
        // Noise may look like nothing, or faintly like a demuxer outside the allow-list: refused either way.
        #expect(error.message.contains("not a recognised") || error.message.contains("not accepted"))
    }

    @Test("an MP4 cut in half is reported as damaged or truncated")
    func truncatedMP4() throws {
        let fixtures = try MediaFixtures.shared
        let error = try openError(fixtures.path("truncated.mp4"))
        #expect(error.message.contains("truncated.mp4"))
        #expect(error.message.contains("truncated") || error.message.contains("not a recognised"))
    }

    @Test("a FLAC file that stops early is reported as truncated")
    func truncatedFLAC() throws {
        let fixtures = try MediaFixtures.shared
        let error = try openError(fixtures.path("truncated.flac"))
        #expect(error.message.contains("truncated.flac"))
        #expect(error.message.contains("truncated media"))
    }

    @Test("directories and missing files get a clear error")
    func notFiles() throws {
        let fixtures = try MediaFixtures.shared
        let directory = try openError(fixtures.directory.path)
        #expect(directory.message.contains("not a regular file"))
        let missing = try openError(fixtures.path("missing.wav"))
        #expect(missing.message.contains("missing.wav"))
        #expect(missing.message.contains("No such file"))
    }

    @Test("media declared longer than the limit is refused before decoding")
    func durationCap() throws {
        let fixtures = try MediaFixtures.shared
        let error = try openError(fixtures.path("speech.mp3"), limits: MediaLimits(maxDurationSeconds: 2))
        #expect(error.message.contains("longer than the allowed"))
    }

    @Test("decoding stops at the decoded-samples cap whatever the header says")
    func decodedCap() throws {
        let fixtures = try MediaFixtures.shared
        let error = try openError(fixtures.path("speech.flac"), limits: MediaLimits(maxDecodedSeconds: 1))
        #expect(error.message.contains("longer than the allowed"))
    }

    @Test("a deadline that has passed stops the work with a clear error")
    func deadline() throws {
        let fixtures = try MediaFixtures.shared
        let error = try openError(fixtures.path("speech.wav"), limits: MediaLimits(timeLimitSeconds: -1))
        #expect(error.message.contains("time limit"))
    }
}
