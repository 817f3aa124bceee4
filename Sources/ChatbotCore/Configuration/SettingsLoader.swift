import Configuration
public import Foundation
import Yams

/// Builds ``ChatbotSettings`` from, in order of precedence: command-line flags, `CHATBOT_*`
/// environment variables, the YAML config file, and built-in defaults.
///
/// Keys are dotted paths (`providers.openai.base_url`); the environment spells them
/// `CHATBOT_PROVIDERS_OPENAI_BASE_URL`.
public struct SettingsLoader: Sendable {
    /// The process environment (injectable for tests).
    public var environment: [String: String]
    /// Values given on the command line, by key (`model`, `data_dir`, …).
    public var overrides: [String: String]
    /// An explicit config file (`--config`); otherwise `CHATBOT_CONFIG`, then the XDG location.
    public var configFile: String?

    /// Creates a loader.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        overrides: [String: String] = [:],
        configFile: String? = nil
    ) {
        self.environment = environment
        self.overrides = overrides
        self.configFile = configFile
    }

    /// The config file this loader reads.
    public var configFilePath: String {
        if let configFile { return configFile }
        if let path = environment["CHATBOT_CONFIG"], !path.isEmpty { return path }
        return "\(XDGDirectories(environment: environment).configHome)/chatbot/config.yaml"
    }

    /// Reads every source and returns the merged settings.
    public func load() async throws -> ChatbotSettings {
        let path = configFilePath
        let yamlDocument = try readYAMLDocument(at: path)
        let reader = try makeReader(configFile: path, document: yamlDocument)
        let xdg = XDGDirectories(environment: environment)

        let dataDirectory = reader.string(forKey: "data_dir", default: "\(xdg.dataHome)/chatbot")
        let localPrefix = reader.string(forKey: "local.prefix", default: "\(xdg.dataHome)/chatbot/local")
        let local = LocalStackSettings(
            prefix: localPrefix,
            chatPort: reader.int(forKey: "local.chat_port", default: 8411),
            chatModelFile: reader.string(forKey: "local.chat_model_file"),
            chatContext: reader.int(forKey: "local.chat_context", default: 16384),
            embeddingsPort: reader.int(forKey: "local.embeddings_port", default: 8412),
            speechPort: reader.int(forKey: "local.speech_port", default: 8413),
            stateDirectory: reader.string(forKey: "local.state_dir", default: "\(xdg.stateHome)/chatbot")
        )

        var providers: [String: ProviderSettings] = [:]
        let configuredNames = Self.mappingKeys(yamlDocument?["providers"])
        let providerNames = Set(ProviderPreset.all.map(\.name)).union(configuredNames)
        for name in providerNames {
            providers[name] = try provider(named: name, reader: reader.scoped(to: ConfigKey(["providers", name])))
        }

        var aliases: [String: String] = ["local": "local:\(LocalStackSettings.defaultChatModel)"]
        for name in Self.mappingKeys(yamlDocument?["aliases"]) {
            if let target = reader.string(forKey: ConfigKey(["aliases", name])) { aliases[name] = target }
        }

        var settings = ChatbotSettings(
            configFile: path,
            dataDirectory: dataDirectory,
            defaultModel: reader.string(forKey: "model", default: "local"),
            fallback: reader.stringArray(forKey: "fallback", default: []),
            aliases: aliases,
            providers: providers,
            prices: try Self.prices(yamlDocument?["prices"], file: path),
            cacheResponses: reader.bool(forKey: "cache", default: false),
            maxAttempts: max(1, reader.int(forKey: "retries", default: 2) + 1),
            connectTimeout: reader.double(forKey: "timeouts.connect", default: 10),
            idleTimeout: reader.double(forKey: "timeouts.idle", default: 60),
            local: local,
            databaseURL: reader.string(forKey: "database_url", isSecret: true).flatMap { $0.isEmpty ? nil : $0 },
            postgresEnvironment: environment.filter { Self.postgresVariables.contains($0.key) },
            objectStoreURL: reader.string(forKey: "object_store").flatMap { $0.isEmpty ? nil : $0 },
            awsEnvironment: environment.filter { Self.awsVariables.contains($0.key) },
            speech: try speechSettings(reader, file: path),
            embeddings: embeddingSettings(reader)
        )
        settings.remote = reader.string(forKey: "remote").flatMap { $0.isEmpty ? nil : $0 }
        let limits = LimitSettings()
        settings.limits = LimitSettings(
            keyRequestsPerMinute: reader.int(forKey: "limits.key_rpm", default: limits.keyRequestsPerMinute),
            userRequestsPerMinute: reader.int(forKey: "limits.user_rpm", default: limits.userRequestsPerMinute),
            anonymousRequestsPerMinute: reader.int(forKey: "limits.ip_rpm", default: limits.anonymousRequestsPerMinute))
        settings.limits.keyTokensPerMinute = max(0, reader.int(forKey: "limits.key_tpm", default: 0))
        settings.limits.userStreams = max(0, reader.int(forKey: "limits.user_streams", default: limits.userStreams))
        settings.limits.userBudget = try Self.budget(reader, "limits.user_budget", file: path)
        for role in Self.mappingKeys(yamlDocument?["limits"]?["roles"]) {
            let prefix = "limits.roles.\(role)"
            guard ["admin", "member", "viewer"].contains(role) else {
                throw ChatbotError(.usage, "\(prefix) in \(path) names no role (admin, member, viewer)")
            }
            settings.limits.roles[role] = RoleLimits(
                userRequestsPerMinute: reader.int(forKey: ConfigKey(["limits", "roles", role, "user_rpm"])),
                userStreams: reader.int(forKey: ConfigKey(["limits", "roles", role, "user_streams"])),
                userBudget: try Self.budget(reader, "\(prefix).user_budget", file: path))
        }
        settings.budget = try Self.budget(reader, "budget", file: path)
        return settings
    }

    /// `<prefix>.cost`, `.tokens` and `.period` (`day` or `month`, default `month`), or nil when
    /// neither amount is set.
    private static func budget(_ reader: ConfigReader, _ prefix: String, file: String) throws -> Budget? {
        let path = prefix.split(separator: ".").map(String.init)
        return try Budget.parse(
            cost: reader.double(forKey: ConfigKey(path + ["cost"])),
            tokens: reader.int(forKey: ConfigKey(path + ["tokens"])),
            period: reader.string(forKey: ConfigKey(path + ["period"]))
        ) { "\(prefix).\($0) in \(file)" }
    }

    private func embeddingSettings(_ reader: ConfigReader) -> EmbeddingSettings {
        let defaults = EmbeddingSettings()
        return EmbeddingSettings(
            provider: reader.string(forKey: "embeddings.provider", default: defaults.provider),
            model: reader.string(forKey: "embeddings.model").flatMap { $0.isEmpty ? nil : $0 },
            baseURL: reader.string(forKey: "embeddings.base_url").flatMap { $0.isEmpty ? nil : $0 },
            batchSize: max(1, reader.int(forKey: "embeddings.batch_size", default: defaults.batchSize)),
            sendsInputType: reader.bool(forKey: "embeddings.input_type"))
    }

    private func speechSettings(_ reader: ConfigReader, file: String) throws -> SpeechSettings {
        var wireProtocol: SpeechSettings.WireProtocol?
        if let name = reader.string(forKey: "speech.protocol"), !name.isEmpty {
            guard let parsed = SpeechSettings.WireProtocol(rawValue: name) else {
                throw ChatbotError(
                    .usage, "speech.protocol '\(name)' in \(file) is not openai or huggingface",
                    hint: "set speech.protocol (CHATBOT_SPEECH_PROTOCOL) to openai or huggingface")
            }
            wireProtocol = parsed
        }
        let defaults = SpeechSettings()
        return SpeechSettings(
            provider: reader.string(forKey: "speech.provider", default: defaults.provider),
            wireProtocol: wireProtocol,
            model: reader.string(forKey: "speech.model").flatMap { $0.isEmpty ? nil : $0 },
            baseURL: reader.string(forKey: "speech.base_url").flatMap { $0.isEmpty ? nil : $0 },
            windowSeconds: reader.double(forKey: "speech.window_seconds").map { max(1, $0) },
            uploadLimitBytes: max(
                64 * 1024,
                Int(reader.double(forKey: "speech.upload_limit_mb", default: 25) * 1_000_000)),
            parallelRequests: max(1, reader.int(forKey: "speech.parallel", default: defaults.parallelRequests)),
            language: reader.string(forKey: "speech.language").flatMap { $0.isEmpty ? nil : $0 }
        )
    }

    /// The AWS environment variables the S3 object store reads.
    static let awsVariables: Set<String> = [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION",
    ]

    /// The libpq environment variables a database URL may leave to the environment.
    static let postgresVariables: Set<String> = ["PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE"]

    private func makeReader(configFile path: String, document: Node.Mapping?) throws -> ConfigReader {
        var flagValues: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in overrides {
            flagValues[AbsoluteConfigKey(ConfigKey(key).components)] = ConfigValue(
                .string(value), isSecret: key.hasSuffix("api_key") || key == "database_url")
        }
        let environmentProvider = EnvironmentVariablesProvider(
            environmentVariables: environment,
            secretsSpecifier: .dynamic { name, _ in
                name.hasSuffix("_API_KEY") || name.hasSuffix("_TOKEN") || name == "CHATBOT_DATABASE_URL"
            }
        ).prefixKeys(with: "chatbot")
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: flagValues), environmentProvider,
        ]
        guard let document else { return ConfigReader(providers: providers) }
        do {
            providers.append(
                try YAMLConfigProvider(mapping: document, name: "file") { key in
                    key.hasSuffix("api_key") || key == "database_url"
                })
        } catch {
            throw ChatbotError(
                .usage, "cannot read config file \(path): \(error)",
                hint: "fix the YAML, or write a fresh configuration file", reason: .invalidConfigFile)
        }
        return ConfigReader(providers: providers)
    }

    private func provider(named name: String, reader: ConfigReader) throws -> ProviderSettings {
        let presetName = reader.string(forKey: "preset") ?? (ProviderPreset.named(name) != nil ? name : nil)
        var preset: ProviderPreset?
        if let presetName {
            guard let found = ProviderPreset.named(presetName) else {
                throw ChatbotError(
                    .usage, "provider '\(name)' uses unknown preset '\(presetName)'",
                    hint: "presets: \(ProviderPreset.all.map(\.name).joined(separator: ", "))")
            }
            preset = found
        }
        var apiKey = reader.string(forKey: "api_key", isSecret: true)
        var apiKeySource: String? = apiKey == nil ? nil : "config"
        let keyVariable = reader.string(forKey: "api_key_env") ?? preset?.apiKeyEnvironmentVariable
        if apiKey == nil, let keyVariable, let value = environment[keyVariable], !value.isEmpty {
            apiKey = value
            apiKeySource = keyVariable
        }
        var headers: [String: String] = [:]
        for line in reader.stringArray(forKey: "headers", default: []) {
            guard let colon = line.firstIndex(of: ":") else {
                throw ChatbotError(.usage, "header '\(line)' of provider '\(name)' is not 'Name: value'")
            }
            headers[line[..<colon].trimmingCharacters(in: .whitespaces)] =
                line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let isLocal = preset?.name == "local"
        return ProviderSettings(
            name: name,
            preset: preset?.name,
            baseURL: reader.string(forKey: "base_url") ?? preset?.baseURL,
            apiKey: apiKey,
            apiKeySource: apiKeySource ?? keyVariable.map { "\($0) is not set" },
            headers: headers,
            defaultModel: reader.string(forKey: "default_model") ?? preset?.defaultModel,
            isManagedLocal: isLocal
        )
    }

    /// The config file's top-level mapping (empty for an empty or comments-only file), or nil when
    /// there is no file. The names under `providers`, `aliases`, `limits.roles` and `prices` are
    /// read from it here; the values come through the reader (``YAMLConfigProvider``). The nodes are
    /// composed with the basic resolver, which leaves scalars untyped: Yams' default one compiles
    /// regular expressions on first use, which cost more than the rest of the settings together,
    /// and loading would build `Any` values besides.
    private func readYAMLDocument(at path: String) throws -> Node.Mapping? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ChatbotError(.usage, "config file \(path) is not UTF-8 text")
        }
        do {
            guard let root = try Yams.compose(yaml: text, .basic) else { return Node.Mapping([]) }
            guard case .mapping(let mapping) = root else {
                throw ChatbotError(.usage, "config file \(path) must be a YAML mapping (key: value lines)")
            }
            return mapping
        } catch let error as ChatbotError {
            throw error
        } catch {
            throw ChatbotError(
                .usage, "config file \(path) is not valid YAML: \(error)",
                hint: "fix the file, or write a fresh configuration file", reason: .invalidConfigFile)
        }
    }

    private static func mappingKeys(_ node: Node?) -> [String] {
        guard case .mapping(let mapping)? = node else { return [] }
        return mapping.keys.compactMap { $0.scalar?.string }.sorted()
    }

    private static func prices(_ node: Node?, file: String) throws -> [String: ModelPrice] {
        guard case .mapping(let mapping)? = node else { return [:] }
        var result: [String: ModelPrice] = [:]
        for (key, entry) in mapping {
            let model = key.scalar?.string ?? "\(key)"
            guard case .mapping(let fields) = entry,
                let input = number(fields["input"]), let output = number(fields["output"])
            else {
                throw ChatbotError(
                    .usage, "price of '\(model)' in \(file) needs numeric 'input' and 'output' (USD per million tokens)"
                )
            }
            result[model] = ModelPrice(inputPerMillion: input, outputPerMillion: output)
        }
        return result
    }

    /// A price: a YAML number, or a quoted one.
    private static func number(_ node: Node?) -> Double? {
        guard let scalar = node?.scalar else { return nil }
        return Double.construct(from: scalar) ?? Double(scalar.string)
    }
}
