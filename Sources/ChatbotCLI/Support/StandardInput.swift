import Foundation

/// Reading the process's standard input.
enum StandardInput {
    /// Reads stdin to its end (at most `limit` bytes). A closed or unreadable stdin reads as empty.
    static func read(limit: Int) throws -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while data.count < limit {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        return data
    }
}
