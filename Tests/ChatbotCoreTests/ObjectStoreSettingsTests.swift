import ChatbotCore
import Testing

@Suite("Object store settings")
struct ObjectStoreSettingsTests {
    @Test("no object_store means the filesystem store under the data directory")
    func defaultIsFilesystem() async throws {
        try await ConfigFixture.with { fixture in
            let settings = try await fixture.load()
            #expect(settings.objectStoreURL == nil)
            #expect(settings.objectsDirectory.hasSuffix("/chatbot/objects"))
        }
    }

    @Test("object_store: flag > CHATBOT_OBJECT_STORE > YAML; only AWS variables are kept")
    func precedenceAndCredentials() async throws {
        try await ConfigFixture.with { fixture in
            let yaml = "object_store: s3://from-yaml/p\n"
            let fromYAML = try await fixture.load(yaml: yaml)
            #expect(fromYAML.objectStoreURL == "s3://from-yaml/p")

            let environment = [
                "CHATBOT_OBJECT_STORE": "s3://from-env/p", "AWS_ACCESS_KEY_ID": "AKIA1",
                "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "eu-west-1", "UNRELATED": "x",
            ]
            let fromEnvironment = try await fixture.load(environment: environment)
            #expect(fromEnvironment.objectStoreURL == "s3://from-env/p")
            #expect(
                fromEnvironment.awsEnvironment
                    == ["AWS_ACCESS_KEY_ID": "AKIA1", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "eu-west-1"])

            let fromFlag = try await fixture.load(
                environment: environment, overrides: ["object_store": "s3://from-flag/p"])
            #expect(fromFlag.objectStoreURL == "s3://from-flag/p")
        }
    }
}
