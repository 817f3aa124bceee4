import ChatbotCore

/// The JSON shapes of OpenAI's `/chat/completions`, as far as this client reads and writes them.
enum OpenAIWireFormat {
    /// The request body.
    struct RequestBody: Encodable {
        struct StreamOptions: Encodable {
            var includeUsage: Bool

            enum CodingKeys: String, CodingKey {
                case includeUsage = "include_usage"
            }
        }

        var model: String
        var messages: [ChatMessage]
        var stream: Bool
        var streamOptions: StreamOptions
        var temperature: Double?
        var maxTokens: Int?
        var seed: Int?

        init(_ request: ChatRequest) {
            self.model = request.model
            self.messages = request.messages
            self.stream = true
            self.streamOptions = StreamOptions(includeUsage: true)
            self.temperature = request.temperature
            self.maxTokens = request.maxTokens
            self.seed = request.seed
        }

        enum CodingKeys: String, CodingKey {
            case model, messages, stream, temperature, seed
            case streamOptions = "stream_options"
            case maxTokens = "max_tokens"
        }
    }

    /// A streamed chunk (`chat.completion.chunk`) or a whole completion (`chat.completion`):
    /// the same shape, with `delta` in chunks and `message` in completions.
    struct Completion: Decodable {
        struct Content: Decodable {
            var content: String?
        }

        struct Choice: Decodable {
            var delta: Content?
            var message: Content?
            var finishReason: String?

            enum CodingKeys: String, CodingKey {
                case delta, message
                case finishReason = "finish_reason"
            }
        }

        var model: String?
        var choices: [Choice]?
        var usage: ChatUsage?
        var error: ErrorBody.Detail?
    }

    /// An error body: `{"error": {"message": …}}`, `{"error": "…"}`, `{"message": …}` or
    /// `{"detail": …}`, depending on the server.
    struct ErrorBody: Decodable {
        struct Detail: Decodable {
            var message: String?

            init(from decoder: any Decoder) throws {
                if let text = try? decoder.singleValueContainer().decode(String.self) {
                    message = text
                } else {
                    let container = try decoder.container(keyedBy: CodingKeys.self)
                    message = try container.decodeIfPresent(String.self, forKey: .message)
                }
            }

            enum CodingKeys: String, CodingKey {
                case message
            }
        }

        var error: Detail?
        var message: String?
        var detail: String?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            error = try? container.decodeIfPresent(Detail.self, forKey: .error)
            message = try? container.decodeIfPresent(String.self, forKey: .message)
            detail = try? container.decodeIfPresent(String.self, forKey: .detail)
        }

        enum CodingKeys: String, CodingKey {
            case error, message, detail
        }

        /// The most specific message the body carries.
        var bestMessage: String? { error?.message ?? message ?? detail }
    }
}
