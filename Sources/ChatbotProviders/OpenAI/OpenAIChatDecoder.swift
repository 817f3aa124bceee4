import ChatbotCore
import Foundation

/// Turns OpenAI-compatible chunks (SSE events) or a whole JSON completion into
/// ``ChatStreamEvent``s: `.model` once, `.delta` per piece of text, `.usage`, and `.finished`
/// at `[DONE]` or at the end of a stream that gave a finish reason.
struct OpenAIChatDecoder {
    private let endpoint: ProviderEndpoint
    private let decoder = JSONDecoder()
    private var reportedModel = false
    private var finishReason: String?
    private var sawFinishReason = false
    private var sawEvent = false
    private(set) var isDone = false

    init(endpoint: ProviderEndpoint) {
        self.endpoint = endpoint
    }

    /// The events carried by one SSE event of the stream.
    mutating func decode(_ event: SSEEvent) throws(ProviderError) -> [ChatStreamEvent] {
        guard !isDone else { return [] }
        sawEvent = true
        let data = event.data.trimmingCharacters(in: .whitespaces)
        if data == "[DONE]" {
            isDone = true
            return [.finished(reason: finishReason)]
        }
        let chunk: OpenAIWireFormat.Completion
        do {
            chunk = try decoder.decode(OpenAIWireFormat.Completion.self, from: Data(data.utf8))
        } catch {
            throw .malformedResponse(endpoint, detail: "unreadable stream chunk \(Self.excerpt(data))")
        }
        if let failure = chunk.error {
            throw .streamError(endpoint, message: failure.message ?? Self.excerpt(data))
        }
        return events(in: chunk, streamed: true)
    }

    /// The events once the body has ended: `.finished` when the stream had said it was
    /// complete without a `[DONE]`; otherwise the stream was cut short.
    mutating func finish() throws(ProviderError) -> [ChatStreamEvent] {
        guard !isDone else { return [] }
        isDone = true
        guard sawEvent else {
            throw .malformedResponse(endpoint, detail: "the response body holds no Server-Sent Events")
        }
        guard sawFinishReason else {
            throw .connectionLost(endpoint, detail: "the stream ended without a finish reason or [DONE]")
        }
        return [.finished(reason: finishReason)]
    }

    /// The events of a whole (non-streamed) JSON completion.
    mutating func decodeCompletion(_ body: some Sequence<UInt8>) throws(ProviderError) -> [ChatStreamEvent] {
        let data = Data(body)
        let completion: OpenAIWireFormat.Completion
        do {
            completion = try decoder.decode(OpenAIWireFormat.Completion.self, from: data)
        } catch {
            throw .malformedResponse(
                endpoint, detail: "unreadable JSON body \(Self.excerpt(String(decoding: data, as: UTF8.self)))")
        }
        if let failure = completion.error {
            throw .streamError(endpoint, message: failure.message ?? "no message")
        }
        guard completion.choices?.first?.message != nil else {
            throw .malformedResponse(endpoint, detail: "the JSON completion has no choices[0].message")
        }
        var events = self.events(in: completion, streamed: false)
        isDone = true
        events.append(.finished(reason: finishReason))
        return events
    }

    private mutating func events(in chunk: OpenAIWireFormat.Completion, streamed: Bool) -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = []
        if !reportedModel, let model = chunk.model, !model.isEmpty {
            reportedModel = true
            events.append(.model(model))
        }
        if let choice = chunk.choices?.first {
            let content = streamed ? choice.delta?.content : choice.message?.content
            if let content, !content.isEmpty {
                events.append(.delta(content))
            }
            if let reason = choice.finishReason {
                finishReason = reason
                sawFinishReason = true
            }
        }
        if let usage = chunk.usage {
            events.append(.usage(usage))
        }
        return events
    }

    /// The start of some unexpected text, quoted, for error messages.
    static func excerpt(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > 120 ? "\"\(flat.prefix(120))…\"" : "\"\(flat)\""
    }
}
