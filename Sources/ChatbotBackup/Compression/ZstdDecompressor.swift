import CZstd
import ChatbotCore
import Foundation

/// Streaming zstd decompression: feed compressed bytes with ``decompress(_:)``, then call
/// ``finish()``, which throws when the input ended inside a frame (a truncated file).
final class ZstdDecompressor {
    private let context: OpaquePointer
    private var output: [UInt8]
    /// Whether the last frame seen so far is complete.
    private var atFrameEnd = true

    /// Creates a decompressor.
    init() throws {
        guard let context = ZSTD_createDCtx() else {
            throw ChatbotError(.runtime, "cannot allocate a zstd decompression context")
        }
        self.context = context
        output = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
    }

    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses `data`, handing each piece of output to `sink` as it is produced.
    func decompress(_ data: Data, into sink: (Data) throws -> Void) throws {
        guard !data.isEmpty else { return }
        let outputCapacity = output.count
        try data.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
            var input = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
            while true {
                let (hint, written) = try output.withUnsafeMutableBytes { target in
                    var out = ZSTD_outBuffer(dst: target.baseAddress, size: outputCapacity, pos: 0)
                    let hint = ZSTD_decompressStream(context, &out, &input)
                    try ZstdCompressor.check(hint)
                    return (hint, out.pos)
                }
                atFrameEnd = hint == 0
                if written > 0 { try sink(Data(output[0..<written])) }
                // Done when all input is consumed and the output buffer was not filled (no more
                // output pending for this input).
                if input.pos == input.size && written < outputCapacity { break }
            }
        }
    }

    /// Checks that the input ended at a frame boundary.
    func finish() throws {
        guard atFrameEnd else {
            throw ChatbotError(.runtime, "zstd: the compressed data ends in the middle of a frame (truncated)")
        }
    }
}
