/// One configured provider, after presets, the config file, environment and flags were merged.
public struct ProviderSettings: Sendable, Hashable {
    /// The provider's name (`local`, `openai`, or a name from the config file).
    public var name: String
    /// The preset it is based on, if any.
    public var preset: String?
    /// The API base URL; `nil` when neither the preset nor the configuration gives one.
    public var baseURL: String?
    /// The API key, if one was found. Secret: never printed.
    public var apiKey: String?
    /// Where the API key came from (`OPENAI_API_KEY`, `config`), for `config show`.
    public var apiKeySource: String?
    /// Extra headers sent with every request.
    public var headers: [String: String]
    /// The model used when only the provider is named.
    public var defaultModel: String?
    /// Whether this is the managed local stack.
    public var isManagedLocal: Bool

    /// Creates provider settings.
    public init(
        name: String,
        preset: String? = nil,
        baseURL: String? = nil,
        apiKey: String? = nil,
        apiKeySource: String? = nil,
        headers: [String: String] = [:],
        defaultModel: String? = nil,
        isManagedLocal: Bool = false
    ) {
        self.name = name
        self.preset = preset
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.apiKeySource = apiKeySource
        self.headers = headers
        self.defaultModel = defaultModel
        self.isManagedLocal = isManagedLocal
    }
}
