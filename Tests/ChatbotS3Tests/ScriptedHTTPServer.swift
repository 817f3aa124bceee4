import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An in-process HTTP server on a loopback port that answers requests with scripted replies, in
/// order (then 200 with an empty body), and records `METHOD URI` of each: for the faults a real S3
/// server does not produce on demand (503 SlowDown, 500).
final class ScriptedHTTPServer: Sendable {
    struct Reply: Sendable {
        var status: HTTPResponseStatus
        var body: String
        var headers: [(String, String)] = []
    }

    /// What the server saw of one request.
    struct Received: Sendable {
        var request: String
        var bodySize: Int
        /// The value of the `probe` given to ``with(replies:probe:_:)`` when the request arrived.
        var probe: Int
    }

    private let state: Mutex<(replies: [Reply], received: [Received])>
    private let channel: Mutex<(any Channel)?>
    private let probe: @Sendable () -> Int

    private init(replies: [Reply], probe: @escaping @Sendable () -> Int) {
        state = Mutex((replies, []))
        channel = Mutex(nil)
        self.probe = probe
    }

    /// Every request received so far, as `METHOD URI`.
    var requests: [String] { state.withLock { $0.received.map(\.request) } }

    /// Every request received so far, with its body size and probe value.
    var received: [Received] { state.withLock { $0.received } }

    /// The port the server listens on.
    var port: Int { channel.withLock { $0?.localAddress?.port ?? 0 } }

    /// Starts a server that answers with `replies`, runs `body`, and stops the server.
    static func with<T>(
        replies: [Reply],
        probe: @escaping @Sendable () -> Int = { 0 },
        _ body: (ScriptedHTTPServer) async throws -> T
    ) async throws -> T {
        let server = ScriptedHTTPServer(replies: replies, probe: probe)
        let bound = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(server: server))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        server.channel.withLock { $0 = bound }
        let result: T
        do {
            result = try await body(server)
        } catch {
            try? await bound.close()
            throw error
        }
        try await bound.close()
        return result
    }

    fileprivate func nextReply(for request: String, bodySize: Int) -> Reply {
        let probed = probe()
        return state.withLock { state in
            state.received.append(Received(request: request, bodySize: bodySize, probe: probed))
            return state.replies.isEmpty ? Reply(status: .ok, body: "") : state.replies.removeFirst()
        }
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let server: ScriptedHTTPServer
        var head: HTTPRequestHead?
        var bodySize = 0

        init(server: ScriptedHTTPServer) {
            self.server = server
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                bodySize = 0
            case .body(let chunk):
                bodySize += chunk.readableBytes
            case .end:
                let request = head.map { "\($0.method.rawValue) \($0.uri)" } ?? "?"
                let reply = server.nextReply(for: request, bodySize: bodySize)
                var headers = HTTPHeaders(reply.headers)
                headers.add(name: "Content-Length", value: String(reply.body.utf8.count))
                let responseHead = HTTPResponseHead(version: .http1_1, status: reply.status, headers: headers)
                context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: reply.body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
