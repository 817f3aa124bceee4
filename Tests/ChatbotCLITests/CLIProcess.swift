import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a finished `chatbot` run ended.
struct CLIResult: Sendable, CustomStringConvertible {
    /// The exit status, or `nil` when a signal killed the process.
    var exitCode: Int32?
    /// The signal that killed the process, if one did.
    var signal: Int32?
    /// Whether the run hit its timeout (and was killed).
    var timedOut: Bool
    var stdout: String
    var stderr: String

    /// The arguments, exit status and both streams, for failure messages.
    var description: String {
        "exit \(exitCode.map(String.init) ?? "-") signal \(signal.map(String.init) ?? "-")"
            + (timedOut ? " (timed out)" : "") + "\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)"
    }

    /// stdout parsed as one JSON object.
    func jsonObject() throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
        guard let object = value as? [String: Any] else { throw CLITestError("stdout is not a JSON object: \(stdout)") }
        return object
    }

    /// stdout parsed as one JSON array.
    func jsonArray() throws -> [Any] {
        let value = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
        guard let array = value as? [Any] else { throw CLITestError("stdout is not a JSON array: \(stdout)") }
        return array
    }
}

/// A failed precondition of a test helper.
struct CLITestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What the process reads on stdin.
enum CLIStandardInput: Sendable {
    /// `/dev/null` (not a terminal, empty).
    case null
    /// These bytes through a pipe, then end of file.
    case bytes(Data)
}

/// Bytes a pipe delivered so far, appended from a reader thread.
private final class OutputBuffer: Sendable {
    private let data = Mutex(Data())
    private let finished = DispatchSemaphore(value: 0)

    func append(_ chunk: Data) { data.withLock { $0.append(chunk) } }
    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
    func markFinished() { finished.signal() }

    /// Waits on a dispatch thread (not the cooperative pool) for end of file, at most `seconds`.
    func waitFinished(seconds: Double) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                _ = self.finished.wait(timeout: .now() + seconds)
                continuation.resume()
            }
        }
    }

    /// Reads `handle` to its end on a dispatch thread.
    func drain(_ handle: FileHandle) {
        DispatchQueue.global().async {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                self.append(chunk)
            }
            self.markFinished()
        }
    }
}

/// The termination of a process, awaited without blocking a thread.
private final class TerminationWaiter: Sendable {
    private struct State {
        var result: (code: Int32?, signal: Int32?)?
        var waiters: [CheckedContinuation<(code: Int32?, signal: Int32?), Never>] = []
    }
    private let state = Mutex(State())

    /// Records the end (the first call wins) and wakes every waiter.
    func finish(code: Int32?, signal: Int32?) {
        let waiters = state.withLock { state in
            guard state.result == nil else { return [CheckedContinuation<(code: Int32?, signal: Int32?), Never>]() }
            state.result = (code, signal)
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: (code, signal)) }
    }

    func wait() async -> (code: Int32?, signal: Int32?) {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                if let result = state.result { return result as (code: Int32?, signal: Int32?)? }
                state.waiters.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    var hasFinished: Bool { state.withLock { $0.result != nil } }
}

/// A running `chatbot` process whose output can be watched while it runs.
final class RunningCLI: Sendable {
    /// The process id.
    let pid: Int32
    private let stdoutBuffer = OutputBuffer()
    private let stderrBuffer = OutputBuffer()
    private let termination = TerminationWaiter()
    private let timedOut = Mutex(false)
    // After run() this class only keeps the process alive (its terminationHandler reports through
    // `termination`); it never touches it again.
    private let process: Process

    init(binary: String, arguments: [String], environment: [String: String], stdin: CLIStandardInput) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        var input: Pipe?
        switch stdin {
        case .null:
            process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        case .bytes:
            let pipe = Pipe()
            process.standardInput = pipe
            input = pipe
        }
        let termination = self.termination
        process.terminationHandler = { process in
            switch process.terminationReason {
            case .exit: termination.finish(code: process.terminationStatus, signal: nil)
            case .uncaughtSignal: termination.finish(code: nil, signal: process.terminationStatus)
            @unknown default: termination.finish(code: nil, signal: nil)
            }
        }
        try process.run()
        self.process = process
        pid = process.processIdentifier
        // Our copies of the child's ends must close, or the readers never see end of file.
        try? out.fileHandleForWriting.close()
        try? err.fileHandleForWriting.close()
        stdoutBuffer.drain(out.fileHandleForReading)
        stderrBuffer.drain(err.fileHandleForReading)
        if case .bytes(let data) = stdin, let input {
            let writer = input.fileHandleForWriting
            DispatchQueue.global().async {
                try? writer.write(contentsOf: data)
                try? writer.close()
            }
            try? input.fileHandleForReading.close()
        }
    }

    /// What the process wrote to stdout so far.
    var stdout: String { stdoutBuffer.text }
    /// What the process wrote to stderr so far.
    var stderr: String { stderrBuffer.text }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) {
        if !termination.hasFinished { kill(pid, signal) }
    }

    /// Polls until `condition` holds for stdout, the process ends, or `timeout` passes.
    /// Returns whether the condition held.
    func waitForStdout(timeout: Duration = .seconds(30), _ condition: (String) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(stdout) { return true }
            if termination.hasFinished { return condition(stdout) }
            try await Task.sleep(for: .milliseconds(20))
        }
        return condition(stdout)
    }

    /// Waits for the process to end (killing it after `timeout`) and for both streams to close.
    func finish(timeout: Duration = .seconds(60)) async -> CLIResult {
        let termination = self.termination
        let status = await withTaskGroup(of: Void.self) { group in
            group.addTask {
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                self.timedOut.withLock { $0 = true }
                self.send(SIGKILL)
                // Foundation notices an exit only when every copy of its monitoring socket is
                // closed; a grandchild that inherited one would keep us waiting. Give up then.
                guard (try? await Task.sleep(for: .seconds(5))) != nil else { return }
                termination.finish(code: nil, signal: nil)
            }
            let status = await termination.wait()
            group.cancelAll()
            return status
        }
        await stdoutBuffer.waitFinished(seconds: 10)
        await stderrBuffer.waitFinished(seconds: 10)
        return CLIResult(
            exitCode: status.code, signal: status.signal, timedOut: timedOut.withLock { $0 }, stdout: stdout,
            stderr: stderr)
    }
}
