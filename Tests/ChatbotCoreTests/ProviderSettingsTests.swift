import ChatbotCore
import Foundation
import Testing

@Suite("SettingsLoader: providers, keys and headers")
struct ProviderSettingsTests {
    @Test("custom providers from YAML are enumerated with their base URL and default model")
    func customProviders() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load(
                yaml: """
                    providers:
                      corp:
                        base_url: https://llm.corp.example/v1/
                        default_model: corp-large
                      fake: {base_url: "http://127.0.0.1:9/v1", default_model: m}
                    """)
            #expect(settings.providers["corp"] != nil)
            #expect(settings.providers["fake"] != nil)
            let corp = try settings.endpoint(for: "corp")
            #expect(corp.baseURL == "https://llm.corp.example/v1")  // trailing slash dropped
            #expect(corp.defaultModel == "corp-large")
            #expect(!corp.isManagedLocal)
            #expect(try settings.resolveModel("corp") == ModelReference(provider: "corp", model: "corp-large"))
            #expect(try settings.resolveModel("fake:other") == ModelReference(provider: "fake", model: "other"))
        }
    }

    @Test("CHATBOT_PROVIDERS_NAME_BASE_URL overrides the YAML base URL of a declared provider")
    func baseURLFromEnvironment() async throws {
        try await ConfigFixture.with { fixture in
            let yaml = "providers:\n  fake:\n    base_url: http://from-yaml.invalid/v1\n    default_model: m\n"
            let fromYAML = try await fixture.load(yaml: yaml)
            #expect(try fromYAML.endpoint(for: "fake").baseURL == "http://from-yaml.invalid/v1")

            let fromEnvironment = try await fixture.load(
                environment: ["CHATBOT_PROVIDERS_FAKE_BASE_URL": "http://127.0.0.1:4321/v1"])
            #expect(try fromEnvironment.endpoint(for: "fake").baseURL == "http://127.0.0.1:4321/v1")

            // A preset's URL can be replaced from the environment alone.
            let ollama = try await fixture.load(environment: [
                "CHATBOT_PROVIDERS_OLLAMA_BASE_URL": "http://gpu:11434/v1"
            ])
            #expect(try ollama.endpoint(for: "ollama").baseURL == "http://gpu:11434/v1")
        }
    }

    @Test("a provider declared without a base URL is a usage error naming both ways to set one")
    func missingBaseURL() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load(yaml: "providers:\n  bare: {default_model: x}\n")
            let error = try #require(throws: ChatbotError.self) { try settings.endpoint(for: "bare") }
            #expect(error.kind == .usage)
            #expect(error.hint?.contains("CHATBOT_PROVIDERS_BARE_BASE_URL") == true)
            // tgi is a preset without a URL too.
            #expect(throws: ChatbotError.self) { try settings.endpoint(for: "tgi") }
        }
    }

    @Test("the API key comes from the preset's variable, or from api_key_env")
    func apiKeys() async throws {
        try await ConfigFixture.with { fixture in
            let yaml = """
                providers:
                  corp: {base_url: "https://corp.example/v1", api_key_env: CORP_LLM_KEY}
                  inline: {base_url: "https://inline.example/v1", api_key: sk-inline}
                """
            let settings = try await fixture.load(
                yaml: yaml, environment: ["OPENAI_API_KEY": "sk-openai", "CORP_LLM_KEY": "corp-secret"])
            #expect(settings.providers["openai"]?.apiKey == "sk-openai")
            #expect(settings.providers["openai"]?.apiKeySource == "OPENAI_API_KEY")
            #expect(try settings.endpoint(for: "openai").apiKey == "sk-openai")
            #expect(settings.providers["corp"]?.apiKey == "corp-secret")
            #expect(settings.providers["corp"]?.apiKeySource == "CORP_LLM_KEY")
            #expect(settings.providers["inline"]?.apiKey == "sk-inline")
            #expect(settings.providers["inline"]?.apiKeySource == "config")

            let unset = try await fixture.load()
            #expect(unset.providers["openai"]?.apiKey == nil)
            #expect(unset.providers["openai"]?.apiKeySource == "OPENAI_API_KEY is not set")
            #expect(unset.providers["local"]?.apiKey == nil)
        }
    }

    @Test("a provider can be based on a preset under another name; an unknown preset is a usage error")
    func presets() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load(
                yaml: "providers:\n  work: {preset: openai, api_key_env: WORK_KEY}\n", environment: ["WORK_KEY": "w"])
            let work = try settings.endpoint(for: "work")
            #expect(work.baseURL == "https://api.openai.com/v1")
            #expect(work.defaultModel == "gpt-4o-mini")
            #expect(work.apiKey == "w")

            try fixture.writeConfig("providers:\n  odd: {preset: nosuchpreset}\n")
            let error = try await #require(throws: ChatbotError.self) {
                try await SettingsLoader(environment: fixture.environment()).load()
            }
            #expect(error.kind == .usage)
            #expect(error.message.contains("nosuchpreset"))
        }
    }

    @Test("headers are 'Name: value' lines; a line without a colon is a usage error")
    func headers() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load(
                yaml: """
                    providers:
                      corp:
                        base_url: https://corp.example/v1
                        headers:
                          - "X-Title: chatbot tests"
                          - "X-Trace:a:b "
                    """)
            let headers = try settings.endpoint(for: "corp").headers
            #expect(headers == ["X-Title": "chatbot tests", "X-Trace": "a:b"])

            try fixture.writeConfig(
                "providers:\n  corp:\n    base_url: https://corp.example/v1\n    headers: [NoColon]\n")
            let error = try await #require(throws: ChatbotError.self) {
                try await SettingsLoader(environment: fixture.environment()).load()
            }
            #expect(error.kind == .usage)
            #expect(error.message.contains("NoColon"))
        }
    }
}
