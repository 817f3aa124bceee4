import CZstd
import ChatbotCore
import Foundation

/// Streaming zstd compression: feed bytes with ``compress(_:)``, end the frame with ``finish()``.
///
/// Memory stays bounded whatever the input size: libzstd keeps its window, and each call returns
/// only the compressed bytes produced so far. The frame carries zstd's own content checksum.
final class ZstdCompressor {
    /// zstd's own default; fast with a good ratio.
    static let defaultLevel: Int32 = 3

    private let context: OpaquePointer
    private var output: [UInt8]

    /// Creates a compressor at `level` (1…19; negative levels are the fast modes).
    init(level: Int32 = ZstdCompressor.defaultLevel) throws {
        guard let context = ZSTD_createCCtx() else {
            throw ChatbotError(.runtime, "cannot allocate a zstd compression context")
        }
        self.context = context
        output = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
        do {
            try Self.check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level))
            try Self.check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1))
            // One worker thread when libzstd was built with threads (Debian's is): compression then
            // overlaps with reading rows instead of taking turns with it. Output is identical in
            // format; a single-threaded libzstd simply reports the parameter out of bounds.
            if ZSTD_cParam_getBounds(ZSTD_c_nbWorkers).upperBound >= 1 {
                try Self.check(ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, 1))
            }
        } catch {
            ZSTD_freeCCtx(context)
            throw error
        }
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses `data` and returns whatever compressed bytes are ready (possibly none).
    func compress(_ data: some ContiguousBytes) throws -> Data {
        try run(data, end: false)
    }

    /// Ends the frame and returns the remaining compressed bytes.
    func finish() throws -> Data {
        try run(Data(), end: true)
    }

    private func run(_ data: some ContiguousBytes, end: Bool) throws -> Data {
        var produced = Data()
        let directive = end ? ZSTD_e_end : ZSTD_e_continue
        let outputCapacity = output.count
        try data.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
            var input = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
            while true {
                let (remaining, written) = try output.withUnsafeMutableBytes { target in
                    var out = ZSTD_outBuffer(dst: target.baseAddress, size: outputCapacity, pos: 0)
                    let remaining = ZSTD_compressStream2(context, &out, &input, directive)
                    try Self.check(remaining)
                    return (remaining, out.pos)
                }
                if written > 0 { produced.append(contentsOf: output[0..<written]) }
                let done = end ? remaining == 0 : input.pos == input.size
                if done { break }
            }
        }
        return produced
    }

    /// Throws for a zstd error code.
    static func check(_ code: Int) throws {
        if ZSTD_isError(code) != 0 {
            throw ChatbotError(.runtime, "zstd: \(String(cString: ZSTD_getErrorName(code)))")
        }
    }
}
