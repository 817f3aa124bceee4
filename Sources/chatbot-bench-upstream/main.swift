// `chatbot-bench-upstream`: an OpenAI-compatible model server that answers from memory, for
// Scripts/bench/api-proxy. It must be much faster than any proxy in front of it, so the proxies'
// own costs are what the benchmark sees.
//
//   chatbot-bench-upstream [--port N] [--chunks N] [--slow-chunks N] [--slow-interval-ms N] [--threads N]
//
// Listens on 127.0.0.1 (port 0: a free one) and prints `port=N` on stdout once bound.
//   POST …/chat/completions   `"stream": true` in the body: `--chunks` (default 3)
//                             chat.completion.chunk events at once, a usage chunk and `data: [DONE]`;
//                             for the model `slow`, `--slow-chunks` (default 20) events, the first at
//                             once and the others `--slow-interval-ms` (default 250) apart. Without
//                             it, one chat.completion JSON. The request body is read whole first.
//   GET  …/models             the models `m` and `slow`.
//   anything else             404.
// Keep-alive as the client asks; no TLS, no auth.

import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

struct Options {
    var port = 0
    var chunks = 3
    var slowChunks = 20
    var slowIntervalMilliseconds: Int64 = 250
    var threads = 1

    init(arguments: [String]) {
        var index = 1
        func value() -> String {
            index += 1
            guard index < arguments.count else {
                FileHandle.standardError.write(
                    Data("chatbot-bench-upstream: \(arguments[index - 1]) needs a value\n".utf8))
                exit(64)
            }
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--port": port = Int(value()) ?? 0
            case "--chunks": chunks = max(1, Int(value()) ?? 3)
            case "--slow-chunks": slowChunks = max(1, Int(value()) ?? 20)
            case "--slow-interval-ms": slowIntervalMilliseconds = max(0, Int64(value()) ?? 250)
            case "--threads": threads = max(1, Int(value()) ?? 1)
            default:
                FileHandle.standardError.write(
                    Data("chatbot-bench-upstream: unknown option \(arguments[index])\n".utf8))
                exit(64)
            }
            index += 1
        }
    }
}

/// The answers, rendered once.
struct Answers: Sendable {
    let completion: ByteBuffer
    let chunk: ByteBuffer
    let tail: ByteBuffer
    let slowTail: ByteBuffer
    let models: ByteBuffer
    let chunks: Int
    let slowChunks: Int
    let slowInterval: TimeAmount

    init(options: Options) {
        let created = Int(Date().timeIntervalSince1970)
        completion = ByteBuffer(
            string: """
                {"id":"chatcmpl-bench","object":"chat.completion","created":\(created),"model":"m",\
                "choices":[{"index":0,"message":{"role":"assistant","content":"Paris is the capital of France."},\
                "finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}
                """)
        chunk = ByteBuffer(
            string: """
                data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":\(created),"model":"m",\
                "choices":[{"index":0,"delta":{"content":"Paris "},"finish_reason":null}]}\n\n
                """)
        func ending(tokens: Int) -> ByteBuffer {
            ByteBuffer(
                string: """
                    data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":\(created),"model":"m",\
                    "choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n\
                    data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":\(created),"model":"m",\
                    "choices":[],"usage":{"prompt_tokens":12,"completion_tokens":\(tokens),\
                    "total_tokens":\(12 + tokens)}}\n\ndata: [DONE]\n\n
                    """)
        }
        tail = ending(tokens: options.chunks)
        slowTail = ending(tokens: options.slowChunks)
        models = ByteBuffer(
            string: """
                {"object":"list","data":[{"id":"m","object":"model","created":0,"owned_by":"bench"},\
                {"id":"slow","object":"model","created":0,"owned_by":"bench"}]}
                """)
        chunks = options.chunks
        slowChunks = options.slowChunks
        slowInterval = .milliseconds(options.slowIntervalMilliseconds)
    }
}

final class UpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let answers: Answers
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(answers: Answers) {
        self.answers = answers
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            head = request
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            guard let request = head else { return }
            head = nil
            respond(to: request, context: context)
        }
    }

    private func respond(to request: HTTPRequestHead, context: ChannelHandlerContext) {
        let keepAlive = request.isKeepAlive
        let path = request.uri.split(separator: "?").first.map(String.init) ?? request.uri
        if request.method == .POST, path.hasSuffix("/chat/completions") {
            if value(of: "stream", in: body) == "true" {
                let slow = value(of: "model", in: body) == "\"slow\""
                stream(slow: slow, context: context, version: request.version, keepAlive: keepAlive)
            } else {
                send(
                    answers.completion, type: "application/json", context: context, version: request.version,
                    keepAlive: keepAlive)
            }
        } else if request.method == .GET, path.hasSuffix("/models") {
            send(
                answers.models, type: "application/json", context: context, version: request.version,
                keepAlive: keepAlive)
        } else {
            var head = HTTPResponseHead(version: request.version, status: .notFound)
            head.headers.add(name: "Content-Length", value: "0")
            if !keepAlive { head.headers.add(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            finish(context: context, keepAlive: keepAlive)
        }
    }

    /// The raw JSON value after the first `"key":` of the body (a scan, not a parse: the
    /// benchmark's clients and proxies send flat bodies), up to the next `,` or `}`.
    private func value(of key: String, in body: ByteBuffer) -> String? {
        guard let text = body.getString(at: body.readerIndex, length: body.readableBytes),
            let keyRange = text.range(of: "\"\(key)\"")
        else { return nil }
        var rest = text[keyRange.upperBound...].drop { $0 == " " || $0 == ":" }
        rest = rest.prefix { $0 != "," && $0 != "}" }
        return rest.trimmingCharacters(in: .whitespaces)
    }

    private func send(
        _ payload: ByteBuffer, type: String, context: ChannelHandlerContext, version: HTTPVersion, keepAlive: Bool
    ) {
        var head = HTTPResponseHead(version: version, status: .ok)
        head.headers.add(name: "Content-Type", value: type)
        head.headers.add(name: "Content-Length", value: String(payload.readableBytes))
        if !keepAlive { head.headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(payload))), promise: nil)
        finish(context: context, keepAlive: keepAlive)
    }

    private func stream(slow: Bool, context: ChannelHandlerContext, version: HTTPVersion, keepAlive: Bool) {
        var head = HTTPResponseHead(version: version, status: .ok)
        head.headers.add(name: "Content-Type", value: "text/event-stream")
        head.headers.add(name: "Cache-Control", value: "no-cache")
        head.headers.add(name: "Transfer-Encoding", value: "chunked")
        if !keepAlive { head.headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        guard slow else {
            for _ in 0..<answers.chunks {
                context.write(wrapOutboundOut(.body(.byteBuffer(answers.chunk))), promise: nil)
            }
            context.write(wrapOutboundOut(.body(.byteBuffer(answers.tail))), promise: nil)
            finish(context: context, keepAlive: keepAlive)
            return
        }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(answers.chunk))), promise: nil)
        sendSlowChunk(remaining: answers.slowChunks - 1, context: context, keepAlive: keepAlive)
    }

    private func sendSlowChunk(remaining: Int, context: ChannelHandlerContext, keepAlive: Bool) {
        guard remaining > 0 else {
            context.write(wrapOutboundOut(.body(.byteBuffer(answers.slowTail))), promise: nil)
            finish(context: context, keepAlive: keepAlive)
            return
        }
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: answers.slowInterval) {
            let (handler, context) = bound.value
            guard context.channel.isActive else { return }
            context.writeAndFlush(handler.wrapOutboundOut(.body(.byteBuffer(handler.answers.chunk))), promise: nil)
            handler.sendSlowChunk(remaining: remaining - 1, context: context, keepAlive: keepAlive)
        }
    }

    private func finish(context: ChannelHandlerContext, keepAlive: Bool) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { loopBound.value.close(promise: nil) }
        }
    }
}

func serve(options: Options) -> Never {
    let answers = Answers(options: options)
    let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
    let bootstrap = ServerBootstrap(group: group)
        .serverChannelOption(.backlog, value: 1024)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                try channel.pipeline.syncOperations.addHandler(UpstreamHandler(answers: answers))
            }
        }
    do {
        let channel = try bootstrap.bind(host: "127.0.0.1", port: options.port).wait()
        FileHandle.standardOutput.write(Data("port=\(channel.localAddress?.port ?? 0)\n".utf8))
        try channel.closeFuture.wait()
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("chatbot-bench-upstream: \(error)\n".utf8))
        exit(69)
    }
}

serve(options: Options(arguments: CommandLine.arguments))
