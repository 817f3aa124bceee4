import NIOCore
import Testing

@testable import ChatbotServer

/// The streaming `multipart/form-data` reader behind uploads: every way of cutting a body into
/// chunks reads the same parts, and hostile bytes are errors, never traps.
@Suite("MultipartReader")
struct MultipartReaderTests {
    static let boundary = "b0undary"

    /// The parts a whole body reads as: (headers, body) pairs, fed in chunks of `size` bytes.
    static func parts(_ body: [UInt8], chunk size: Int) throws(MultipartReader.Failure) -> [(
        headers: [String: String], body: [UInt8]
    )] {
        var reader = MultipartReader(boundary: boundary)
        var result: [(headers: [String: String], body: [UInt8])] = []
        var offset = 0
        while offset < body.count {
            let end = min(body.count, offset + size)
            for event in try reader.feed(ByteBuffer(bytes: body[offset..<end])) {
                switch event {
                case .part(let headers):
                    result.append((Dictionary(headers.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }), []))
                case .body(let bytes):
                    result[result.count - 1].body += Array(bytes.readableBytesView)
                case .end:
                    break
                }
            }
            offset = end
        }
        try reader.finish()
        return result
    }

    static let form: [UInt8] = Array(
        ("preamble to ignore\r\n--b0undary\r\n"
            + "Content-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n"
            + "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a;b \\\"c\\\".wav\"\r\n"
            + "Content-Type: audio/wav\r\n\r\nRIFF\r\n--b0undar\r\nx--b0undary\r\n\r\n--b0undary--\r\nepilogue")
            .utf8)

    @Test("every chunking of a form reads the same fields, file name and bytes")
    func chunkings() throws {
        for size in 1...Self.form.count {
            let parts = try Self.parts(Self.form, chunk: size)
            #expect(parts.count == 2, "chunk \(size)")
            guard parts.count == 2 else { continue }
            #expect(parts[0].body == Array("whisper-1".utf8))
            let disposition = try #require(parts[1].headers["content-disposition"])
            #expect(MultipartReader.parameter("name", in: disposition) == "file")
            #expect(MultipartReader.parameter("filename", in: disposition) == "a;b \"c\".wav")
            #expect(parts[1].headers["content-type"] == "audio/wav")
            // Delimiter look-alikes inside a body are body bytes.
            #expect(parts[1].body == Array("RIFF\r\n--b0undar\r\nx--b0undary\r\n".utf8), "chunk \(size)")
        }
    }

    @Test("the first delimiter without a CRLF before it, a part without headers, an empty body")
    func edges() throws {
        let parts = try Self.parts(
            Array("--b0undary\r\n\r\nraw\r\n--b0undary\r\nX-A: 1\r\n\r\n\r\n--b0undary--".utf8), chunk: 3)
        #expect(parts.count == 2)
        #expect(parts.first?.headers.isEmpty == true)
        #expect(parts.first?.body == Array("raw".utf8))
        #expect(parts.last?.headers["x-a"] == "1")
        #expect(parts.last?.body == [])
    }

    @Test("hostile bodies: bytes past ASCII in a header name, no header end, huge headers, truncation")
    func hostile() {
        let cases: [(String, [UInt8], MultipartReader.Failure)] = [
            (
                "non-ASCII header name",
                Array("--b0undary\r\n".utf8) + [0xF0, 0x9D, 0x95, 0x8B] + Array(": x\r\n\r\nbody\r\n--b0undary--".utf8),
                .malformed("a part's header name is not a token")
            ),
            (
                "text where headers were due",
                Array("--b0undary\r\n𝕋𝕙𝕖 𝕢𝕦𝕚𝕔𝕜--b0undary--\r\n".utf8), .truncated
            ),
            (
                "a header line without a colon", Array("--b0undary\r\nnonsense\r\n\r\nx\r\n--b0undary--".utf8),
                .malformed("a part's header line has no name")
            ),
            (
                "junk after a delimiter", Array("--b0undary junk\r\n\r\n".utf8),
                .malformed("a delimiter is not followed by a line end")
            ),
            ("no closing delimiter", Array("--b0undary\r\nA: b\r\n\r\nhalf a file".utf8), .truncated),
            ("nothing at all", [], .truncated),
            (
                "headers past the cap",
                Array("--b0undary\r\nX-Long: ".utf8)
                    + Array(repeating: UInt8(ascii: "a"), count: MultipartReader.maxHeaderBytes + 10),
                .headersTooLarge
            ),
        ]
        for (label, body, failure) in cases {
            for size in [1, 7, body.count + 1] {
                #expect(throws: failure, "\(label), chunk \(size)") { _ = try Self.parts(body, chunk: size) }
            }
        }
    }

    @Test("random bytes never trap")
    func fuzz() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array("-\r\nb0undary:;= \"".utf8) + [0x00, 0x80, 0xF0, 0xFF]
        for _ in 0..<2_000 {
            var body = Array("--b0undary\r\n".utf8)
            for _ in 0..<Int.random(in: 0..<80, using: &generator) {
                body.append(alphabet.randomElement(using: &generator)!)
            }
            _ = try? Self.parts(body, chunk: Int.random(in: 1...9, using: &generator))
        }
    }

    @Test("the boundary of a content type")
    func boundaryParameter() {
        #expect(MultipartReader.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(MultipartReader.boundary(contentType: "Multipart/Form-Data;Boundary=\"a b\"") == "a b")
        #expect(MultipartReader.boundary(contentType: "multipart/form-data") == nil)
        #expect(MultipartReader.boundary(contentType: "multipart/form-data; boundary=") == nil)
        #expect(MultipartReader.boundary(contentType: "text/plain; boundary=abc") == nil)
        #expect(
            MultipartReader.boundary(contentType: "multipart/form-data; boundary=" + String(repeating: "x", count: 201))
                == nil)
    }
}
