import HTTPTypes
import Hummingbird
import Synchronization

/// A path that exists with other methods answers 405 with `Allow` (RFC 9110 §15.5.6), not the
/// router's 404: `DELETE /api/auth/me` says what `/api/auth/me` takes. Only the router's own "no
/// route" 404 is turned into one; a handler's 404 (a missing resource) passes unchanged.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    /// The routes, filled in once every route is registered (the middleware comes first).
    final class Table: Sendable {
        private let routes = Mutex<[(method: HTTPRequest.Method, segments: [String])]>([])

        func set(_ routes: [(method: HTTPRequest.Method, path: RouterPath)]) {
            let parsed = routes.map { route in
                (method: route.method, segments: route.path.components.map { $0.description })
            }
            self.routes.withLock { $0 = parsed }
        }

        /// The methods of every route whose template matches `path`, sorted.
        func methods(for path: String) -> [HTTPRequest.Method] {
            let segments = path.split(separator: "/", omittingEmptySubsequences: true)
            let routes = self.routes.withLock { $0 }
            var methods = Set<HTTPRequest.Method>()
            for route in routes where Self.matches(route.segments, segments) { methods.insert(route.method) }
            if methods.contains(.get) { methods.insert(.head) }
            return methods.sorted { $0.rawValue < $1.rawValue }
        }

        private static func matches(_ template: [String], _ path: [Substring]) -> Bool {
            var index = 0
            for element in template {
                if element == "**" { return true }
                guard index < path.count else { return false }
                let isCapture = element.hasPrefix(":") || element.hasPrefix("{") || element == "*"
                if !isCapture && element != path[index] { return false }
                index += 1
            }
            return index == path.count
        }
    }

    let table: Table

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            // The router's not-found responder names the endpoint "NotFound"; a route's handler
            // that throws a 404 leaves its own template there.
            guard context.coreContext.endpointPath.value == "NotFound" else { throw error }
            let allowed = table.methods(for: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }
            throw HTTPError(
                .methodNotAllowed, headers: [.allow: allowed.map(\.rawValue).joined(separator: ", ")],
                message: "\(request.method.rawValue) is not a method of this path")
        }
    }
}

/// The plain HTTP responder (the WebSocket handshake has its own), which marks its requests as
/// unable to upgrade (``ServerContext/canUpgrade``).
///
/// `HEAD` answers as `GET` would, without the body (RFC 9110 §9.3.2): the router knows only `GET`
/// routes, so the request is routed as a `GET` and its body dropped unsent (an event stream is
/// never started).
struct PlainHTTPResponder<Base: HTTPResponder>: HTTPResponder where Base.Context == ServerContext {
    let base: Base

    func respond(to request: Request, context: ServerContext) async throws -> Response {
        var context = context
        context.canUpgrade = false
        guard request.method == .head else { return try await base.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        let response = try await base.respond(to: Request(head: head, body: request.body), context: context)
        return Response(status: response.status, headers: response.headers, body: ResponseBody())
    }
}
