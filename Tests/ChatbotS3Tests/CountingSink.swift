import ChatbotS3
import NIOCore
import Synchronization

/// An ``S3DownloadSink`` that keeps no bytes: it checks each chunk against ``GeneratedBytes`` at its
/// offset and records how much the download handed it at once, to show memory stays bounded.
final class CountingSink: S3DownloadSink {
    struct Counts {
        var total = 0
        var largestChunk = 0
        /// Bytes inside `write` calls right now, and the most there ever were.
        var held = 0
        var mostHeld = 0
        var mismatchedChunks = 0
    }

    let counts = Mutex(Counts())
    /// How long each write takes, to make the sink the slow side and exercise back-pressure.
    let delay: Duration

    init(delay: Duration = .microseconds(200)) {
        self.delay = delay
    }

    func write(_ bytes: ByteBuffer, at offset: Int) async throws {
        let count = bytes.readableBytes
        let matches = Array(bytes.readableBytesView) == GeneratedBytes.bytes(in: offset..<(offset + count))
        counts.withLock {
            $0.held += count
            $0.mostHeld = max($0.mostHeld, $0.held)
            $0.largestChunk = max($0.largestChunk, count)
            if !matches { $0.mismatchedChunks += 1 }
        }
        try await Task.sleep(for: delay)
        counts.withLock {
            $0.held -= count
            $0.total += count
        }
    }
}
