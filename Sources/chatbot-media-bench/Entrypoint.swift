import ChatbotMedia

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `chatbot-media-bench decode FILE`: decodes the best audio stream of FILE to 16 kHz mono signed
/// 16-bit little-endian PCM on stdout, as `ffmpeg -i FILE -ac 1 -ar 16000 -f s16le -` does.
/// Used by Scripts/bench/decode to compare the two on the same files.
@main
struct Entrypoint {
    static func main() {
        let arguments = CommandLine.arguments
        guard arguments.count == 3, arguments[1] == "decode" else {
            writeAll(2, Array("usage: chatbot-media-bench decode FILE\n".utf8))
            exit(64)
        }
        do {
            let decoder = try AudioDecoder(source: .file(arguments[2]))
            var pcm: [Int16] = []
            while let chunk = try decoder.next() {
                pcm.removeAll(keepingCapacity: true)
                pcm.reserveCapacity(chunk.count)
                for sample in chunk {
                    pcm.append(Int16((min(max(sample, -1), 1) * 32767).rounded()))
                }
                let bytes = pcm.withUnsafeBytes { Array($0) }
                guard writeAll(1, bytes) else { exit(1) }
            }
        } catch {
            writeAll(2, Array("chatbot-media-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    /// Writes every byte to `descriptor`; false when it is closed.
    @discardableResult
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0, errno == EINTR { continue }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }
}
