import ChatbotCore
import Foundation

/// The JSON ``FaultInjectingServer`` sends, shaped like OpenAI's.
enum FakeOpenAIWire {
    private struct Chunk: Encodable {
        struct Delta: Encodable {
            var role: String?
            var content: String?
        }

        struct Choice: Encodable {
            var index = 0
            var delta: Delta
            var finishReason: String?

            enum CodingKeys: String, CodingKey {
                case index, delta
                case finishReason = "finish_reason"
            }
        }

        var id = "chatcmpl-fake"
        var object = "chat.completion.chunk"
        var created = 1_700_000_000
        var model: String
        var choices: [Choice]
        var usage: ChatUsage?
    }

    private struct Completion: Encodable {
        struct Message: Encodable {
            var role = "assistant"
            var content: String
        }

        struct Choice: Encodable {
            var index = 0
            var message: Message
            var finishReason: String

            enum CodingKeys: String, CodingKey {
                case index, message
                case finishReason = "finish_reason"
            }
        }

        var id = "chatcmpl-fake"
        var object = "chat.completion"
        var created = 1_700_000_000
        var model: String
        var choices: [Choice]
        var usage: ChatUsage?
    }

    private struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var message: String
            var type: String
            var code: Int
        }

        var error: Detail
    }

    /// `data: {chunk}\n\n` with a content delta or a finish reason.
    static func chunk(model: String, content: String? = nil, isFirst: Bool = false, finishReason: String? = nil)
        -> String
    {
        let delta = Chunk.Delta(role: isFirst ? "assistant" : nil, content: content)
        let chunk = Chunk(model: model, choices: [Chunk.Choice(delta: delta, finishReason: finishReason)])
        return "data: \(encode(chunk))\n\n"
    }

    /// `data: {chunk}\n\n` with no choices and the usage, as sent with `include_usage`.
    static func usageChunk(model: String, usage: ChatUsage) -> String {
        "data: \(encode(Chunk(model: model, choices: [], usage: usage)))\n\n"
    }

    /// A whole `chat.completion`.
    static func completion(model: String, content: String, usage: ChatUsage?, finishReason: String) -> String {
        encode(
            Completion(
                model: model,
                choices: [Completion.Choice(message: Completion.Message(content: content), finishReason: finishReason)],
                usage: usage))
    }

    /// `{"error":{"message":…,"type":…,"code":…}}`.
    static func error(message: String, code: Int) -> String {
        let type = code == 429 ? "rate_limit_error" : code >= 500 ? "server_error" : "invalid_request_error"
        return encode(ErrorBody(error: ErrorBody.Detail(message: message, type: type, code: code)))
    }

    private static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
