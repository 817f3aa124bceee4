import CFFmpegShim
import ChatbotCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Owns one opened `cbm_media` and what it reads from (the file descriptor or a private copy of
/// the bytes); closes both when released. Used by one task at a time.
final class MediaHandle {
    let pointer: OpaquePointer
    let source: MediaSource
    private let fileDescriptor: Int32
    private let memory: UnsafeMutableRawBufferPointer?

    init(_ source: MediaSource, limits: MediaLimits) throws {
        self.source = source
        var cLimits = cbm_limits(
            probe_size: Int64(limits.probeSize),
            analyze_duration_us: Int64(limits.analyzeSeconds * 1_000_000),
            max_duration_us: Int64(limits.maxDurationSeconds * 1_000_000),
            max_output_samples: 0,
            deadline_us: limits.timeLimitSeconds.map { cbm_now_us() + Int64($0 * 1_000_000) } ?? 0
        )
        var opened: OpaquePointer?
        let code: Int32
        switch source.storage {
        case .file(let path):
            let descriptor = try Self.openRegularFile(path)
            code = cbm_open_fd(descriptor, &cLimits, &opened)
            fileDescriptor = descriptor
            memory = nil
        case .memory(let data):
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 16)
            _ = data.copyBytes(to: buffer.bindMemory(to: UInt8.self))
            code = cbm_open_memory(
                buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), data.count, &cLimits, &opened)
            fileDescriptor = -1
            memory = buffer
        }
        guard code >= 0, let opened else {
            if fileDescriptor >= 0 { close(fileDescriptor) }
            memory?.deallocate()
            throw MediaFailure.error(code: code, source: source, limits: limits)
        }
        pointer = opened
    }

    deinit {
        cbm_close(pointer)
        if fileDescriptor >= 0 { close(fileDescriptor) }
        memory?.deallocate()
    }

    /// Makes every further step fail at once; safe from any thread.
    func cancel() { cbm_cancel(pointer) }

    private static func openRegularFile(_ path: String) throws -> Int32 {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ChatbotError(.runtime, "cannot open \(path): \(reason)", hint: "check the path and its permissions")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw ChatbotError(
                .runtime, "\(path) is not a regular file",
                hint: "give an audio or video file; for a stream, pipe it to `chatbot transcribe -`")
        }
        // O_NONBLOCK only guarded the open itself (a FIFO would have blocked); regular files ignore it.
        _ = fcntl(descriptor, F_SETFL, 0)
        return descriptor
    }
}
