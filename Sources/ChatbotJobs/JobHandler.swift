public import ChatbotCore
public import Foundation
import Synchronization

/// Runs the jobs of one kind. A handler must be idempotent: a job whose worker died runs again
/// from the start elsewhere, and must then store nothing twice.
public protocol JobHandler: Sendable {
    /// The kind it runs (``JobKind``).
    var kind: String { get }
    /// Runs `job`, reporting progress and calling ``JobContext/checkpoint()`` between steps; returns
    /// the result as JSON (or `nil`). Throwing fails the attempt (see ``JobFailure``).
    func run(_ job: Job, context: JobContext) async throws -> String?
}

/// A failure a handler reports with its own verdict on retrying. Other errors are judged by
/// ``JobFailure/isRetryable(_:)``.
public struct JobFailure: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for the job's `error`.
    public var message: String
    /// Whether another attempt may succeed.
    public var retryable: Bool

    /// A failure with its verdict.
    public init(message: String, retryable: Bool) {
        self.message = message
        self.retryable = retryable
    }

    /// A failure retrying cannot fix (the input is bad).
    public static func permanent(_ message: String) -> JobFailure { JobFailure(message: message, retryable: false) }
    /// A failure that another attempt may not meet (a server down, a timeout).
    public static func transient(_ message: String) -> JobFailure { JobFailure(message: message, retryable: true) }

    /// The message.
    public var description: String { message }

    /// Whether `error` is worth another attempt: a service that is down or busy (`.unavailable`,
    /// `.temporary`, `.rateLimited`) and errors from below the library (a dropped connection) are;
    /// everything the library judged (bad input, a file it cannot read, a refused URL) is not.
    public static func isRetryable(_ error: any Error) -> Bool {
        if let failure = error as? JobFailure { return failure.retryable }
        guard let error = error as? ChatbotError else { return true }
        return error.kind == .unavailable || error.kind == .temporary || error.kind == .rateLimited
    }

    /// The message of `error` as a job keeps it.
    public static func message(_ error: any Error) -> String {
        if let failure = error as? JobFailure { return failure.message }
        if let error = error as? ChatbotError {
            return error.hint.map { "\(error.message) (\($0))" } ?? error.message
        }
        return String(describing: error)
    }
}

/// Why a running job stopped before its handler returned.
public enum JobStop: Error, Sendable, Hashable {
    /// Someone cancelled it.
    case cancelled
    /// Its lease was lost: another worker owns it now.
    case leaseLost
}

/// What a handler gets besides its job: progress reports and checkpoints.
public final class JobContext: Sendable {
    /// The job being run.
    public let job: Job
    private let state = Mutex<State>(State())
    private let report: @Sendable (JobProgress) -> Void

    struct State {
        var stop: JobStop?
    }

    init(job: Job, report: @escaping @Sendable (JobProgress) -> Void) {
        self.job = job
        self.report = report
    }

    /// Records how far the job has come; written with the next lease renewal (about a second later).
    public func progress(_ progress: JobProgress) {
        report(progress)
    }

    /// Throws ``JobStop`` when the job was cancelled or its lease lost, and `CancellationError`
    /// when the worker is stopping; call it between steps.
    public func checkpoint() throws {
        if let stop = state.withLock({ $0.stop }) { throw stop }
        try Task.checkCancellation()
    }

    func stop(_ reason: JobStop) {
        state.withLock { if $0.stop == nil { $0.stop = reason } }
    }

    var stopReason: JobStop? { state.withLock { $0.stop } }
}

/// Decodes a job's JSON payload.
public func decodePayload<Payload: Decodable>(_ type: Payload.Type, from job: Job) throws -> Payload {
    do {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: Data(job.payload.utf8))
    } catch {
        throw JobFailure.permanent("the job's payload is not a valid \(job.kind) request")
    }
}

/// Encodes a handler's result (or a payload) as JSON with snake_case keys, as the API shows them.
public func encodeResult<Result: Encodable>(_ result: Result) throws -> String {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(result), as: UTF8.self)
}
