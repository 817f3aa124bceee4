/// A failed S3 request: the HTTP status and, when the server sent an `<Error>` body, its code and
/// message (e.g. `NoSuchKey`, `SignatureDoesNotMatch`, `SlowDown`).
public struct S3Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status code (0 when no response arrived).
    public var statusCode: Int
    /// The S3 error code, e.g. `AccessDenied`; empty when the body had none.
    public var code: String
    /// The server's message; empty when the body had none.
    public var message: String
    /// The request ID the server assigned, for support requests.
    public var requestID: String?
    /// The operation, e.g. `GET bucket/key`.
    public var operation: String

    /// Creates an error from its parts.
    public init(statusCode: Int, code: String, message: String, requestID: String? = nil, operation: String) {
        self.statusCode = statusCode
        self.code = code
        self.message = message
        self.requestID = requestID
        self.operation = operation
    }

    /// Builds the error from a response: the `<Error>` document when `body` holds one, else the status.
    public init(statusCode: Int, body: [UInt8], operation: String) {
        let document = S3XMLElement.parse(body)
        if let document, document.name == "Error" {
            self.init(
                statusCode: statusCode, code: document.text(of: "Code") ?? "",
                message: document.text(of: "Message") ?? "", requestID: document.text(of: "RequestId"),
                operation: operation)
        } else {
            self.init(statusCode: statusCode, code: "", message: "", operation: operation)
        }
    }

    /// Whether retrying may help: 5xx, `SlowDown`, `RequestTimeout`, `InternalError`.
    public var isRetryable: Bool {
        statusCode >= 500 || ["SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable"].contains(code)
    }

    /// E.g. `S3 GET bucket/key failed: HTTP 403 SignatureDoesNotMatch: The request signature …`.
    public var description: String {
        var text = "S3 \(operation) failed: HTTP \(statusCode)"
        if !code.isEmpty { text += " \(code)" }
        if !message.isEmpty { text += ": \(message)" }
        if let requestID { text += " (request \(requestID))" }
        return text
    }
}
