/// Where the managed local model stack lives and which ports its servers use.
public struct LocalStackSettings: Sendable, Hashable, Codable {
    /// The chat model the local stack serves.
    public static let defaultChatModel = "SmolLM2-135M-Instruct"

    /// The install prefix `Scripts/setup` filled (`bin/`, `models/`, venvs).
    public var prefix: String
    /// Loopback port of the chat server (llama-server).
    public var chatPort: Int
    /// The GGUF file llama-server loads.
    public var chatModelFile: String
    /// llama-server's context size in tokens.
    public var chatContext: Int
    /// Loopback port of the embedding server.
    public var embeddingsPort: Int
    /// Loopback port of the speech server.
    public var speechPort: Int
    /// Where pid files and logs of the servers go.
    public var stateDirectory: String

    /// Creates settings.
    public init(
        prefix: String,
        chatPort: Int = 8411,
        chatModelFile: String? = nil,
        chatContext: Int = 16384,
        embeddingsPort: Int = 8412,
        speechPort: Int = 8413,
        stateDirectory: String
    ) {
        self.prefix = prefix
        self.chatPort = chatPort
        self.chatModelFile = chatModelFile ?? "\(prefix)/models/SmolLM2-135M-Instruct.Q4_1.gguf"
        self.chatContext = chatContext
        self.embeddingsPort = embeddingsPort
        self.speechPort = speechPort
        self.stateDirectory = stateDirectory
    }

    /// The OpenAI-compatible base URL of the local chat server.
    public var chatBaseURL: String { "http://127.0.0.1:\(chatPort)/v1" }
}
