import ChatbotAccounts
import ChatbotCore
import ChatbotServices
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Turns every error a route throws into a response a client can act on: RFC 9457
/// `application/problem+json` under `/api`, OpenAI's `{"error": {...}}` under `/v1` (the SDKs parse
/// that shape). The detail is the library's user-facing message, never a raw error, SQL text or an
/// upstream URL; 5xx answers log the original error with the request id.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem(error, logger: context.logger)
            if problem.status >= 500 {
                context.logger.error(
                    "request failed", metadata: ["error": "\(ChatbotError.normalizing(error).message)"])
            }
            let openAI = request.uri.path.hasPrefix("/v1/") || request.uri.path == "/v1"
            return problem.response(openAIShape: openAI, requestID: context.requestID)
        }
    }
}

/// One error as the client sees it.
struct Problem: Sendable {
    var status: Int
    var slug: String
    var detail: String
    var headers: HTTPFields = [:]

    init(status: Int, slug: String, detail: String) {
        self.status = status
        self.slug = slug
        self.detail = detail
    }

    init(_ error: any Error, logger: Logger) {
        if let http = error as? HTTPError {
            self.init(
                status: Int(http.status.code), slug: Self.slug(forStatus: Int(http.status.code)),
                detail: http.body ?? http.status.reasonPhrase)
            headers = http.headers
            return
        }
        if let exceeded = error as? RateLimitExceeded {
            self.init(status: 429, slug: "rate-limited", detail: exceeded.description)
            headers = RateLimits.headers(exceeded.decisions)
            headers[.retryAfter] = String(exceeded.refused.retryAfterSeconds)
            return
        }
        if let exceeded = error as? BudgetExceeded {
            let normalized = exceeded.chatbotError
            self.init(status: 429, slug: normalized.kind.problemType, detail: normalized.message)
            headers[.retryAfter] = String(exceeded.secondsUntilRenewal(from: Date()))
            // OpenAI's SDKs retry a 429 unless told not to: waiting seconds will not renew a budget.
            headers[Self.shouldRetry] = "false"
            return
        }
        if let exceeded = error as? StreamLimitExceeded {
            self.init(status: 429, slug: "rate-limited", detail: exceeded.description)
            headers[.retryAfter] = "5"
            return
        }
        if let refusal = error as? LoginThrottle.Refusal {
            self.init(status: 429, slug: "rate-limited", detail: refusal.description)
            headers[.retryAfter] = String(refusal.retryAfterSeconds)
            return
        }
        if error is NIOTooManyBytesError {
            self.init(status: 413, slug: "too-large", detail: "the request body is too large")
            return
        }
        let normalized = ChatbotError.normalizing(error, logger: logger)
        if normalized.reason == .modelRefusedRequest {
            // The client's request, refused by the model server: a 400 with the model server's
            // reason, never its address.
            var detail = "the model refused the request"
            if let range = normalized.message.range(of: #"answered \d{3}: "#, options: .regularExpression) {
                detail += ": " + normalized.message[range.upperBound...]
            }
            self.init(status: 400, slug: ChatbotError.Kind.usage.problemType, detail: detail)
            return
        }
        var detail = normalized.message
        if let hint = normalized.hint, normalized.kind.httpStatus < 500 { detail += " (\(hint))" }
        if normalized.kind.httpStatus >= 500, normalized.kind != .unavailable, normalized.kind != .temporary {
            detail = "the server could not complete the request"
        }
        self.init(status: normalized.kind.httpStatus, slug: normalized.kind.problemType, detail: detail)
    }

    /// `x-should-retry`, which OpenAI's SDKs obey over their own retry rules.
    static let shouldRetry = HTTPField.Name("x-should-retry")!

    static func slug(forStatus status: Int) -> String {
        switch status {
        case 400: "usage"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not-found"
        case 405: "method-not-allowed"
        case 409: "conflict"
        case 413: "too-large"
        case 415: "unsupported-media-type"
        case 429: "rate-limited"
        case 500..<600: "unavailable"
        default: "http-\(status)"
        }
    }

    static func title(forStatus status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 429: "Too Many Requests"
        case 499: "Client Closed Request"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Error \(status)"
        }
    }

    /// The stable `type` URI of a problem slug.
    static func typeURI(_ slug: String) -> String { "urn:chatbot:problem:\(slug)" }

    func response(openAIShape: Bool, requestID: String) -> Response {
        var fields = headers
        let body: [String: Any]
        if openAIShape {
            fields[.contentType] = "application/json"
            body = [
                "error": [
                    "message": detail, "type": Self.openAIType(status: status, slug: slug), "param": NSNull(),
                    "code": Self.openAICode(status: status, slug: slug),
                ]
            ]
        } else {
            fields[.contentType] = "application/problem+json"
            body = [
                "type": Self.typeURI(slug), "title": Self.title(forStatus: status), "status": status,
                "detail": detail, "request_id": requestID,
            ]
        }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// OpenAI's error `type`: an exhausted budget is `insufficient_quota`, as OpenAI answers when
    /// an account's credit runs out (its SDKs raise `RateLimitError` and do not retry it).
    static func openAIType(status: Int, slug: String) -> String {
        if slug == "budget-exceeded" { return "insufficient_quota" }
        return switch status {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "invalid_request_error"
        case 429: "rate_limit_exceeded"
        case 400..<500: "invalid_request_error"
        default: "server_error"
        }
    }

    static func openAICode(status: Int, slug: String) -> Any {
        if slug == "budget-exceeded" { return "insufficient_quota" }
        return switch status {
        case 401: "invalid_api_key"
        case 429: "rate_limit_exceeded"
        default: NSNull()
        }
    }
}
