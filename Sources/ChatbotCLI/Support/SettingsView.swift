import ChatbotCore
import Foundation

/// The printable form of the settings: everything but secrets, which show only where they came from.
struct SettingsView: Encodable {
    struct Provider: Encodable {
        var preset: String?
        var baseUrl: String?
        var apiKey: String
        var headers: [String: String]
        var defaultModel: String?
        var managed: Bool
    }
    struct Price: Encodable {
        var input: Double
        var output: Double
    }
    struct Local: Encodable {
        var prefix: String
        var stateDir: String
        var chatPort: Int
        var chatModelFile: String
        var embeddingsPort: Int
        var speechPort: Int
    }

    var configFile: String
    var dataDir: String
    var databaseUrl: String?
    var objectStore: String?
    var awsCredentials: String
    var model: String
    var fallback: [String]
    var cache: Bool
    var retries: Int
    var timeouts: [String: Double]
    var aliases: [String: String]
    var providers: [String: Provider]
    var prices: [String: Price]
    var local: Local
    var limits: [String: Int]
    /// Budgets: `user` (limits.user_budget), `role.<role>` and `cli` (budget:), as summaries.
    var budgets: [String: String]

    init(_ settings: ChatbotSettings) {
        configFile = settings.configFile
        dataDir = settings.dataDirectory
        databaseUrl = settings.databaseURL.map(Self.redactedDatabaseURL)
        objectStore = settings.objectStoreURL
        awsCredentials =
            settings.awsEnvironment["AWS_ACCESS_KEY_ID"] == nil
            ? "none (AWS_ACCESS_KEY_ID is not set)" : "<redacted> (from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)"
        model = settings.defaultModel
        fallback = settings.fallback
        cache = settings.cacheResponses
        retries = settings.maxAttempts - 1
        timeouts = ["connect": settings.connectTimeout, "idle": settings.idleTimeout]
        aliases = settings.aliases
        providers = settings.providers.mapValues { provider in
            Provider(
                preset: provider.preset,
                baseUrl: provider.isManagedLocal ? (provider.baseURL ?? settings.local.chatBaseURL) : provider.baseURL,
                apiKey: Self.redacted(provider),
                headers: provider.headers.mapValues { Self.looksSecret($0) ? "<redacted>" : $0 },
                defaultModel: provider.defaultModel,
                managed: provider.isManagedLocal
            )
        }
        prices = settings.prices.mapValues { Price(input: $0.inputPerMillion, output: $0.outputPerMillion) }
        local = Local(
            prefix: settings.local.prefix, stateDir: settings.local.stateDirectory, chatPort: settings.local.chatPort,
            chatModelFile: settings.local.chatModelFile, embeddingsPort: settings.local.embeddingsPort,
            speechPort: settings.local.speechPort)
        limits = [
            "key_rpm": settings.limits.keyRequestsPerMinute, "user_rpm": settings.limits.userRequestsPerMinute,
            "ip_rpm": settings.limits.anonymousRequestsPerMinute, "key_tpm": settings.limits.keyTokensPerMinute,
            "user_streams": settings.limits.userStreams,
        ]
        var budgets: [String: String] = [:]
        if let budget = settings.limits.userBudget { budgets["user"] = budget.summary }
        for (role, limits) in settings.limits.roles {
            if let budget = limits.userBudget { budgets["role.\(role)"] = budget.summary }
        }
        if let budget = settings.budget { budgets["cli"] = budget.summary }
        self.budgets = budgets
    }

    private static func redacted(_ provider: ProviderSettings) -> String {
        guard provider.apiKey != nil else {
            return provider.apiKeySource.map { "none (\($0))" } ?? "none"
        }
        return "<redacted> (from \(provider.apiKeySource ?? "config"))"
    }

    /// A database URL without its password (an unparsable one is hidden whole).
    private static func redactedDatabaseURL(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "<redacted>" }
        if components.password != nil { components.password = "<redacted>" }
        if let items = components.queryItems, items.contains(where: { $0.name == "password" }) {
            components.queryItems = items.map {
                $0.name == "password" ? URLQueryItem(name: "password", value: "<redacted>") : $0
            }
        }
        return components.string ?? "<redacted>"
    }

    /// Header values that carry credentials (Authorization, *-Key, *Token*) are hidden too.
    private static func looksSecret(_ value: String) -> Bool {
        let lower = value.lowercased()
        return lower.hasPrefix("bearer ") || lower.hasPrefix("basic ") || value.count >= 24
    }

    /// A YAML rendering for people.
    var yaml: String {
        var lines: [String] = []
        func quote(_ text: String) -> String {
            text.isEmpty || text.contains(where: { ":#{}[],&*?|<>=!%@`'\"".contains($0) }) || text.hasPrefix(" ")
                ? "\"\(text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""
                : text
        }
        lines.append("# effective configuration; file: \(configFile)")
        lines.append("data_dir: \(quote(dataDir))")
        if let databaseUrl { lines.append("database_url: \(quote(databaseUrl))") }
        if let objectStore {
            lines.append("object_store: \(quote(objectStore))")
            lines.append("aws_credentials: \(quote(awsCredentials))")
        }
        lines.append("model: \(quote(model))")
        lines.append("fallback: [\(fallback.map(quote).joined(separator: ", "))]")
        lines.append("cache: \(cache)")
        lines.append("retries: \(retries)")
        lines.append("timeouts:")
        lines.append("  connect: \(timeouts["connect"] ?? 0)")
        lines.append("  idle: \(timeouts["idle"] ?? 0)")
        lines.append("aliases:")
        for (name, target) in aliases.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(quote(name)): \(quote(target))")
        }
        lines.append("providers:")
        for (name, provider) in providers.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(quote(name)):")
            if let preset = provider.preset { lines.append("    preset: \(preset)") }
            lines.append("    base_url: \(provider.baseUrl.map(quote) ?? "null")")
            lines.append("    api_key: \(quote(provider.apiKey))")
            if let model = provider.defaultModel { lines.append("    default_model: \(quote(model))") }
            if !provider.headers.isEmpty {
                lines.append("    headers:")
                for (key, value) in provider.headers.sorted(by: { $0.key < $1.key }) {
                    lines.append("      - \(quote("\(key): \(value)"))")
                }
            }
        }
        lines.append("prices:" + (prices.isEmpty ? " {}" : ""))
        for (model, price) in prices.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(quote(model)): {input: \(price.input), output: \(price.output)}")
        }
        lines.append("local:")
        lines.append("  prefix: \(quote(local.prefix))")
        lines.append("  state_dir: \(quote(local.stateDir))")
        lines.append("  chat_port: \(local.chatPort)")
        lines.append("  chat_model_file: \(quote(local.chatModelFile))")
        lines.append("  embeddings_port: \(local.embeddingsPort)")
        lines.append("  speech_port: \(local.speechPort)")
        lines.append("limits:")
        for name in ["key_rpm", "user_rpm", "ip_rpm", "key_tpm", "user_streams"] {
            lines.append("  \(name): \(limits[name] ?? 0)")
        }
        if !budgets.isEmpty {
            lines.append("budgets:")
            for (name, summary) in budgets.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(name): \(quote(summary))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
