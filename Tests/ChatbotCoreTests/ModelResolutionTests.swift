import ChatbotCore
import Foundation
import Testing

@Suite("Model names: aliases, provider:model, fallback chain, prices")
struct ModelResolutionTests {
    @Test("provider:model splits at the first colon only")
    func parsing() {
        #expect(
            ModelReference(parsing: "ollama:llama3.2:1b") == ModelReference(provider: "ollama", model: "llama3.2:1b"))
        #expect(ModelReference(parsing: "plain") == nil)
        #expect(ModelReference(parsing: ":model") == nil)
        #expect(ModelReference(parsing: "provider:") == nil)
        #expect(ModelReference(provider: "a", model: "b").description == "a:b")
    }

    @Test("aliases resolve, also through other aliases")
    func aliases() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load(
                yaml: """
                    aliases:
                      fast: quick
                      quick: "openai:gpt-4o"
                      default-openai: openai
                    """)
            #expect(try settings.resolveModel("fast") == ModelReference(provider: "openai", model: "gpt-4o"))
            #expect(try settings.resolveModel("quick") == ModelReference(provider: "openai", model: "gpt-4o"))
            #expect(
                try settings.resolveModel("default-openai") == ModelReference(provider: "openai", model: "gpt-4o-mini"))
        }
    }

    @Test("an alias loop is a usage error, not a hang")
    func aliasLoop() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load(yaml: "aliases: {a: b, b: c, c: a}\n")
            let error = try #require(throws: ChatbotError.self) { try settings.resolveModel("a") }
            #expect(error.kind == .usage)
            #expect(error.message.contains("loop"))
        }
    }

    @Test("an unknown provider, model or default is a usage error")
    func unknownNames() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load()
            let unknownProvider = try #require(throws: ChatbotError.self) {
                try settings.resolveModel("nosuchprovider:x")
            }
            #expect(unknownProvider.kind == .usage)
            #expect(unknownProvider.message.contains("nosuchprovider"))
            #expect(unknownProvider.hint?.contains("openai") == true)

            let unknownModel = try #require(throws: ChatbotError.self) { try settings.resolveModel("gibberish") }
            #expect(unknownModel.kind == .usage)

            // ollama has no default model: naming only the provider must say so.
            let noDefault = try #require(throws: ChatbotError.self) { try settings.resolveModel("ollama") }
            #expect(noDefault.kind == .usage)
            #expect(noDefault.message.contains("default model"))

            #expect(throws: ChatbotError.self) { try settings.endpoint(for: "nosuchprovider") }
        }
    }

    @Test("the model chain is the primary then the fallbacks, without duplicates")
    func modelChain() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load(
                yaml: """
                    aliases: {small: "local:SmolLM2-135M-Instruct"}
                    fallback: [small, "openai:gpt-4o-mini", local, openai]
                    """)
            #expect(
                try settings.modelChain(primary: "local") == [
                    ModelReference(provider: "local", model: "SmolLM2-135M-Instruct"),
                    ModelReference(provider: "openai", model: "gpt-4o-mini"),
                ])
            #expect(
                try settings.modelChain(primary: "openai:gpt-4o") == [
                    ModelReference(provider: "openai", model: "gpt-4o"),
                    ModelReference(provider: "local", model: "SmolLM2-135M-Instruct"),
                    ModelReference(provider: "openai", model: "gpt-4o-mini"),
                ])

            try fixture.writeConfig("fallback: [nosuch:model]\n")
            let broken = try await SettingsLoader(environment: fixture.environment()).load()
            #expect(throws: ChatbotError.self) { try broken.modelChain(primary: "local") }
        }
    }

    @Test("prices are parsed (numbers or numeric strings) and turn usage into USD")
    func prices() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load(
                yaml: """
                    prices:
                      "fake:m": {input: 1.5, output: 2}
                      gpt-4o-mini: {input: "0.15", output: 0.6}
                    """)
            let fake = try #require(settings.prices["fake:m"])
            #expect(fake == ModelPrice(inputPerMillion: 1.5, outputPerMillion: 2))
            #expect(fake.cost(of: ChatUsage(promptTokens: 1_000_000, completionTokens: 500_000)) == 2.5)
            #expect(fake.cost(of: ChatUsage(promptTokens: 0, completionTokens: 0)) == 0)
            let mini = try #require(settings.prices["gpt-4o-mini"])
            #expect(abs(mini.cost(of: ChatUsage(promptTokens: 2000, completionTokens: 1000)) - 0.0009) < 1e-12)
        }
    }

    @Test("a price without numeric input and output is a usage error")
    func badPrice() async throws {
        try await ConfigFixture.with { fixture in
            try fixture.writeConfig("prices:\n  m: {input: cheap, output: 1}\n")
            let error = try await #require(throws: ChatbotError.self) {
                try await SettingsLoader(environment: fixture.environment()).load()
            }
            #expect(error.kind == .usage)
            #expect(error.message.contains("'m'"))
        }
    }

    @Test("error kinds map to the documented exit codes")
    func exitCodes() {
        let expected: [(ChatbotError.Kind, Int32)] = [
            (.runtime, 1), (.partial, 2), (.usage, 64), (.unavailable, 69), (.temporary, 75), (.interrupted, 130),
            (.notFound, 1), (.conflict, 1),
        ]
        for (kind, code) in expected { #expect(kind.exitCode == code, "\(kind)") }
        #expect(ChatbotError(.usage, "bad", hint: "fix it").description == "bad\nhint: fix it")
    }
}
