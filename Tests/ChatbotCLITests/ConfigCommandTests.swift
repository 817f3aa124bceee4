import Foundation
import Testing

@Suite("chatbot config")
struct ConfigCommandTests {
    @Test("show never prints an API key, but says where it comes from")
    func redacts() async throws {
        try await CLISandbox.with { sandbox in
            let secret = "sk-secret-123"
            let environment = ["OPENAI_API_KEY": secret]
            let text = try await sandbox.run("config", "show", environment: environment)
            #expect(text.exitCode == 0, "\(text)")
            #expect(!text.stdout.contains(secret))
            #expect(!text.stderr.contains(secret))
            #expect(text.stdout.contains("redacted"))
            #expect(text.stdout.contains("OPENAI_API_KEY"))

            let json = try await sandbox.run("config", "show", "--json", environment: environment)
            #expect(json.exitCode == 0, "\(json)")
            #expect(!json.stdout.contains(secret))
            #expect(try json.jsonObject().isEmpty == false)

            let unset = try await sandbox.run("config", "show")
            #expect(unset.stdout.contains("OPENAI_API_KEY is not set"))
        }
    }

    @Test("show reflects the config file and the environment")
    func showsEffectiveValues() async throws {
        try await CLISandbox.with { sandbox in
            try sandbox.writeConfig(
                "model: from-yaml-file\nproviders:\n  corp: {base_url: \"https://corp.example/v1\"}\n")
            let fromFile = try await sandbox.run("config", "show")
            #expect(fromFile.exitCode == 0, "\(fromFile)")
            #expect(fromFile.stdout.contains("from-yaml-file"))
            #expect(fromFile.stdout.contains("https://corp.example/v1"))
            let fromEnvironment = try await sandbox.run(
                "config", "show", environment: ["CHATBOT_MODEL": "from-environment"])
            #expect(fromEnvironment.stdout.contains("from-environment"))
            #expect(!fromEnvironment.stdout.contains("from-yaml-file"))
        }
    }

    @Test("init writes a file that show loads; a second init needs --force")
    func initialises() async throws {
        try await CLISandbox.with { sandbox in
            let path = try await sandbox.run("config", "path")
            #expect(path.stdout == sandbox.configPath + "\n")

            let first = try await sandbox.run("config", "init")
            #expect(first.exitCode == 0, "\(first)")
            #expect(FileManager.default.fileExists(atPath: sandbox.configPath))
            let written = try String(contentsOfFile: sandbox.configPath, encoding: .utf8)
            #expect(written.contains("providers:"))

            let show = try await sandbox.run("config", "show", "--json")
            #expect(show.exitCode == 0, "\(show)")
            // The template defines the alias `fast`; it is only known if the file was loaded.
            #expect(show.stdout.contains("fast"))
            #expect(show.stdout.contains("gpt-4o-mini"))

            let second = try await sandbox.run("config", "init")
            #expect(second.exitCode == 64, "\(second)")
            #expect(second.stderr.contains("--force"))
            let forced = try await sandbox.run("config", "init", "--force")
            #expect(forced.exitCode == 0, "\(forced)")
        }
    }

    @Test("an invalid config file is a usage error naming the file")
    func invalidFile() async throws {
        try await CLISandbox.with { sandbox in
            try sandbox.writeConfig("model: [unclosed\n")
            let result = try await sandbox.run("config", "show")
            #expect(result.exitCode == 64, "\(result)")
            #expect(result.stderr.contains(sandbox.configPath))
        }
    }

    // Regression: a comments-only config file (all keys commented out) made every command exit 64.
    @Test("a comments-only config file is accepted")
    func commentsOnlyFile() async throws {
        try await CLISandbox.with { sandbox in
            try sandbox.writeConfig("# model: local\n# cache: true\n")
            let result = try await sandbox.run("config", "show")
            #expect(result.exitCode == 0, "\(result)")
        }
    }
}
