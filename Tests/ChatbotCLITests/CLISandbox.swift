import ChatbotCore
import ChatbotTestSupport
import Foundation

/// A private home for one test: temporary XDG directories and HOME, a config file, and a runner
/// for the built `chatbot` binary with exactly this environment (nothing inherited but PATH).
struct CLISandbox: Sendable {
    /// The package root, derived from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `CHATBOT_BIN`, else the debug build.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["CHATBOT_BIN"], !path.isEmpty { return path }
        return packageRoot.appendingPathComponent(".build/debug/chatbot").path
    }

    /// The URL of a running llama-server for tests that need a real model (Scripts/test sets it).
    static var llamaURL: String? { ProcessInfo.processInfo.environment["CHATBOT_TEST_LLAMA_URL"] }
    /// The installed local stack, for the auto-start test (Scripts/test sets it).
    static var localPrefix: String? { ProcessInfo.processInfo.environment["CHATBOT_LOCAL_PREFIX"] }

    let root: URL
    /// Variables every run of this sandbox gets, on top of the XDG directories.
    var baseEnvironment: [String: String] = [:]

    /// Creates the directories, runs `body`, and removes them afterwards.
    static func with<T: Sendable>(_ body: (inout CLISandbox) async throws -> T) async throws -> T {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatbot-cli-tests-\(UUID().uuidString)", isDirectory: true)
        for name in ["home", "config", "data", "state"] {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(at: root) }
        var sandbox = CLISandbox(root: root)
        return try await body(&sandbox)
    }

    /// Runs `body` with a sandbox whose config declares the providers `fake` (answered by a
    /// ``FaultInjectingServer``) and, after `yaml`, anything else; `-m fake:m` picks the fake.
    static func withFake<T: Sendable>(
        _ yaml: String = "",
        defaultBehaviour: FaultInjectingServer.Behaviour = .stream(["Hello", ",", " world"]),
        _ body: (CLISandbox, FaultInjectingServer) async throws -> T
    ) async throws -> T {
        try await with { sandbox in
            try await FaultInjectingServer.withRunning(defaultBehaviour: defaultBehaviour) { server, baseURL in
                try sandbox.writeConfig(Self.fakeProviderYAML + yaml)
                sandbox.baseEnvironment["CHATBOT_PROVIDERS_FAKE_BASE_URL"] = baseURL
                return try await body(sandbox, server)
            }
        }
    }

    /// Declares the `fake` provider; its base URL comes from CHATBOT_PROVIDERS_FAKE_BASE_URL.
    static let fakeProviderYAML = """
        providers:
          fake: {base_url: "http://127.0.0.1:9/v1", default_model: m}

        """

    var configPath: String { root.appendingPathComponent("config/chatbot/config.yaml").path }
    var dataDirectory: String { root.appendingPathComponent("data/chatbot").path }
    var databasePath: String { "\(dataDirectory)/chatbot.sqlite" }
    var stateDirectory: String { root.appendingPathComponent("state/chatbot").path }

    /// The environment of a run: PATH, HOME and XDG directories inside the sandbox, the sandbox's
    /// base variables, then `extra`.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": root.appendingPathComponent("home").path,
            "XDG_CONFIG_HOME": root.appendingPathComponent("config").path,
            "XDG_DATA_HOME": root.appendingPathComponent("data").path,
            "XDG_STATE_HOME": root.appendingPathComponent("state").path,
            "LANG": "C.UTF-8",
        ]
        environment.merge(baseEnvironment) { _, new in new }
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Writes the XDG config file.
    func writeConfig(_ yaml: String) throws {
        try FileManager.default.createDirectory(
            atPath: (configPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Writes a file inside the sandbox and returns its path.
    func writeFile(_ name: String, _ contents: String) throws -> String {
        let path = root.appendingPathComponent(name).path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Starts `chatbot arguments…` and returns at once.
    func start(
        _ arguments: [String],
        environment extra: [String: String] = [:],
        stdin: CLIStandardInput = .null
    ) throws -> RunningCLI {
        try RunningCLI(binary: Self.binary, arguments: arguments, environment: environment(extra), stdin: stdin)
    }

    /// Runs `chatbot arguments…` to its end.
    func run(
        _ arguments: String...,
        environment extra: [String: String] = [:],
        stdin: CLIStandardInput = .null,
        timeout: Duration = .seconds(60)
    ) async throws -> CLIResult {
        try await start(arguments, environment: extra, stdin: stdin).finish(timeout: timeout)
    }

    /// The latest conversation as `history show --json` prints it: its messages.
    func latestMessages() async throws -> [[String: Any]] {
        let shown = try await run("history", "show", "--json")
        guard shown.exitCode == 0 else { throw CLITestError("history show failed: \(shown)") }
        return try shown.jsonObject()["messages"] as? [[String: Any]] ?? []
    }

    /// Runs `sqlite3 DATABASE SQL` (Scripts/setup installs the sqlite3 CLI).
    func sqlite(_ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", databasePath, sql]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CLITestError("sqlite3 failed for: \(sql)") }
    }
}

extension RecordedRequest {
    /// The messages of a recorded chat request as (role, content) pairs.
    var chatMessages: [(role: String, content: String)] {
        (chatBody?.messages ?? []).map { ($0.role.rawValue, $0.content) }
    }
}
