public import Foundation

/// Encodes mono float samples as a 16-bit PCM WAV file.
public enum WAVEncoder {
    /// The size of the RIFF/WAVE header in bytes.
    public static let headerSize = 44

    /// The WAV file for `samples` (clipped to -1…1) at `sampleRate`.
    public static func encode(_ samples: [Float], sampleRate: Int) -> Data {
        var data = Data(capacity: headerSize + samples.count * 2)
        func append32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        func append16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        let payload = UInt32(samples.count * 2)
        data.append(contentsOf: Array("RIFF".utf8))
        append32(36 + payload)
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        append32(16)
        append16(1)  // PCM
        append16(1)  // mono
        append32(UInt32(sampleRate))
        append32(UInt32(sampleRate * 2))
        append16(2)
        append16(16)
        data.append(contentsOf: Array("data".utf8))
        append32(payload)
        var pcm = [Int16](repeating: 0, count: samples.count)
        for index in samples.indices {
            let clipped = min(max(samples[index], -1), 1)
            pcm[index] = Int16((clipped * 32767).rounded())
        }
        // Little-endian hosts (x86_64, arm64) store Int16 in WAV byte order already.
        pcm.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }
}
