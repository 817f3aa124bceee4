import NIOCore
import NIOHTTP1

/// Answers each request from ``LocalTestSite``'s routes. Runs on the channel's event loop only.
final class LocalTestSiteHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let site: LocalTestSite
    private var head: HTTPRequestHead?

    init(site: LocalTestSite) {
        self.site = site
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            var headers: [String: String] = [:]
            for (name, value) in head.headers {
                let key = name.lowercased()
                headers[key] = headers[key].map { "\($0), \(value)" } ?? value
            }
            let response = site.respond(uri: head.uri, headers: headers)
            let keepAlive = head.isKeepAlive
            if let delay = response.delay {
                context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) {
                    guard context.channel.isActive else { return }
                    self.send(response, keepAlive: keepAlive, context: context)
                }
            } else {
                send(response, keepAlive: keepAlive, context: context)
            }
        }
    }

    private func send(_ response: LocalTestSite.Response, keepAlive: Bool, context: ChannelHandlerContext) {
        var responseHeaders = HTTPHeaders(response.headers)
        let status = HTTPResponseStatus(statusCode: response.status)
        switch response.body {
        case .whole(let bytes):
            responseHeaders.replaceOrAdd(name: "Content-Length", value: String(bytes.count))
            let responseHead = HTTPResponseHead(version: .http1_1, status: status, headers: responseHeaders)
            context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
            if !bytes.isEmpty {
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil)
            }
            site.responseFinished()
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            if !keepAlive { context.close(promise: nil) }
        case .drip(let chunk, let interval):
            responseHeaders.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
            let responseHead = HTTPResponseHead(version: .http1_1, status: status, headers: responseHeaders)
            context.writeAndFlush(wrapOutboundOut(.head(responseHead)), promise: nil)
            drip(chunk, every: interval, context: context)
        }
    }

    private func drip(_ chunk: [UInt8], every interval: Duration, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: chunk)))), promise: nil)
        context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(interval)) {
            self.drip(chunk, every: interval, context: context)
        }
    }
}
