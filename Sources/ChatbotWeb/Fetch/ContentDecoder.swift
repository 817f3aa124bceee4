import CWebDecode

/// Decodes one HTTP content coding (gzip, deflate, br) chunk by chunk and stops at a byte limit,
/// so a small compressed body that expands without bound (a compression bomb) fails early.
final class ContentDecoder {
    /// The codings this decoder understands, by their `Content-Encoding` token.
    static func kind(for coding: String) -> Int32? {
        switch coding {
        case "gzip", "x-gzip": CHATBOT_WEBDECODE_GZIP
        case "deflate": CHATBOT_WEBDECODE_DEFLATE
        case "br": CHATBOT_WEBDECODE_BROTLI
        default: nil
        }
    }

    /// Why decoding stopped.
    enum Failure: Error {
        case limitExceeded
        case corrupt
    }

    private let handle: OpaquePointer
    private let limit: Int
    private(set) var output: [UInt8] = []
    private(set) var finished = false

    /// A decoder for `kind` (see ``kind(for:)``) that fails once more than `limit` bytes come out.
    init?(kind: Int32, limit: Int) {
        guard let handle = chatbot_webdecoder_new(kind) else { return nil }
        self.handle = handle
        self.limit = limit
    }

    deinit {
        chatbot_webdecoder_free(handle)
    }

    /// Feeds compressed bytes; appends to ``output``.
    func feed(_ input: some Collection<UInt8>) throws(Failure) {
        let bytes = Array(input)
        var offset = 0
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while !finished {
            var consumed = 0
            var produced = 0
            let status = bytes.withUnsafeBufferPointer { inputBuffer in
                chunk.withUnsafeMutableBufferPointer { outputBuffer in
                    chatbot_webdecoder_run(
                        handle, inputBuffer.baseAddress.map { $0 + offset }, bytes.count - offset, &consumed,
                        outputBuffer.baseAddress, outputBuffer.count, &produced)
                }
            }
            if status == CHATBOT_WEBDECODE_ERROR { throw .corrupt }
            offset += consumed
            if output.count + produced > limit {
                // Keep what fits, so a caller that accepts truncation has the first `limit` bytes.
                output.append(contentsOf: chunk[0..<(limit - output.count)])
                throw .limitExceeded
            }
            output.append(contentsOf: chunk[0..<produced])
            if status == CHATBOT_WEBDECODE_END { finished = true }
            // Stop when the input is used up and the decoder had room to spare (no more pending output).
            if offset >= bytes.count && produced < chunk.count { break }
            if consumed == 0 && produced == 0 { break }
        }
    }

    /// Decodes a whole body at once.
    static func decode(_ body: [UInt8], coding: String, limit: Int) throws(Failure) -> [UInt8] {
        guard let kind = kind(for: coding), let decoder = ContentDecoder(kind: kind, limit: limit) else {
            throw .corrupt
        }
        try decoder.feed(body)
        return decoder.output
    }
}
