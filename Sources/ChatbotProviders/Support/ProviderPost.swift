import AsyncHTTPClient
import ChatbotCore
import Foundation
import NIOCore
import NIOHTTP1

/// The HTTP exchange shared by the transcription and embedding clients: one POST, the body collected (bounded),
/// error statuses and transport failures turned into ``ProviderError``s.
struct ProviderPost {
    static let maximumBodySize = 16 * 1024 * 1024

    let httpClient: HTTPClient
    let timeouts: ProviderTimeouts

    func post(
        url: String, body: Data, contentType: String, endpoint: ProviderEndpoint
    ) async throws -> (status: Int, contentType: String, body: Data) {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ProviderError.invalidEndpoint(endpoint, detail: "it must start with http:// or https://")
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "Accept", value: "application/json, text/plain")
        if let apiKey = endpoint.apiKey, !apiKey.isEmpty {
            request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        }
        for (name, value) in endpoint.headers.sorted(by: { $0.key < $1.key }) {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        var seenHead = false
        do {
            // Whisper answers only after transcribing the whole upload: one limit covers the exchange.
            let limit = timeouts.request ?? .seconds(600)
            let nanoseconds = limit.components.seconds * 1_000_000_000 + limit.components.attoseconds / 1_000_000_000
            let response = try await httpClient.execute(request, deadline: .now() + .nanoseconds(nanoseconds))
            seenHead = true
            var collected = ByteBuffer()
            for try await var part in response.body {
                guard collected.readableBytes + part.readableBytes <= Self.maximumBodySize else {
                    throw ProviderError.malformedResponse(endpoint, detail: "the response body exceeds 16 MiB")
                }
                collected.writeBuffer(&part)
            }
            let data = Data(collected.readableBytesView)
            let status = Int(response.status.code)
            guard (200..<300).contains(status) else {
                throw ProviderError.httpStatus(
                    endpoint, status: status, message: Self.errorMessage(data, status: response.status),
                    retryAfter: response.headers.first(name: "Retry-After").flatMap { RetryAfterHeader.parse($0) })
            }
            return (status, response.headers.first(name: "Content-Type")?.lowercased() ?? "", data)
        } catch let error as ProviderError {
            throw error
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw ProviderError.requestTimeout(endpoint, after: timeouts.request ?? .seconds(600))
        } catch {
            if Task.isCancelled { throw ProviderError.cancelled(endpoint) }
            if let mapped = ProviderError.classify(
                error, endpoint: endpoint, timeouts: timeouts, afterResponseHead: seenHead)
            {
                throw mapped
            }
            throw error
        }
    }

    /// The message of an error body: OpenAI's `{"error": {"message"}}`, FastAPI's `{"detail"}`,
    /// Hugging Face's `{"error": "…"}`, or the start of the text.
    static func errorMessage(_ data: Data, status: HTTPResponseStatus) -> String? {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let error = object["error"] as? [String: Any], let message = error["message"] as? String {
                return message
            }
            if let error = object["error"] as? String { return error }
            if let detail = object["detail"] as? String { return detail }
            if let detail = object["detail"] as? [String: Any], let error = detail["error"] as? [String: Any],
                let message = error["message"] as? String
            {
                return message
            }
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return status.reasonPhrase }
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
