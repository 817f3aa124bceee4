import Crypto
import NIOCore
import Synchronization

/// A deterministic byte stream generated chunk by chunk (never held whole), optionally failing
/// after some bytes: the input of the multipart upload tests.
struct GeneratedBytes: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Failure = any Error

    struct InjectedFailure: Error {}

    var total: Int
    var chunkSize: Int
    var failAfter: Int?
    /// Counts the bytes handed out so far (shared by every iterator).
    var produced = ProducedBytes()

    final class ProducedBytes: Sendable {
        let count = Mutex(0)
    }

    static func byte(at offset: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: (offset &* 2_654_435_761) >> 13)
    }

    static func bytes(in range: Range<Int>) -> [UInt8] {
        range.map(byte(at:))
    }

    static func digest(total: Int) -> SHA256Digest {
        var hasher = SHA256()
        var offset = 0
        while offset < total {
            let end = Swift.min(total, offset + 1 << 20)
            hasher.update(data: bytes(in: offset..<end))
            offset = end
        }
        return hasher.finalize()
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        var sequence: GeneratedBytes
        var offset = 0

        mutating func next() async throws -> ByteBuffer? {
            if let failAfter = sequence.failAfter, offset >= failAfter { throw InjectedFailure() }
            guard offset < sequence.total else { return nil }
            let end = Swift.min(sequence.total, offset + sequence.chunkSize)
            defer { offset = end }
            sequence.produced.count.withLock { $0 += end - offset }
            return ByteBuffer(bytes: GeneratedBytes.bytes(in: offset..<end))
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(sequence: self)
    }
}
