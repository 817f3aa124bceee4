import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 that speaks just enough of OpenAI's
/// `POST /v1/chat/completions` (SSE and JSON) and plays back a script of behaviours, one per
/// request, including faults a real server cannot produce on demand: 429 with `Retry-After`,
/// 5xx, a slow first byte, a connection reset mid-stream, malformed SSE, a stalled stream.
///
/// ```swift
/// try await FaultInjectingServer.withRunning { server, baseURL in
///     server.enqueue(.status(429, message: "slow down", retryAfter: "1"), .stream(["Hi"]))
///     // point a client at baseURL, then inspect server.requests
/// }
/// ```
///
/// Every request is recorded (``requests``) whatever the path. When the script is empty the
/// server plays its default behaviour.
public final class FaultInjectingServer: Sendable {
    private struct State {
        var script: [Behaviour] = []
        var requests: [RecordedRequest] = []
        var listener: LoopbackListener?
    }

    private let defaultBehaviour: Behaviour
    private let state = Mutex(State())

    /// Creates a stopped server that plays `defaultBehaviour` when its script is empty.
    public init(defaultBehaviour: Behaviour = .stream(["Hello", ",", " world"])) {
        self.defaultBehaviour = defaultBehaviour
    }

    /// Appends behaviours to the script; each request consumes the first one.
    public func enqueue(_ behaviours: Behaviour...) {
        state.withLock { $0.script += behaviours }
    }

    /// The requests received so far, oldest first.
    public var requests: [RecordedRequest] {
        state.withLock { $0.requests }
    }

    /// Binds to 127.0.0.1 and returns the base URL, `http://127.0.0.1:PORT/v1`.
    ///
    /// - Parameter port: The port to listen on; 0 (the default) picks a free one. A fixed port
    ///   lets a test bring up a server where a client was refused a moment ago.
    public func start(port: Int = 0) async throws -> String {
        let listener = try await LoopbackListener.bind(port: port) { channel in
            try channel.pipeline.syncOperations.configureHTTPServerPipeline()
            try channel.pipeline.syncOperations.addHandler(FaultInjectingHandler(server: self))
        }
        state.withLock { $0.listener = listener }
        return "http://127.0.0.1:\(listener.port)/v1"
    }

    /// Closes the listening socket and every open connection, stalled ones included.
    public func shutdown() async throws {
        let listener = state.withLock { state in
            defer { state.listener = nil }
            return state.listener
        }
        try await listener?.close()
    }

    /// Starts a server, runs `body` with it and its base URL, and shuts it down afterwards,
    /// also when `body` throws.
    public static func withRunning<Result>(
        defaultBehaviour: Behaviour = .stream(["Hello", ",", " world"]),
        _ body: (FaultInjectingServer, String) async throws -> Result
    ) async throws -> Result {
        let server = FaultInjectingServer(defaultBehaviour: defaultBehaviour)
        let baseURL = try await server.start()
        let result: Result
        do {
            result = try await body(server, baseURL)
        } catch {
            try? await server.shutdown()
            throw error
        }
        try await server.shutdown()
        return result
    }

    /// A base URL on 127.0.0.1 where nothing listens (a port that was free a moment ago), for
    /// connection-refused cases.
    public static func unusedBaseURL() async throws -> String {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return "http://127.0.0.1:\(port)/v1"
    }

    /// Records `request` and returns what to do with it.
    func nextBehaviour(recording request: RecordedRequest) -> Behaviour {
        state.withLock { state in
            state.requests.append(request)
            return state.script.isEmpty ? defaultBehaviour : state.script.removeFirst()
        }
    }
}
