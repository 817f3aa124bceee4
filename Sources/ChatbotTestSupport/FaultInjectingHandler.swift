import NIOCore
import NIOHTTP1

/// Records each request and plays the next scripted ``FaultInjectingServer/Behaviour`` back.
/// Runs on the channel's event loop only, like every NIO handler.
final class FaultInjectingHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: FaultInjectingServer
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(server: FaultInjectingServer) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head else { return }
            self.head = nil
            var headers: [String: String] = [:]
            for (name, value) in head.headers {
                let key = name.lowercased()
                headers[key] = headers[key].map { "\($0), \(value)" } ?? value
            }
            let request = RecordedRequest(
                method: head.method.rawValue,
                path: head.uri,
                headers: headers,
                body: Array(body.readableBytesView)
            )
            let behaviour = server.nextBehaviour(recording: request)
            play(behaviour.steps[...], keepAlive: head.isKeepAlive, context: context)
        }
    }

    private func play(
        _ steps: ArraySlice<FaultInjectingServer.Behaviour.Step>,
        keepAlive: Bool,
        context: ChannelHandlerContext
    ) {
        var steps = steps
        while let step = steps.popFirst() {
            switch step {
            case .head(let status, let headers):
                let head = HTTPResponseHead(
                    version: .http1_1,
                    status: HTTPResponseStatus(statusCode: status),
                    headers: HTTPHeaders(headers)
                )
                context.write(wrapOutboundOut(.head(head)), promise: nil)
            case .body(let text):
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            case .end:
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                if !keepAlive { context.close(promise: nil) }
            case .wait(let delay):
                let remaining = steps
                context.flush()
                context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) {
                    guard context.channel.isActive else { return }
                    self.play(remaining, keepAlive: keepAlive, context: context)
                }
                return
            case .close:
                context.flush()
                context.close(promise: nil)
                return
            case .stall:
                context.flush()
                return
            }
        }
    }
}
