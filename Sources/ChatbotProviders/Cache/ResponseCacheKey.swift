public import ChatbotCore
import Crypto

/// The exact-match response cache key of a chat request: the SHA-256 (lowercase hex) of a
/// canonical encoding of everything that decides the answer.
///
/// Covered: provider name, base URL (without trailing slashes), model, every message's role and
/// content in order, temperature, max tokens and seed. Not covered: the API key (a rotated key
/// gives the same answers, and secrets stay out of derived data) and extra headers.
/// Each field is written as `name=<byte length>:<value>`, so no choice of values can make two
/// different requests encode the same; the leading version tag changes if the encoding does.
public struct ResponseCacheKey: Sendable, Hashable, CustomStringConvertible {
    /// 64 lowercase hexadecimal characters.
    public let hex: String

    /// The key of `request` sent to `endpoint`.
    public init(request: ChatRequest, endpoint: ProviderEndpoint) {
        var baseURL = endpoint.baseURL
        while baseURL.hasSuffix("/") { baseURL.removeLast() }
        var canonical: [UInt8] = Array("chatbot-response-cache-v1\n".utf8)
        func field(_ name: String, _ value: String?) {
            canonical += Array(name.utf8)
            guard let value else {
                canonical += Array("=nil\n".utf8)
                return
            }
            canonical += Array("=\(value.utf8.count):".utf8)
            canonical += Array(value.utf8)
            canonical.append(0x0A)
        }
        field("provider", endpoint.name)
        field("base_url", baseURL)
        field("model", request.model)
        field("messages", String(request.messages.count))
        for message in request.messages {
            field("role", message.role.rawValue)
            field("content", message.content)
        }
        field("temperature", request.temperature.map { String(describing: $0) })
        field("max_tokens", request.maxTokens.map(String.init))
        field("seed", request.seed.map(String.init))

        let digest = SHA256.hash(data: canonical)
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in digest {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        self.hex = String(decoding: hex, as: UTF8.self)
    }

    /// The hex digest.
    public var description: String { hex }
}
