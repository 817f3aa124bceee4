import ChatbotTestSupport
import Foundation

/// The ffmpeg CLI's own decode of a file to 16 kHz mono float, the reference ours is compared with.
enum ReferenceDecode {
    static func samples(of path: String) throws -> [Float] {
        let output = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatbot-media-reference-\(UUID().uuidString).f32")
        defer { try? FileManager.default.removeItem(at: output) }
        try MediaFixtures.run(
            "ffmpeg",
            [
                "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", path, "-ac", "1", "-ar", "16000", "-f",
                "f32le",
                output.path,
            ])
        let data = try Data(contentsOf: output)
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    static func rms(_ samples: ArraySlice<Float>) -> Float {
        guard !samples.isEmpty else { return 0 }
        return (samples.reduce(0) { $0 + $1 * $1 } / Float(samples.count)).squareRoot()
    }
}
