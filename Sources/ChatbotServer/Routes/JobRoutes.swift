import ChatbotAccounts
import ChatbotCore
public import ChatbotJobs
import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore

/// `/api/jobs`: a caller's background jobs (every job for an admin): list, show, progress as
/// server-sent events, cancel and retry. Another user's job answers 404. The events come from the
/// database, so any replica serves them whichever process runs the job.
struct JobRoutes {
    let queue: JobQueue
    let signal: JobSignal

    struct Page: ResponseEncodable {
        var data: [JobDocument]
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
            data: jobs.prefix(limit).map(JobDocument.init), nextCursor: jobs.count > limit ? jobs[limit - 1].id : nil)
    }

    private func show(_ context: ServerContext) async throws -> JobDocument {
        JobDocument(try await queue.job(try context.parameters.require("id"), viewer: try Self.viewer(context)))
    }

    private func cancel(_ context: ServerContext) async throws -> JobDocument {
        JobDocument(try await queue.cancel(try context.parameters.require("id"), viewer: try Self.viewer(context)))
    }

    private func retry(_ context: ServerContext) async throws -> JobDocument {
        let job = try await queue.retry(try context.parameters.require("id"), viewer: try Self.viewer(context))
        signal.notify()
        return JobDocument(job)
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
            id: String(sequence), event: job.status.isFinal ? "done" : "job", data: ServerJSON.text(JobDocument(job)))
    }
}

extension JobDocument: ResponseEncodable {}
