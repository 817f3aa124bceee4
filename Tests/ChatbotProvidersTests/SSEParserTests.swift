import ChatbotProviders
import Testing

@Suite("SSEParser")
struct SSEParserTests {
    private static let complexStream =
        "\u{FEFF}: a comment to keep the connection open\r\n"
        + "event: greeting\r\nid: 7\r\ndata: héllo 🌍\r\ndata: second line\r\n\r\n"
        + "data:no-space\n\n"
        + "data:  two spaces\r\r"
        + ":comment only\n\n"
        + "retry: 1500\ndata\ndata: [DONE]\n\n"

    private static let expected = [
        SSEEvent(type: "greeting", data: "héllo 🌍\nsecond line", id: "7"),
        SSEEvent(data: "no-space", id: "7"),
        SSEEvent(data: " two spaces", id: "7"),
        SSEEvent(data: "\n[DONE]", id: "7", retryMilliseconds: 1500),
    ]

    private func parseAll(_ chunks: [[UInt8]]) -> [SSEEvent] {
        var parser = SSEParser()
        var events: [SSEEvent] = []
        for chunk in chunks { events += parser.parse(chunk) }
        events += parser.finish()
        return events
    }

    @Test("parses fields, multi-line data, comments, ids, retry, BOM and mixed line endings")
    func wholeStream() {
        #expect(parseAll([Array(Self.complexStream.utf8)]) == Self.expected)
    }

    @Test("gives the same events however the bytes are split")
    func everySplit() {
        let bytes = Array(Self.complexStream.utf8)
        for split in 0...bytes.count {
            let events = parseAll([Array(bytes[..<split]), Array(bytes[split...])])
            #expect(events == Self.expected, "split at byte \(split)")
        }
        #expect(parseAll(bytes.map { [$0] }) == Self.expected, "byte by byte")
        for split in stride(from: 0, to: bytes.count - 8, by: 3) {
            let chunks = [Array(bytes[..<split]), Array(bytes[split..<(split + 7)]), Array(bytes[(split + 7)...])]
            #expect(parseAll(chunks) == Self.expected, "three chunks at \(split)")
        }
    }

    @Test("a CR at the end of one chunk and the LF at the start of the next are one line break")
    func crlfAcrossChunks() {
        let events = parseAll([Array("data: a\r".utf8), Array("\ndata: b\r\n\r\n".utf8)])
        #expect(events == [SSEEvent(data: "a\nb")])
    }

    @Test("an event is dispatched only at an empty line, or at the end of the stream")
    func dispatchTiming() {
        var parser = SSEParser()
        #expect(parser.parse(Array("data: {\"a\":1}\n".utf8)).isEmpty)
        #expect(parser.parse(Array("\n".utf8)) == [SSEEvent(data: "{\"a\":1}")])
        #expect(parser.parse(Array("data: [DONE]".utf8)).isEmpty)
        #expect(parser.finish() == [SSEEvent(data: "[DONE]")])
    }

    @Test("comments and events without data dispatch nothing")
    func nothingToDispatch() {
        #expect(parseAll([Array(": ping\n\n: ping\r\n\r\nevent: empty\n\n".utf8)]).isEmpty)
    }

    @Test("an empty data field is an event with empty data")
    func emptyData() {
        #expect(parseAll([Array("data:\n\n".utf8)]) == [SSEEvent(data: "")])
    }
}
