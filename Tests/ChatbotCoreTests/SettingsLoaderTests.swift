import ChatbotCore
import Foundation
import Testing

@Suite("SettingsLoader: flags > CHATBOT_* environment > YAML > defaults")
struct SettingsLoaderTests {
    @Test("the default model is the local alias, which resolves to the managed local server")
    func defaults() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load()
            #expect(settings.defaultModel == "local")
            #expect(
                try settings.resolveModel("local") == ModelReference(provider: "local", model: "SmolLM2-135M-Instruct"))
            #expect(settings.fallback.isEmpty)
            #expect(settings.cacheResponses == false)
            #expect(settings.maxAttempts == 3)
            #expect(settings.connectTimeout == 10)
            #expect(settings.idleTimeout == 60)
            #expect(settings.limits == LimitSettings())
            #expect(settings.limits.keyRequestsPerMinute == 600)
            #expect(settings.configFile == fixture.configPath)
            let local = try settings.endpoint(for: "local")
            #expect(local.isManagedLocal)
            #expect(local.baseURL == "http://127.0.0.1:8411/v1")
            #expect(Set(settings.providers.keys) == Set(ProviderPreset.all.map(\.name)))
        }
    }

    @Test("limits: tokens a minute, streams, budgets per user, per role and for the command line; bad ones refused")
    func budgets() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load(
                yaml: """
                    limits:
                      key_tpm: 20000
                      user_streams: 3
                      user_budget: {cost: 20}
                      roles:
                        viewer: {user_rpm: 60, user_streams: 1, user_budget: {tokens: 1000, period: day}}
                    budget: {cost: 5, tokens: 200000, period: day}
                    """)
            #expect(settings.limits.keyTokensPerMinute == 20_000)
            #expect(settings.limits.userStreams == 3)
            #expect(settings.limits.userBudget == Budget(cost: 20, period: .month))
            #expect(
                settings.limits.roles["viewer"]
                    == RoleLimits(
                        userRequestsPerMinute: 60, userStreams: 1, userBudget: Budget(tokens: 1_000, period: .day)))
            #expect(settings.budget == Budget(cost: 5, tokens: 200_000, period: .day))
            #expect(try await fixture.load(yaml: "model: x").budget == nil)
            #expect(try await fixture.load(yaml: "model: x").limits.userStreams == 8)

            for yaml in [
                "budget: {cost: 5, period: week}", "budget: {tokens: -1}",
                "limits: {roles: {owner: {user_rpm: 1}}}",
            ] {
                await #expect(throws: ChatbotError.self, "\(yaml)") { _ = try await fixture.load(yaml: yaml) }
            }
        }
    }

    @Test(
        "model precedence",
        arguments: [
            (override: "from-flag", environment: "from-env", yaml: "from-yaml", expected: "from-flag"),
            (override: nil, environment: "from-env", yaml: "from-yaml", expected: "from-env"),
            (override: nil, environment: nil, yaml: "from-yaml", expected: "from-yaml"),
            (override: nil, environment: nil, yaml: nil, expected: "local"),
        ] as [(override: String?, environment: String?, yaml: String?, expected: String)]
    )
    func modelPrecedence(override: String?, environment: String?, yaml: String?, expected: String) async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load(
                yaml: yaml.map { "model: \($0)\n" } ?? "cache: false\n",
                environment: environment.map { ["CHATBOT_MODEL": $0] } ?? [:],
                overrides: override.map { ["model": $0] } ?? [:])
            #expect(settings.defaultModel == expected)
        }
    }

    @Test("scalar keys from YAML and their CHATBOT_* spellings")
    func scalars() async throws {
        try await ConfigFixture.with { fixture in
            let yaml = """
                cache: true
                retries: 0
                timeouts: {connect: 2.5, idle: 7}
                data_dir: /srv/chatbot
                local: {chat_port: 18123, prefix: /opt/stack}
                limits: {key_rpm: 30, user_rpm: 0}
                """
            let fromYAML = try await fixture.load(yaml: yaml)
            #expect(
                fromYAML.limits
                    == LimitSettings(
                        keyRequestsPerMinute: 30, userRequestsPerMinute: 0, anonymousRequestsPerMinute: 120))
            #expect(fromYAML.cacheResponses)
            #expect(fromYAML.maxAttempts == 1)
            #expect(fromYAML.connectTimeout == 2.5)
            #expect(fromYAML.idleTimeout == 7)
            #expect(fromYAML.dataDirectory == "/srv/chatbot")
            #expect(fromYAML.databasePath == "/srv/chatbot/chatbot.sqlite")
            #expect(fromYAML.local.chatPort == 18123)
            #expect(fromYAML.local.prefix == "/opt/stack")
            #expect(fromYAML.local.chatModelFile == "/opt/stack/models/SmolLM2-135M-Instruct.Q4_1.gguf")
            #expect(try fromYAML.endpoint(for: "local").baseURL == "http://127.0.0.1:18123/v1")

            let fromEnvironment = try await SettingsLoader(
                environment: fixture.environment([
                    "CHATBOT_LOCAL_CHAT_PORT": "18124", "CHATBOT_RETRIES": "4", "CHATBOT_LOCAL_PREFIX": "/env/stack",
                    "CHATBOT_LIMITS_IP_RPM": "5",
                ]),
                overrides: ["data_dir": "/flag/dir"]
            ).load()
            #expect(fromEnvironment.local.chatPort == 18124)
            #expect(fromEnvironment.limits.anonymousRequestsPerMinute == 5)
            #expect(fromEnvironment.maxAttempts == 5)
            #expect(fromEnvironment.local.prefix == "/env/stack")
            #expect(fromEnvironment.dataDirectory == "/flag/dir")
        }
    }

    // The file's values are typed when they are read (the document is composed untyped, see
    // YAMLConfigProvider): YAML 1.1's spellings of booleans and numbers, but a quoted one stays text.
    @Test("values from the file: YAML's booleans and numbers unquoted, lists, nested keys; quoted ones are text")
    func yamlTyping() async throws {
        try await ConfigFixture.with { fixture in
            let spelled = try await fixture.load(
                yaml: """
                    cache: yes
                    retries: 0x3
                    timeouts:
                      connect: 1_000.5
                      idle: 2e1
                    fallback: [openai, "local:tiny", 7]
                    providers:
                      acme:
                        base_url: "http://127.0.0.1:9/v1"
                        headers: ["X-Team: blue"]
                    embeddings: {input_type: off}
                    """)
            #expect(spelled.cacheResponses)
            #expect(spelled.maxAttempts == 4)
            #expect(spelled.connectTimeout == 1000.5)
            #expect(spelled.idleTimeout == 20)
            #expect(spelled.fallback == ["openai", "local:tiny", "7"])
            #expect(spelled.providers["acme"]?.baseURL == "http://127.0.0.1:9/v1")
            #expect(spelled.providers["acme"]?.headers == ["X-Team": "blue"])
            #expect(spelled.embeddings.sendsInputType == false)

            // Quoted, a boolean or a number is a string: the reader falls back to the default,
            // as for any value of the wrong type.
            let quoted = try await fixture.load(yaml: "cache: \"true\"\nretries: '5'\ntimeouts: {connect: abc}\n")
            #expect(quoted.cacheResponses == false)
            #expect(quoted.maxAttempts == 3)
            #expect(quoted.connectTimeout == 10)

            // A list where one value is expected is not read; a mapping inside a list is refused.
            #expect(try await fixture.load(yaml: "model: [a, b]\n").defaultModel == "local")
            let error = try await #require(throws: ChatbotError.self) {
                try await fixture.load(yaml: "fallback: [{x: 1}]\n")
            }
            #expect(error.kind == .usage)
            #expect(error.message.contains("item 0 of 'fallback'"))
        }
    }

    @Test("XDG directories: environment values when absolute, else the specification's defaults under HOME")
    func xdgDefaults() async throws {
        let explicit = XDGDirectories(environment: [
            "HOME": "/home/ann", "XDG_CONFIG_HOME": "/cfg", "XDG_DATA_HOME": "/data", "XDG_STATE_HOME": "/state",
            "XDG_CACHE_HOME": "/cache",
        ])
        #expect(explicit.configHome == "/cfg")
        #expect(explicit.dataHome == "/data")
        #expect(explicit.stateHome == "/state")
        #expect(explicit.cacheHome == "/cache")

        let defaults = XDGDirectories(environment: ["HOME": "/home/ann", "XDG_DATA_HOME": "relative/ignored"])
        #expect(defaults.configHome == "/home/ann/.config")
        #expect(defaults.dataHome == "/home/ann/.local/share")
        #expect(defaults.stateHome == "/home/ann/.local/state")
        #expect(defaults.cacheHome == "/home/ann/.cache")

        let settings = try await SettingsLoader(environment: ["HOME": "/home/ann"]).load()
        #expect(settings.configFile == "/home/ann/.config/chatbot/config.yaml")
        #expect(settings.dataDirectory == "/home/ann/.local/share/chatbot")
        #expect(settings.local.prefix == "/home/ann/.local/share/chatbot/local")
        #expect(settings.local.stateDirectory == "/home/ann/.local/state/chatbot")
    }

    @Test("CHATBOT_CONFIG and an explicit path choose the config file")
    func configFileLocation() async throws {
        try await ConfigFixture.with { fixture in
            let other = fixture.root.appendingPathComponent("elsewhere.yaml").path
            try "model: from-other-file\n".write(toFile: other, atomically: true, encoding: .utf8)
            try fixture.writeConfig("model: from-xdg-file\n")

            let viaEnvironment = SettingsLoader(environment: fixture.environment(["CHATBOT_CONFIG": other]))
            #expect(viaEnvironment.configFilePath == other)
            #expect(try await viaEnvironment.load().defaultModel == "from-other-file")

            let viaFlag = SettingsLoader(environment: fixture.environment(), configFile: other)
            #expect(try await viaFlag.load().defaultModel == "from-other-file")

            #expect(try await SettingsLoader(environment: fixture.environment()).load().defaultModel == "from-xdg-file")
        }
    }

    @Test("invalid YAML is a usage error that names the file")
    func invalidYAML() async throws {
        try await ConfigFixture.with { fixture in
            for text in ["model: [unclosed\n", "- just\n- a list\n"] {
                try fixture.writeConfig(text)
                let error = try await #require(throws: ChatbotError.self) {
                    try await SettingsLoader(environment: fixture.environment()).load()
                }
                #expect(error.kind == .usage)
                #expect(error.kind.exitCode == 64)
                #expect(error.message.contains(fixture.configPath))
            }
        }
    }

    // Regression: the YAML file provider rejected a file without a top-level mapping, so an empty
    // or comments-only config made every command exit 64.
    @Test("an empty or comments-only config file is the same as none", arguments: ["", "# model: x\n# cache: true\n"])
    func emptyFile(text: String) async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load(yaml: text, environment: ["CHATBOT_MODEL": "openai"])
            #expect(settings.defaultModel == "openai")
            #expect(settings.cacheResponses == false)
        }
    }
}
