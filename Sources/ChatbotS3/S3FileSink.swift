public import Foundation
public import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An ``S3DownloadSink`` that writes each chunk at its offset in a file it creates (`pwrite`), so
/// concurrently fetched parts land in place without holding the object in memory.
public struct S3FileSink: S3DownloadSink {
    /// The file being written.
    public let fileURL: URL
    private let descriptor: Int32

    /// Creates the file at `fileURL` (mode 0644); an existing file is an error.
    ///
    /// - Throws: `POSIXError` when the file cannot be created.
    public init(creating fileURL: URL) throws {
        let descriptor = open(fileURL.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.lastError() }
        self.fileURL = fileURL
        self.descriptor = descriptor
    }

    /// Writes `bytes` at `offset`; safe to call concurrently for disjoint ranges.
    public func write(_ bytes: ByteBuffer, at offset: Int) async throws {
        try bytes.withUnsafeReadableBytes { raw in
            guard let base = raw.baseAddress else { return }
            var written = 0
            while written < raw.count {
                let count = pwrite(descriptor, base + written, raw.count - written, off_t(offset + written))
                if count < 0 {
                    if errno == EINTR { continue }
                    throw Self.lastError()
                }
                written += count
            }
        }
    }

    /// Flushes the file to stable storage when `sync` is true, then closes it.
    public func close(sync: Bool = false) throws {
        if sync, fsync(descriptor) != 0 {
            let error = Self.lastError()
            _ = Self.closeDescriptor(descriptor)
            throw error
        }
        guard Self.closeDescriptor(descriptor) == 0 else { throw Self.lastError() }
    }

    private static func closeDescriptor(_ descriptor: Int32) -> Int32 {
        #if canImport(Glibc)
            Glibc.close(descriptor)
        #else
            Darwin.close(descriptor)
        #endif
    }

    private static func lastError() -> POSIXError {
        POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
    }
}
