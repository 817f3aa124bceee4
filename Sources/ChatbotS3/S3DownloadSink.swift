public import NIOCore

/// Where ``S3Client/downloadObject(_:into:partSize:concurrency:)`` puts the bytes of an object as
/// they arrive: each chunk with its offset in the object.
///
/// Parts of one object are fetched concurrently, so `write(_:at:)` may be called from several tasks
/// at once with disjoint offsets, in any order; a retried part may write the same offsets again.
public protocol S3DownloadSink: Sendable {
    /// Stores `bytes` at `offset` in the object; an error ends the download (it is not retried).
    func write(_ bytes: ByteBuffer, at offset: Int) async throws
}
