/// What `chatbot local status` reports for one server.
public struct LocalServerStatus: Sendable, Hashable, Codable {
    /// Which server.
    public var kind: LocalServerKind
    /// Whether its program and model files are installed.
    public var installed: Bool
    /// The pid from its pid file, when that process is alive.
    public var pid: Int32?
    /// Whether its health endpoint answers 200.
    public var healthy: Bool
    /// Whether something listens on its port (it may still be loading).
    public var listening: Bool
    /// Its loopback port.
    public var port: Int
    /// Its base URL.
    public var baseURL: String
    /// Its log file.
    public var logFile: String

    /// A one-word state: `ready`, `starting`, `stopped`, `not-installed`.
    public var state: String {
        if healthy { return "ready" }
        if listening || pid != nil { return "starting" }
        return installed ? "stopped" : "not-installed"
    }
}
