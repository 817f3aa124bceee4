import HTTPTypes
import Hummingbird

/// CORS only for configured origins: a listed origin is echoed (never `*`), with credentials
/// allowed; any other origin gets no CORS headers, so a browser keeps the answer from it. A
/// preflight from a listed origin is answered here with 204.
struct CORSAllowListMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    let origins: Set<String>

    init(origins: [String]) {
        self.origins = Set(origins.map { $0.lowercased() })
    }

    static let origin = HTTPField.Name("Origin")!

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers[Self.origin], origins.contains(origin.lowercased()) else {
            return try await next(request, context)
        }
        var response: Response
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            response = Response(status: .noContent)
            response.headers[.accessControlAllowMethods] = "GET, POST, PATCH, DELETE"
            response.headers[.accessControlAllowHeaders] = "Authorization, Content-Type, Last-Event-ID, X-Request-Id"
            response.headers[.accessControlMaxAge] = "600"
        } else {
            response = try await next(request, context)
        }
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlAllowCredentials] = "true"
        response.headers[.vary] = "Origin"
        return response
    }
}
