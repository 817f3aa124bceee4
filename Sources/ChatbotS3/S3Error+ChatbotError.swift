public import ChatbotCore
public import Foundation

extension S3Error {
    /// The user-facing form of the failure: `.unavailable` when the server could not be reached
    /// (`cannot reach the object store at http://127.0.0.1:9 (connection refused)`), `.usage` for
    /// refused credentials or a missing bucket, `.temporary` for 5xx, else `.runtime`.
    ///
    /// - Parameters:
    ///   - bucket: The bucket, named in messages when known.
    ///   - endpoint: The endpoint, named when the server could not be reached.
    public func chatbotError(bucket: String?, endpoint: URL? = nil) -> ChatbotError {
        switch (statusCode, code) {
        case (0, _):
            let site =
                endpoint.map { "at \($0.absoluteString)" } ?? bucket.map { "for bucket '\($0)'" } ?? "(S3)"
            let reason = message.isEmpty ? "" : " (\(message))"
            return ChatbotError(
                .unavailable, "cannot reach the object store \(site)\(reason)",
                hint: "check the endpoint in the object store URL and that the server is running")
        case (_, "SignatureDoesNotMatch"), (_, "InvalidAccessKeyId"), (_, "AccessDenied"), (403, _):
            return ChatbotError(
                .usage, "the object store refused the credentials: \(self)",
                hint: "check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, the region and the bucket's policy")
        case (_, "NoSuchBucket"):
            return ChatbotError(
                .usage, "the bucket \(bucket.map { "'\($0)' " } ?? "")does not exist",
                hint: "create it or fix the object store URL")
        case (let status, _) where status >= 500:
            return ChatbotError(.temporary, "the object store failed: \(self)", hint: "try again later")
        default:
            return ChatbotError(.runtime, "the object store failed: \(self)")
        }
    }
}

extension S3Client {
    /// Runs `body`, turning an ``S3Error`` into the user-facing ``ChatbotError`` for this client's
    /// bucket and endpoint (see ``S3Error/chatbotError(bucket:endpoint:)``).
    public func mappingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as S3Error {
            throw error.chatbotError(bucket: configuration.bucket, endpoint: configuration.endpoint)
        }
    }
}
