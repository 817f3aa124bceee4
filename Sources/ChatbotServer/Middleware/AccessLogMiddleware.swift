import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Who a request turned out to be, filled in by ``AuthenticationMiddleware`` deeper in the chain
/// and read by ``AccessLogMiddleware`` at the end (contexts are values, so it needs a reference).
final class AccessRecord: Sendable {
    private let state = Mutex<(user: String?, keyID: String?)>((nil, nil))

    func identify(user: String, keyID: String?) {
        state.withLock { $0 = (user, keyID) }
    }

    var identified: (user: String?, keyID: String?) { state.withLock { $0 } }
}

/// Where access-log lines go: a closure, so `serve` writes them to stdout and tests keep them.
public struct AccessLog: Sendable {
    let write: @Sendable (String) -> Void

    /// Lines handed to `write`, one JSON object each, without the newline.
    public init(_ write: @escaping @Sendable (String) -> Void) { self.write = write }

    /// One line per request on standard output.
    public static let standardOutput = AccessLog { line in
        let bytes = Array((line + "\n").utf8)
        outputLock.withLock { _ in
            bytes.withUnsafeBufferPointer { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(1, buffer.baseAddress! + offset, buffer.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
    }

    private static let outputLock = Mutex(())
}

/// One JSON line per request once its response has been written to the end, and the request
/// metrics: request id, method, route template, status, duration, bytes, client address, user and
/// key id. Never a query string, header, token, password or body — the route is the template
/// (`/api/conversations/{id}`), so not even ids reach the log.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    let log: AccessLog?
    let metrics: ServerMetrics

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let started = Date()
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // Errors become problem answers further in; whatever still escapes is logged here.
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            let route = Self.route(context.endpointPath)
            metrics.request(
                route: route, method: request.method.rawValue, status: status, duration: ContinuousClock.now - start)
            log?.write(
                AccessLine(
                    time: started, requestId: context.requestID, method: request.method.rawValue, route: route,
                    status: status, durationMs: Self.milliseconds(ContinuousClock.now - start),
                    client: context.clientAddress, user: context.access.identified.user,
                    keyId: context.access.identified.keyID
                ).json)
            throw error
        }
        let status = response.status.code
        let streams = response.headers[.contentType]?.hasPrefix("text/event-stream") ?? false
        if streams { metrics.eventStream(1) }
        let log = log
        let metrics = metrics
        let method = request.method.rawValue
        let route = Self.route(context.endpointPath)
        let record = context.access
        let requestID = context.requestID
        let client = context.clientAddress
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            defer { finished() }
            try await body.write(writer)
        }
        return response

        @Sendable func finished() {
            let duration = ContinuousClock.now - start
            if streams { metrics.eventStream(-1) }
            metrics.request(route: route, method: method, status: status, duration: duration)
            guard let log else { return }
            let who = record.identified
            let line = AccessLine(
                time: started, requestId: requestID, method: method, route: route, status: status,
                durationMs: Self.milliseconds(duration),
                client: client, user: who.user, keyId: who.keyID)
            log.write(line.json)
        }
    }

    /// Milliseconds to the microsecond.
    static func milliseconds(_ duration: Duration) -> Double {
        let micros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        return Double(micros) / 1000
    }

    /// The matched route's template with `{name}` parameters, or `unmatched` (Hummingbird names
    /// the not-found responder `NotFound`; a real route starts with `/`).
    static func route(_ endpointPath: String?) -> String {
        guard let endpointPath, endpointPath.hasPrefix("/") else { return "unmatched" }
        return endpointPath.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
        }.joined(separator: "/")
    }
}

/// One access-log line.
struct AccessLine: Encodable {
    var time: Date
    var requestId: String
    var method: String
    var route: String
    var status: Int
    var durationMs: Double
    var client: String?
    var user: String?
    var keyId: String?

    var json: String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
