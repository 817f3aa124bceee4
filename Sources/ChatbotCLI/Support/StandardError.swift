import Foundation

/// Unbuffered writes to stderr (progress, warnings, errors).
enum StandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Whether stderr is a terminal (progress and colour only then).
    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}

/// Writes to stdout without Foundation's buffering, so streamed tokens appear as they arrive.
enum StandardOutput {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                Foundation.write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written <= 0 {
                if errno == EINTR { continue }
                return  // stdout closed (e.g. `| head`): stop writing, the caller finishes normally
            }
            offset += written
        }
    }

    /// Whether stdout is a terminal.
    static var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}
