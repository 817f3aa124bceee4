import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splits a byte stream into `\n`-terminated lines, keeping an unfinished line between chunks.
struct LineSplitter {
    private var partial: [UInt8] = []

    /// Feeds `chunk`, calling `line` for every complete line (without its `\n`). The buffer is only
    /// valid during the call.
    mutating func feed(_ chunk: Data, line: (UnsafeRawBufferPointer) throws -> Void) throws {
        try chunk.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.baseAddress else { return }
            var start = 0
            while start < raw.count, let found = memchr(base + start, 0x0A, raw.count - start) {
                let end = base.distance(to: UnsafeRawPointer(found))
                let piece = UnsafeRawBufferPointer(start: base + start, count: end - start)
                if partial.isEmpty {
                    try line(piece)
                } else {
                    partial.append(contentsOf: piece)
                    try partial.withUnsafeBytes { try line($0) }
                    partial.removeAll(keepingCapacity: true)
                }
                start = end + 1
            }
            partial.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: raw.count - start))
        }
    }

    /// Whether the stream ended with an unfinished line.
    var hasPartialLine: Bool { !partial.isEmpty }
}
