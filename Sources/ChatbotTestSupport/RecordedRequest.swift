public import ChatbotCore
import Foundation

/// A request as ``FaultInjectingServer`` received it.
public struct RecordedRequest: Sendable, Hashable {
    /// The decoded JSON body of a chat completion request.
    public struct ChatBody: Sendable, Hashable, Decodable {
        /// `stream_options`.
        public struct StreamOptions: Sendable, Hashable, Decodable {
            /// `include_usage`.
            public var includeUsage: Bool?

            enum CodingKeys: String, CodingKey {
                case includeUsage = "include_usage"
            }
        }

        /// `model`.
        public var model: String
        /// `messages`.
        public var messages: [ChatMessage]
        /// `stream`.
        public var stream: Bool?
        /// `stream_options`.
        public var streamOptions: StreamOptions?
        /// `temperature`.
        public var temperature: Double?
        /// `max_tokens`.
        public var maxTokens: Int?
        /// `seed`.
        public var seed: Int?

        enum CodingKeys: String, CodingKey {
            case model, messages, stream, temperature, seed
            case streamOptions = "stream_options"
            case maxTokens = "max_tokens"
        }
    }

    /// The method, e.g. `POST`.
    public var method: String
    /// The request target, e.g. `/v1/chat/completions`.
    public var path: String
    /// The headers, names lowercased; repeated headers are joined with `, `.
    public var headers: [String: String]
    /// The raw body.
    public var body: [UInt8]

    /// Creates a record.
    public init(method: String, path: String, headers: [String: String], body: [UInt8]) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// The value of the header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    /// The body as UTF-8 text.
    public var bodyText: String {
        String(decoding: body, as: UTF8.self)
    }

    /// The body decoded as a chat completion request, or `nil` when it is not one.
    public var chatBody: ChatBody? {
        try? JSONDecoder().decode(ChatBody.self, from: Data(body))
    }
}
