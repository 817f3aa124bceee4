import Foundation
import NIOCore

/// A push parser for `multipart/form-data` (RFC 7578) that never holds a part's body: it is fed
/// the request body chunk by chunk and hands back what each chunk completed, so an upload can be
/// streamed on to a file or the object store. Hostile bytes are errors, never traps: header names
/// and values may hold any byte, header blocks are capped, and a body that ends before the closing
/// delimiter is ``MultipartReader/Failure/truncated``.
struct MultipartReader {
    /// What a chunk completed, in order.
    enum Event: Equatable {
        /// A part begins, with its headers (names lower-cased, values as sent, decoded leniently).
        case part([(name: String, value: String)])
        /// More of the current part's body.
        case body(ByteBuffer)
        /// The current part is complete.
        case end

        static func == (lhs: Event, rhs: Event) -> Bool {
            switch (lhs, rhs) {
            case (.part(let left), .part(let right)):
                left.map(\.name) == right.map(\.name) && left.map(\.value) == right.map(\.value)
            case (.body(let left), .body(let right)): left == right
            case (.end, .end): true
            default: false
            }
        }
    }

    enum Failure: Error, Equatable {
        /// Bytes where a delimiter's line end or a header line was due.
        case malformed(String)
        /// A part's header block is larger than ``maxHeaderBytes``.
        case headersTooLarge
        /// The body ended before the closing delimiter.
        case truncated
    }

    /// The largest header block of one part.
    static let maxHeaderBytes = 16 * 1024

    private enum State {
        case preamble, afterDelimiter, headers, body, done
    }

    /// `CRLF--boundary`: the first delimiter may come without its CRLF, which ``init(boundary:)``
    /// supplies by starting the stream with one.
    private let delimiter: [UInt8]
    private var pending = ByteBuffer()
    private var state = State.preamble

    /// Whether the closing delimiter has been read; what follows it is ignored.
    var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// - Parameter boundary: the `boundary` parameter of the content type, 1–200 bytes.
    init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        pending.writeStaticString("\r\n")
    }

    /// The `boundary` parameter of a `multipart/form-data` content type, or nil for another type.
    static func boundary(contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            var value = part.dropFirst("boundary=".count)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = value.dropFirst().dropLast()
            }
            return (1...200).contains(value.utf8.count) ? String(value) : nil
        }
        return nil
    }

    /// Reads one more chunk of the body.
    mutating func feed(_ chunk: ByteBuffer) throws(Failure) -> [Event] {
        if case .done = state { return [] }
        var chunk = chunk
        pending.writeBuffer(&chunk)
        var events: [Event] = []
        while try step(&events) {}
        // Keep the buffer small: drop what has been consumed.
        if pending.readerIndex > 64 * 1024 { pending.discardReadBytes() }
        return events
    }

    /// The body has ended: an error unless the closing delimiter came.
    func finish() throws(Failure) {
        guard isComplete else { throw .truncated }
    }

    /// One step of the state machine; false when it needs more bytes.
    private mutating func step(_ events: inout [Event]) throws(Failure) -> Bool {
        switch state {
        case .done:
            return false
        case .preamble:
            if let found = find(delimiter) {
                pending.moveReaderIndex(to: found + delimiter.count)
                state = .afterDelimiter
                return true
            }
            // Nothing before the first delimiter matters; keep what could be its start.
            pending.moveReaderIndex(to: max(pending.readerIndex, pending.writerIndex - (delimiter.count - 1)))
            return false
        case .afterDelimiter:
            // `--` closes the body; otherwise optional blanks (transport padding) and a CRLF.
            let view = pending.readableBytesView
            guard let first = view.first else { return false }
            if first == UInt8(ascii: "-") {
                guard view.count >= 2 else { return false }
                guard view[view.startIndex + 1] == UInt8(ascii: "-") else {
                    throw .malformed("a delimiter is followed by '-' without a second '-'")
                }
                pending.moveReaderIndex(forwardBy: 2)
                state = .done
                return false
            }
            var index = view.startIndex
            while index < view.endIndex, view[index] == UInt8(ascii: " ") || view[index] == UInt8(ascii: "\t") {
                index += 1
            }
            guard index + 1 < view.endIndex else {
                guard index - view.startIndex <= 64 else { throw .malformed("a delimiter line is too long") }
                return false
            }
            guard view[index] == UInt8(ascii: "\r"), view[index + 1] == UInt8(ascii: "\n") else {
                throw .malformed("a delimiter is not followed by a line end")
            }
            pending.moveReaderIndex(to: index + 2)
            state = .headers
            return true
        case .headers:
            let view = pending.readableBytesView
            if view.count >= 2, view[view.startIndex] == UInt8(ascii: "\r"),
                view[view.startIndex + 1] == UInt8(ascii: "\n")
            {
                // A part with no headers at all.
                pending.moveReaderIndex(forwardBy: 2)
                events.append(.part([]))
                state = .body
                return true
            }
            guard let end = find(Self.headerEnd) else {
                guard view.count <= Self.maxHeaderBytes else { throw .headersTooLarge }
                return false
            }
            guard end - pending.readerIndex <= Self.maxHeaderBytes else { throw .headersTooLarge }
            let block = pending.getSlice(at: pending.readerIndex, length: end - pending.readerIndex) ?? ByteBuffer()
            pending.moveReaderIndex(to: end + Self.headerEnd.count)
            events.append(.part(try Self.headers(block)))
            state = .body
            return true
        case .body:
            if let found = find(delimiter) {
                if found > pending.readerIndex,
                    let slice = pending.getSlice(at: pending.readerIndex, length: found - pending.readerIndex)
                {
                    events.append(.body(slice))
                }
                events.append(.end)
                pending.moveReaderIndex(to: found + delimiter.count)
                state = .afterDelimiter
                return true
            }
            // Hand over all but what could be the start of the next delimiter.
            let keep = min(pending.readableBytes, delimiter.count - 1)
            let emit = pending.readableBytes - keep
            if emit > 0, let slice = pending.readSlice(length: emit) {
                events.append(.body(slice))
            }
            return false
        }
    }

    private static let headerEnd: [UInt8] = Array("\r\n\r\n".utf8)

    /// The reader index of the first occurrence of `needle` in the unread bytes.
    private func find(_ needle: [UInt8]) -> Int? {
        let view = pending.readableBytesView
        guard let head = needle.first, view.count >= needle.count else { return nil }
        var index = view.startIndex
        let last = view.endIndex - needle.count
        while index <= last {
            guard let candidate = view[index...last].firstIndex(of: head) else { return nil }
            var matched = true
            for offset in 1..<needle.count where view[candidate + offset] != needle[offset] {
                matched = false
                break
            }
            if matched { return pending.readerIndex + (candidate - view.startIndex) }
            index = candidate + 1
        }
        return nil
    }

    /// `Name: value` lines separated by CRLF. Names are tokens; values any bytes but CR and LF.
    private static func headers(_ block: ByteBuffer) throws(Failure) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        let bytes = Array(block.readableBytesView)
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var line = line[...]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            guard line.allSatisfy({ $0 != UInt8(ascii: "\r") }) else {
                throw .malformed("a header line holds a bare CR")
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                throw .malformed("a part's header line has no name")
            }
            let name = line[..<colon]
            guard name.allSatisfy(isTokenByte) else { throw .malformed("a part's header name is not a token") }
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            result.append((String(decoding: name, as: UTF8.self).lowercased(), value))
        }
        return result
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

extension MultipartReader {
    /// A parameter (`name="value"` or `name=value`) of a `Content-Disposition` value; quoted values
    /// may hold `;` and backslash escapes.
    static func parameter(_ wanted: String, in header: String) -> String? {
        var rest = Substring(header)
        // Skip the disposition type.
        guard let first = rest.firstIndex(of: ";") else { return nil }
        rest = rest[rest.index(after: first)...]
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard let equals = rest.firstIndex(of: "=") else { return nil }
            let name = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                var closed = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if escaped {
                        value.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        closed = true
                        break
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { return nil }
                rest = rest.drop { $0 != ";" }
            } else {
                let end = rest.firstIndex(of: ";") ?? rest.endIndex
                value = rest[..<end].trimmingCharacters(in: .whitespaces)
                rest = rest[end...]
            }
            if name == wanted { return value }
            if rest.first == ";" { rest = rest.dropFirst() }
        }
        return nil
    }
}
