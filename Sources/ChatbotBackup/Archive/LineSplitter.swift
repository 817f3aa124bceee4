import Foundation

/// Splits a byte stream into `\n`-terminated lines, keeping an unfinished line between chunks.
struct LineSplitter {
    private var partial = Data()

    /// Feeds `chunk`, calling `line` for every complete line (without its `\n`).
    mutating func feed(_ chunk: Data, line: (Data) throws -> Void) throws {
        var start = chunk.startIndex
        while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
            if partial.isEmpty {
                try line(chunk[start..<newline])
            } else {
                partial.append(chunk[start..<newline])
                try line(partial)
                partial.removeAll(keepingCapacity: true)
            }
            start = chunk.index(after: newline)
        }
        partial.append(chunk[start...])
    }

    /// Whether the stream ended with an unfinished line.
    var hasPartialLine: Bool { !partial.isEmpty }
}
