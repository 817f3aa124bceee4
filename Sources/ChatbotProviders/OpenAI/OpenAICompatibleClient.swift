public import AsyncHTTPClient
public import ChatbotCore
import Foundation
public import Logging
import NIOCore
import NIOHTTP1

/// A ``ChatProvider`` for any server that speaks OpenAI's `POST /chat/completions`: OpenAI,
/// llama.cpp's llama-server, vLLM, Ollama, LM Studio, Groq, Hugging Face.
///
/// It asks for a stream (`stream: true`, `stream_options.include_usage`) and parses the
/// Server-Sent Events as they arrive; a server that answers with a single JSON completion
/// instead yields the same events. Error statuses become ``ProviderError``s carrying the status,
/// the provider's message and `Retry-After`. The client does not retry: wrap it in a
/// ``FallbackChatProvider`` for retries and fallbacks.
public struct OpenAICompatibleClient: ChatProvider {
    /// The largest error or JSON body read into memory.
    static let maximumBodySize = 8 * 1024 * 1024

    private let httpClient: HTTPClient
    private let timeouts: ProviderTimeouts
    private let logger: Logger

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - httpClient: The HTTP client to send requests with; the caller owns it and shuts it down.
    ///     Build it with `timeouts.httpClientConfiguration()` so that the connect timeout applies
    ///     and a refused connection is reported at once.
    ///   - timeouts: The idle and overall limits this client enforces on each request.
    ///   - logger: Where request-level diagnostics go.
    public init(httpClient: HTTPClient, timeouts: ProviderTimeouts = ProviderTimeouts(), logger: Logger) {
        self.httpClient = httpClient
        self.timeouts = timeouts
        self.logger = logger
    }

    /// Streams the answer to `request` from `endpoint`; the stream throws ``ProviderError``.
    ///
    /// The request runs in a task owned by the stream: it ends when the stream ends and is
    /// cancelled when the consumer stops iterating.
    public func streamChat(
        _ request: ChatRequest,
        endpoint: ProviderEndpoint
    ) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        AsyncThrowingStream.producing { continuation in
            try await chat(request, endpoint: endpoint) { event in
                continuation.yield(event)
            }
        }
    }

    /// Sends `request` to `endpoint` and calls `onEvent` for each event as it arrives, returning
    /// after `.finished`. The structured form of ``streamChat(_:endpoint:)``.
    ///
    /// - Throws: ``ProviderError``, or whatever `onEvent` throws.
    public func chat(
        _ request: ChatRequest,
        endpoint: ProviderEndpoint,
        onEvent: @escaping @Sendable (ChatStreamEvent) async throws -> Void
    ) async throws {
        var logger = self.logger
        logger[metadataKey: "provider"] = "\(endpoint.name)"
        logger[metadataKey: "model"] = "\(request.model)"
        let httpRequest = try makeHTTPRequest(request, endpoint: endpoint)
        logger.debug("sending chat request", metadata: ["url": "\(httpRequest.url)"])

        let watchdog = RequestWatchdog(idle: timeouts.idle, grace: timeouts.connect)
        do {
            try await watchdog.run(
                limit: timeouts.request,
                idleTimeout: .idleTimeout(endpoint, after: timeouts.idle),
                requestTimeout: .requestTimeout(endpoint, after: timeouts.request ?? .zero)
            ) { [httpClient, logger] in
                let response = try await httpClient.execute(httpRequest, deadline: .distantFuture, logger: logger)
                watchdog.touch()
                logger.debug("chat response head received", metadata: ["status": "\(response.status.code)"])
                try await Self.handle(response, endpoint: endpoint, watchdog: watchdog, onEvent: onEvent)
            }
        } catch let error as ProviderError {
            logger.debug("chat request failed", metadata: ["error": "\(error.kind)"])
            throw error
        } catch {
            if Task.isCancelled { throw ProviderError.cancelled(endpoint) }
            let mapped = ProviderError.classify(
                error, endpoint: endpoint, timeouts: timeouts, afterResponseHead: watchdog.hasSeenResponse)
            guard let mapped else { throw error }
            logger.debug("chat request failed", metadata: ["error": "\(mapped.kind)", "underlying": "\(error)"])
            throw mapped
        }
    }

    private func makeHTTPRequest(_ request: ChatRequest, endpoint: ProviderEndpoint) throws -> HTTPClientRequest {
        var base = endpoint.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw ProviderError.invalidEndpoint(endpoint, detail: "it must start with http:// or https://")
        }
        var httpRequest = HTTPClientRequest(url: base + "/chat/completions")
        httpRequest.method = .POST
        httpRequest.headers.add(name: "Content-Type", value: "application/json")
        httpRequest.headers.add(name: "Accept", value: "text/event-stream, application/json")
        if let apiKey = endpoint.apiKey, !apiKey.isEmpty {
            httpRequest.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        }
        for (name, value) in endpoint.headers.sorted(by: { $0.key < $1.key }) {
            httpRequest.headers.replaceOrAdd(name: name, value: value)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let body = try encoder.encode(OpenAIWireFormat.RequestBody(request))
        httpRequest.body = .bytes(ByteBuffer(bytes: body))
        return httpRequest
    }

    private static func handle(
        _ response: HTTPClientResponse,
        endpoint: ProviderEndpoint,
        watchdog: RequestWatchdog,
        onEvent: @Sendable (ChatStreamEvent) async throws -> Void
    ) async throws {
        guard (200..<300).contains(response.status.code) else {
            let body = try await collect(response.body, watchdog: watchdog, endpoint: endpoint)
            throw ProviderError.httpStatus(
                endpoint,
                status: Int(response.status.code),
                message: errorMessage(in: body, status: response.status),
                retryAfter: response.headers.first(name: "Retry-After").flatMap { RetryAfterHeader.parse($0) }
            )
        }
        var decoder = OpenAIChatDecoder(endpoint: endpoint)
        let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        if contentType.contains("json") {
            let body = try await collect(response.body, watchdog: watchdog, endpoint: endpoint)
            for event in try decoder.decodeCompletion(body.readableBytesView) {
                try await onEvent(event)
            }
            return
        }
        var parser = SSEParser()
        for try await buffer in response.body {
            watchdog.touch()
            for sseEvent in parser.parse(buffer.readableBytesView) {
                for event in try decoder.decode(sseEvent) {
                    try await onEvent(event)
                }
            }
        }
        for sseEvent in parser.finish() {
            for event in try decoder.decode(sseEvent) {
                try await onEvent(event)
            }
        }
        for event in try decoder.finish() {
            try await onEvent(event)
        }
    }

    private static func collect(
        _ body: HTTPClientResponse.Body,
        watchdog: RequestWatchdog,
        endpoint: ProviderEndpoint
    ) async throws -> ByteBuffer {
        var collected = ByteBuffer()
        for try await buffer in body {
            watchdog.touch()
            var buffer = buffer
            guard collected.readableBytes + buffer.readableBytes <= maximumBodySize else {
                throw ProviderError.malformedResponse(endpoint, detail: "the response body exceeds 8 MiB")
            }
            collected.writeBuffer(&buffer)
        }
        return collected
    }

    /// The provider's message from an error body, or the start of the body when it is not JSON.
    private static func errorMessage(in body: ByteBuffer, status: HTTPResponseStatus) -> String? {
        let data = Data(body.readableBytesView)
        if let parsed = try? JSONDecoder().decode(OpenAIWireFormat.ErrorBody.self, from: data),
            let message = parsed.bestMessage
        {
            return message
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return status.reasonPhrase }
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
