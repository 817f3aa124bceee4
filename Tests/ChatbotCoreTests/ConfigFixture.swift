import ChatbotCore
import Foundation

/// A temporary home with an optional config file, and a ``SettingsLoader`` over an injected
/// environment that points every XDG directory inside it.
struct ConfigFixture: Sendable {
    let root: URL

    /// Creates the directory, runs `body`, and removes the directory afterwards.
    static func with<T: Sendable>(_ body: (ConfigFixture) async throws -> T) async throws -> T {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatbot-core-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        return try await body(ConfigFixture(root: root))
    }

    var home: String { root.appendingPathComponent("home").path }
    var configPath: String { root.appendingPathComponent("config/chatbot/config.yaml").path }

    /// The environment of a user whose XDG directories are all inside the fixture, plus `extra`.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = [
            "HOME": home,
            "XDG_CONFIG_HOME": root.appendingPathComponent("config").path,
            "XDG_DATA_HOME": root.appendingPathComponent("data").path,
            "XDG_STATE_HOME": root.appendingPathComponent("state").path,
        ]
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Writes `yaml` to the XDG config location.
    func writeConfig(_ yaml: String) throws {
        try FileManager.default.createDirectory(
            atPath: (configPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Loads settings with `yaml` (when given) as the config file.
    func load(
        yaml: String? = nil,
        environment extra: [String: String] = [:],
        overrides: [String: String] = [:]
    ) async throws -> ChatbotSettings {
        if let yaml { try writeConfig(yaml) }
        return try await SettingsLoader(environment: environment(extra), overrides: overrides).load()
    }
}
