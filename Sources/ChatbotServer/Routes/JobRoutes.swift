import ChatbotAccounts
import ChatbotCore
import ChatbotJobs
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `/api/jobs`: a caller's background jobs (every job for an admin): list, show, progress as
/// server-sent events, cancel and retry. Another user's job answers 404. The events come from the
/// database, so any replica serves them whichever process runs the job.
struct JobRoutes {
    let queue: JobQueue
    let signal: JobSignal

    /// A job as the API shows it: the payload and result as JSON objects.
    struct JobView: ResponseEncodable, Encodable {
        var id: String
        var kind: String
        var status: String
        var ownerId: String
        var attempts: Int
        var maxAttempts: Int
        var runAt: Date
        var cancelRequested: Bool
        var progress: JobProgress?
        var payload: JSONValue?
        var result: JSONValue?
        var error: String?
        var createdAt: Date
        var updatedAt: Date
        var finishedAt: Date?

        init(_ job: Job) {
            id = job.id
            kind = job.kind
            status = job.status.rawValue
            ownerId = job.ownerID
            attempts = job.attempts
            maxAttempts = job.maxAttempts
            runAt = job.runAt
            cancelRequested = job.cancelRequested
            progress = job.progress
            payload = JSONValue(json: job.payload)
            result = job.result.flatMap(JSONValue.init(json:))
            error = job.error
            createdAt = job.createdAt
            updatedAt = job.updatedAt
            finishedAt = job.finishedAt
        }
    }

    struct Page: ResponseEncodable {
        var data: [JobView]
        var nextCursor: String?
    }

    func register(_ group: RouterGroup<ServerContext>) {
        group.get("/jobs") { request, context in try await list(request, context) }
        group.get("/jobs/:id") { _, context in try await show(context) }
        group.get("/jobs/:id/events") { request, context in try await events(request, context) }
        group.post("/jobs/:id/cancel") { _, context in try await cancel(context) }
        group.post("/jobs/:id/retry") { _, context in try await retry(context) }
    }

    /// The caller as a viewer of jobs: any credential that can start one (`jobs`, `documents:write`
    /// or, for transcriptions, `chat`) sees its user's jobs.
    static func viewer(_ context: ServerContext) throws -> JobViewer {
        let identity = try context.requireIdentity()
        guard !identity.scopes.isDisjoint(with: [.jobs, .documentsWrite, .chat]) else {
            throw ServerError.forbidden("this credential lacks the 'jobs' scope")
        }
        return JobViewer(userID: identity.user.id, isAdmin: identity.caller(ip: context.clientAddress).isAdmin)
    }

    private func list(_ request: Request, _ context: ServerContext) async throws -> Page {
        let viewer = try Self.viewer(context)
        let parameters = request.uri.queryParameters
        var filter = JobQueue.Filter()
        if let status = parameters.get("status") {
            guard let parsed = JobStatus(rawValue: status) else {
                throw ServerError.badRequest(
                    "status is one of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = parsed
        }
        if let kind = parameters.get("kind"), !kind.isEmpty { filter.kind = String(kind.prefix(64)) }
        let limit = min(max(parameters.get("limit", as: Int.self) ?? 50, 1), 200)
        let cursor = parameters.get("cursor").flatMap { $0.isEmpty ? nil : String($0.prefix(64)) }
        let jobs = try await queue.list(viewer: viewer, filter: filter, limit: limit + 1, before: cursor)
        return Page(
            data: jobs.prefix(limit).map(JobView.init), nextCursor: jobs.count > limit ? jobs[limit - 1].id : nil)
    }

    private func show(_ context: ServerContext) async throws -> JobView {
        JobView(try await queue.job(try context.parameters.require("id"), viewer: try Self.viewer(context)))
    }

    private func cancel(_ context: ServerContext) async throws -> JobView {
        JobView(try await queue.cancel(try context.parameters.require("id"), viewer: try Self.viewer(context)))
    }

    private func retry(_ context: ServerContext) async throws -> JobView {
        let job = try await queue.retry(try context.parameters.require("id"), viewer: try Self.viewer(context))
        signal.notify()
        return JobView(job)
    }

    /// `job` events while the job changes (its state each time), then `done` once it has ended;
    /// a comment every 15 s keeps proxies from closing a quiet stream.
    private func events(_ request: Request, _ context: ServerContext) async throws -> Response {
        let viewer = try Self.viewer(context)
        let first = try await queue.job(try context.parameters.require("id"), viewer: viewer)
        let queue = queue
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream", .cacheControl: "no-store",
                HTTPField.Name("X-Accel-Buffering")!: "no",
            ],
            body: ResponseBody { writer in
                var job = first
                var sequence = 1
                var quiet = Duration.zero
                try await writer.write(ByteBuffer(string: Self.frame(job, sequence: sequence)))
                while !job.status.isFinal {
                    try await Task.sleep(for: .milliseconds(250))
                    quiet += .milliseconds(250)
                    guard let next = try await queue.fetch(job.id) else { break }
                    if next != job {
                        job = next
                        sequence += 1
                        quiet = .zero
                        try await writer.write(ByteBuffer(string: Self.frame(job, sequence: sequence)))
                    } else if quiet >= .seconds(15) {
                        quiet = .zero
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    }
                }
                try await writer.finish(nil)
            })
    }

    static func frame(_ job: Job, sequence: Int) -> String {
        EventStreamFrame.encode(
            id: String(sequence), event: job.status.isFinal ? "done" : "job", data: ServerJSON.text(JobView(job)))
    }
}

/// Any JSON value, to pass stored JSON (a job's payload and result) through as it is.
enum JSONValue: Codable, Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// `json` parsed; `nil` when it is not JSON.
    init?(json: String) {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)) else { return nil }
        self = value
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value == value.rounded(), abs(value) < 1e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
