/// An incremental parser for Server-Sent Events (the WHATWG `text/event-stream` format).
///
/// Feed it bytes as they arrive, split anywhere (even inside a UTF-8 character or between the
/// `\r` and `\n` of a line break); it returns every event completed by those bytes.
/// Lines may end in CRLF, LF or CR. Lines starting with `:` are comments. Multi-line `data:`
/// fields are joined with `\n`. An event is dispatched at an empty line; ``finish()`` also
/// dispatches a last event that the stream did not terminate with an empty line, because some
/// servers close the connection right after their final `data:` line.
///
/// The parser does not interpret the data: OpenAI's `[DONE]` sentinel arrives as an event whose
/// data is `[DONE]`.
public struct SSEParser: Sendable {
    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D

    private var line: [UInt8] = []
    private var previousWasCarriageReturn = false
    private var isFirstLine = true
    private var dataLines: [String] = []
    private var eventType: String?
    private var retryMilliseconds: Int?
    private var lastEventID: String?

    /// Creates a parser at the start of a stream.
    public init() {}

    /// Consumes the next bytes of the stream and returns the events they complete, in order.
    public mutating func parse(_ bytes: some Sequence<UInt8>) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in bytes {
            if previousWasCarriageReturn {
                previousWasCarriageReturn = false
                if byte == Self.lineFeed { continue }
            }
            switch byte {
            case Self.lineFeed:
                processLine(into: &events)
            case Self.carriageReturn:
                processLine(into: &events)
                previousWasCarriageReturn = true
            default:
                line.append(byte)
            }
        }
        return events
    }

    /// Ends the stream: returns the event left pending by a stream that did not end with an
    /// empty line, and resets the parser.
    public mutating func finish() -> [SSEEvent] {
        var events: [SSEEvent] = []
        if !line.isEmpty { processLine(into: &events) }
        dispatch(into: &events)
        self = SSEParser()
        return events
    }

    private mutating func processLine(into events: inout [SSEEvent]) {
        var bytes = line[...]
        line.removeAll(keepingCapacity: true)
        if isFirstLine {
            isFirstLine = false
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        }
        guard !bytes.isEmpty else {
            dispatch(into: &events)
            return
        }
        if bytes.first == UInt8(ascii: ":") { return }

        let field: String
        var value: ArraySlice<UInt8>
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            field = String(decoding: bytes[..<colon], as: UTF8.self)
            value = bytes[bytes.index(after: colon)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = String(decoding: bytes, as: UTF8.self)
            value = []
        }
        let text = String(decoding: value, as: UTF8.self)
        switch field {
        case "data":
            dataLines.append(text)
        case "event":
            eventType = text
        case "id":
            if !text.contains("\0") { lastEventID = text }
        case "retry":
            if !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
                retryMilliseconds = Int(text)
            }
        default:
            break
        }
    }

    private mutating func dispatch(into events: inout [SSEEvent]) {
        defer {
            dataLines.removeAll(keepingCapacity: true)
            eventType = nil
            retryMilliseconds = nil
        }
        guard !dataLines.isEmpty else { return }
        events.append(
            SSEEvent(
                type: eventType.flatMap { $0.isEmpty ? nil : $0 },
                data: dataLines.joined(separator: "\n"),
                id: lastEventID,
                retryMilliseconds: retryMilliseconds
            )
        )
    }
}
