import ChatbotCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process started with posix_spawn whose stdout is collected with poll(2), under a
/// wall-clock deadline and an output cap.
///
/// The waiting (poll, read, waitpid) runs on a thread of its own that lives as long as the child,
/// never on Swift's cooperative pool: the pool has one thread per core, and a wait can last the
/// whole timeout. Nor does it run on a shared blocking pool (`NIOThreadPool.singleton` also
/// serves SQLite), which a few slow PDFs would fill for minutes. No Dispatch threads are involved.
enum ChildProcess {
    enum Ending: Equatable, Sendable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        case outputTooLarge
    }

    struct Result: Sendable {
        var output: Data
        var ending: Ending
    }

    /// Runs `executable` to its end (or its timeout, or the output cap) without holding a thread
    /// of the caller's: the calling task suspends while a thread of the child's own waits.
    static func run(
        executable: String, arguments: [String], environment: [String: String], timeoutSeconds: Int,
        outputLimit: Int, source: String
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let thread = Thread {
                continuation.resume(
                    with: Swift.Result {
                        try runBlocking(
                            executable: executable, arguments: arguments, environment: environment,
                            timeoutSeconds: timeoutSeconds, outputLimit: outputLimit, source: source)
                    })
            }
            thread.name = "chatbot-child-process"
            thread.start()
        }
    }

    /// Spawns the child and waits for it on the calling thread.
    private static func runBlocking(
        executable: String, arguments: [String], environment: [String: String], timeoutSeconds: Int,
        outputLimit: Int, source: String
    ) throws -> Result {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ChatbotError(.runtime, "\(source): cannot create a pipe") }
        // Close-on-exec: a child started at the same moment by another thread (two jobs extracting
        // PDFs in one `serve`) must not inherit this pipe's write end, or this reader would wait
        // for that other child's exit to see the end of its output. (Glibc's module has no pipe2.)
        // The dup2 below clears the flag on the child's own stdout.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let readEnd = fds[0]
        let writeEnd = fds[1]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_addclose(&actions, writeEnd)

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(writeEnd)
        guard spawned == 0 else {
            close(readEnd)
            throw ChatbotError(
                .unavailable, "\(source): cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        defer { close(readEnd) }

        var output = Data()
        var ending: Ending?
        let deadline = Date().addingTimeInterval(TimeInterval(timeoutSeconds))
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while ending == nil {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 {
                ending = .timedOut
                break
            }
            var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining * 1000, 60_000)) + 1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 { continue }
            let count = read(readEnd, &buffer, buffer.count)
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                break
            }
            if count == 0 { break }
            output.append(contentsOf: buffer[0..<count])
            if output.count > outputLimit { ending = .outputTooLarge }
        }
        var status: Int32 = 0
        if ending == nil {
            // Output ended; the child should exit now. Poll until the deadline, then kill it.
            while true {
                let reaped = waitpid(pid, &status, WNOHANG)
                if reaped == pid { return finished(output, status) }
                if reaped < 0 && errno != EINTR { break }
                if deadline.timeIntervalSinceNow <= 0 {
                    ending = .timedOut
                    break
                }
                usleep(1_000)
            }
        }
        kill(pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if let ending { return Result(output: output, ending: ending) }
        return finished(output, status)
    }

    private static func finished(_ output: Data, _ status: Int32) -> Result {
        let signal = status & 0x7f
        return Result(output: output, ending: signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal))
    }
}
