import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id (the client's `X-Request-Id` when it is well-formed, else a new one),
/// puts it on the logger and the response, and adds the security headers every response carries.
struct RequestHeadersMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    static let requestIDField = HTTPField.Name("X-Request-Id")!
    static let strictTransportSecurity = HTTPField.Name("Strict-Transport-Security")!

    /// Serving HTTPS itself (`--tls-cert`): browsers are told to use HTTPS only for a year
    /// (behind a TLS proxy, the proxy sends it; over plain HTTP it would mean nothing).
    var sendsStrictTransportSecurity = false

    /// Headers on every response: no sniffing, no framing, no referrer leaks, and a CSP with no
    /// inline script (the web page loads its own files only).
    static let securityHeaders: [(HTTPField.Name, String)] = [
        (
            .contentSecurityPolicy,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        ),
        (HTTPField.Name("X-Content-Type-Options")!, "nosniff"),
        (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
        (HTTPField.Name("X-Frame-Options")!, "DENY"),
        (HTTPField.Name("Cross-Origin-Opener-Policy")!, "same-origin"),
    ]

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        let given = request.headers[Self.requestIDField]
        let id = given.flatMap { Self.isWellFormed($0) ? $0 : nil } ?? UUID().uuidString.lowercased()
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[Self.requestIDField] = id
        for (name, value) in Self.securityHeaders where response.headers[name] == nil {
            response.headers[name] = value
        }
        if sendsStrictTransportSecurity {
            response.headers[Self.strictTransportSecurity] = "max-age=31536000"
        }
        if response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }

    /// 1–128 characters of letters, digits, `-`, `_`, `.` and `:`: anything else could forge log lines.
    static func isWellFormed(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
            }
    }
}
