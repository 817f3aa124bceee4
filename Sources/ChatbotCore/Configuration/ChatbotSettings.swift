/// The effective configuration of one `chatbot` run: flags > `CHATBOT_*` environment > YAML file > defaults.
///
/// Built by ``SettingsLoader``; every subcommand reads it, nothing else reads the environment.
public struct ChatbotSettings: Sendable {
    /// The YAML file that was read (it may not exist).
    public var configFile: String
    /// Where the database and object store live.
    public var dataDirectory: String
    /// The model used when `-m` is not given: an alias or `provider:model`.
    public var defaultModel: String
    /// Models tried in order when the chosen one fails after its retries.
    public var fallback: [String]
    /// Alias name → `provider:model`.
    public var aliases: [String: String]
    /// Provider name → provider.
    public var providers: [String: ProviderSettings]
    /// Model name → price, for cost accounting.
    public var prices: [String: ModelPrice]
    /// Whether deterministic requests (temperature 0) are answered from the response cache.
    public var cacheResponses: Bool
    /// Attempts per model before falling back (1 = no retry).
    public var maxAttempts: Int
    /// Seconds to wait for a connection.
    public var connectTimeout: Double
    /// Seconds a stream may stay silent before it is abandoned.
    public var idleTimeout: Double
    /// The managed local model stack.
    public var local: LocalStackSettings
    /// The PostgreSQL connection URL (`database_url`, `CHATBOT_DATABASE_URL`, `--database-url`);
    /// `nil` for the embedded SQLite store. May hold a password: print it only redacted.
    public var databaseURL: String?
    /// The standard `PG*` variables (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`,
    /// `PGSSLMODE`) from the environment, which fill what ``databaseURL`` leaves out.
    public var postgresEnvironment: [String: String]
    /// The S3-compatible object store URL (`object_store`, `CHATBOT_OBJECT_STORE`, `--object-store`):
    /// `s3://bucket/prefix?endpoint=…&region=…`; `nil` for the filesystem store under ``objectsDirectory``.
    public var objectStoreURL: String?
    /// The AWS variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`,
    /// `AWS_DEFAULT_REGION`) from the environment, for the S3 object store. Secret: never printed.
    public var awsEnvironment: [String: String]
    /// The speech-to-text service of `chatbot transcribe`.
    public var speech: SpeechSettings
    /// The embedding service for retrieval.
    public var embeddings: EmbeddingSettings
    /// A running `chatbot serve` that `chatbot ask` asks through (`remote`, `CHATBOT_REMOTE`);
    /// `nil`: ask the providers here.
    public var remote: String?
    /// The server's rate limits (`limits.*`).
    public var limits = LimitSettings()
    /// The command line's own budget (`budget.cost`, `budget.tokens`, `budget.period`): `chatbot
    /// ask` refuses once its answers of the day or month used it up. None by default.
    public var budget: Budget?

    /// Creates settings; ``SettingsLoader`` is the usual way.
    public init(
        configFile: String,
        dataDirectory: String,
        defaultModel: String,
        fallback: [String],
        aliases: [String: String],
        providers: [String: ProviderSettings],
        prices: [String: ModelPrice],
        cacheResponses: Bool,
        maxAttempts: Int,
        connectTimeout: Double,
        idleTimeout: Double,
        local: LocalStackSettings,
        databaseURL: String? = nil,
        postgresEnvironment: [String: String] = [:],
        objectStoreURL: String? = nil,
        awsEnvironment: [String: String] = [:],
        speech: SpeechSettings = SpeechSettings(),
        embeddings: EmbeddingSettings = EmbeddingSettings()
    ) {
        self.configFile = configFile
        self.dataDirectory = dataDirectory
        self.defaultModel = defaultModel
        self.fallback = fallback
        self.aliases = aliases
        self.providers = providers
        self.prices = prices
        self.cacheResponses = cacheResponses
        self.maxAttempts = maxAttempts
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.local = local
        self.databaseURL = databaseURL
        self.postgresEnvironment = postgresEnvironment
        self.objectStoreURL = objectStoreURL
        self.awsEnvironment = awsEnvironment
        self.speech = speech
        self.embeddings = embeddings
    }

    /// The SQLite database of the embedded store.
    public var databasePath: String { "\(dataDirectory)/chatbot.sqlite" }
    /// The filesystem object store of the embedded store.
    public var objectsDirectory: String { "\(dataDirectory)/objects" }
}

extension ChatbotSettings {
    /// Resolves an alias or `provider:model` (or a bare provider name, meaning its default model)
    /// to a model reference. Aliases may point at other aliases, up to a small depth.
    public func resolveModel(_ name: String) throws -> ModelReference {
        var current = name
        for _ in 0..<8 {
            if let target = aliases[current] {
                current = target
                continue
            }
            if let reference = ModelReference(parsing: current) {
                guard providers[reference.provider] != nil else {
                    throw ChatbotError(
                        .usage, "unknown provider '\(reference.provider)' in model '\(name)'",
                        hint: "known providers: \(providers.keys.sorted().joined(separator: ", "))")
                }
                return reference
            }
            if let provider = providers[current] {
                guard let model = provider.defaultModel else {
                    throw ChatbotError(
                        .usage, "provider '\(current)' has no default model",
                        hint: "name one as \(current):MODEL, or set providers.\(current).default_model")
                }
                return ModelReference(provider: current, model: model)
            }
            throw ChatbotError(
                .usage, "unknown model '\(name)'",
                hint: "use an alias (\(aliases.keys.sorted().joined(separator: ", "))) or provider:model")
        }
        throw ChatbotError(.usage, "alias '\(name)' refers to itself in a loop")
    }

    /// The endpoint to call for a provider.
    public func endpoint(for providerName: String) throws -> ProviderEndpoint {
        guard let provider = providers[providerName] else {
            throw ChatbotError(.usage, "unknown provider '\(providerName)'")
        }
        let baseURL: String
        if provider.isManagedLocal {
            baseURL = provider.baseURL ?? local.chatBaseURL
        } else if let configured = provider.baseURL {
            baseURL = configured
        } else {
            throw ChatbotError(
                .usage, "provider '\(providerName)' has no base URL",
                hint:
                    "set providers.\(providerName).base_url in \(configFile) or CHATBOT_PROVIDERS_\(providerName.uppercased())_BASE_URL"
            )
        }
        return ProviderEndpoint(
            name: providerName,
            baseURL: baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL,
            apiKey: provider.apiKey,
            headers: provider.headers,
            defaultModel: provider.defaultModel,
            isManagedLocal: provider.isManagedLocal && provider.baseURL == nil
        )
    }

    /// The models to try, in order: the chosen one, then the fallback chain (duplicates dropped).
    public func modelChain(primary: String) throws -> [ModelReference] {
        var chain: [ModelReference] = []
        for name in [primary] + fallback {
            let reference = try resolveModel(name)
            if !chain.contains(reference) { chain.append(reference) }
        }
        return chain
    }
}
