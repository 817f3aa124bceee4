import ChatbotCore
import ChatbotMedia
import ChatbotTestSupport
import Foundation
import Testing

@Suite("Decoding every container to 16 kHz mono")
struct DecodeTests {
    static let allFiles = Array(MediaFixtures.audioFiles.keys.sorted()) + MediaFixtures.videoFiles.keys.sorted()

    private func decodeAll(_ path: String, stream: Int? = nil) throws -> (samples: [Float], chunks: Int, largest: Int) {
        let decoder = try AudioDecoder(source: .file(path), stream: stream)
        var samples: [Float] = []
        var chunks = 0
        var largest = 0
        while let chunk = try decoder.next() {
            samples += chunk
            chunks += 1
            largest = max(largest, chunk.count)
        }
        return (samples, chunks, largest)
    }

    @Test("decodes like the ffmpeg CLI", arguments: allFiles)
    func matchesReference(name: String) throws {
        let fixtures = try MediaFixtures.shared
        let path = fixtures.path(name)
        let ours = try decodeAll(path)
        let reference = try ReferenceDecode.samples(of: path)
        // Same length within 20 ms (codecs differ in priming and padding handling).
        #expect(abs(ours.samples.count - reference.count) <= 320, "\(ours.samples.count) vs \(reference.count)")
        // Real speech, not silence.
        #expect(ReferenceDecode.rms(ours.samples[...]) > 0.02)
        // Chunks are small and many: the decoder streams rather than decoding all at once.
        #expect(ours.chunks > 10)
        #expect(ours.largest < 16_000)
        // The same waveform: the difference is small against the signal.
        let count = min(ours.samples.count, reference.count)
        let difference = zip(ours.samples[..<count], reference[..<count]).map { $0 - $1 }
        #expect(
            ReferenceDecode.rms(difference[...]) < 0.1 * ReferenceDecode.rms(reference[..<count]),
            "decoded waveform differs from ffmpeg's")
    }

    @Test("reads media from memory")
    func memorySource() throws {
        let fixtures = try MediaFixtures.shared
        let data = try Data(contentsOf: URL(fileURLWithPath: fixtures.path("speech.mp3")))
        let decoder = try AudioDecoder(source: .memory(data, name: "speech.mp3 (memory)"))
        var total = 0
        while let chunk = try decoder.next() { total += chunk.count }
        let reference = try ReferenceDecode.samples(of: fixtures.path("speech.mp3"))
        #expect(abs(total - reference.count) <= 320)
        #expect(decoder.info.container == "mp3")
    }

    @Test("WAV encoding round-trips through the decoder")
    func wavRoundTrip() throws {
        let samples: [Float] = (0..<16_000).map { Float(sin(Double($0) * 0.05)) * 0.5 }
        let wav = WAVEncoder.encode(samples, sampleRate: 16_000)
        #expect(wav.count == WAVEncoder.headerSize + samples.count * 2)
        let decoder = try AudioDecoder(source: .memory(wav, name: "encoded.wav"))
        var decoded: [Float] = []
        while let chunk = try decoder.next() { decoded += chunk }
        #expect(decoded.count == samples.count)
        let worst = zip(samples, decoded).map { abs($0 - $1) }.max() ?? 1
        #expect(worst < 0.001)
    }

    @Test("a chosen stream that is not audio is refused")
    func streamSelection() throws {
        let fixtures = try MediaFixtures.shared
        let info = try MediaProbe.info(of: .file(fixtures.path("video.mp4")))
        let video = try #require(info.streams.first { $0.kind == .video })
        let audio = try #require(info.streams.first { $0.kind == .audio })
        let error = try #require(throws: ChatbotError.self) {
            _ = try AudioDecoder(source: .file(fixtures.path("video.mp4")), stream: video.index)
        }
        #expect(error.kind == .usage)
        #expect(error.message.contains("not audio"))
        let chosen = try AudioDecoder(source: .file(fixtures.path("video.mp4")), stream: audio.index)
        #expect(chosen.streamIndex == audio.index)
        #expect(try chosen.next() != nil)
    }
}
