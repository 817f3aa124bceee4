import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// The base child channel (HTTP/1.1 with the WebSocket upgrade) with two guards in front, for
/// what the upgrade pipeline leaves open until the first request has been read: a client that
/// never finishes its first request's headers (slowloris) is closed after the idle timeout, and a
/// malformed or oversized request (a decoder error nobody else handles there) closes the
/// connection instead of leaving it hanging.
struct GuardedChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let base: Base.Value
        let closing: GuardClosing
        var channel: any Channel { base.channel }
    }

    let base: Base
    let firstRequestTimeout: TimeAmount
    let maxHeaderBytes: Int

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let closing = GuardClosing()
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(
                FirstRequestGuard(timeout: firstRequestTimeout, maxHeaderBytes: maxHeaderBytes, closing: closing),
                position: .first)
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }.flatMapThrowing { value in
            try channel.pipeline.syncOperations.addHandler(CloseOnError(closing: closing))
            return Value(base: value, closing: closing)
        }
    }

    /// The base's handling, with a logger that says at debug level, not as an error, that the
    /// upgrade pipeline lost a connection a guard closed on purpose: a malformed request from a
    /// scanner is no server error.
    func handle(value: Value, logger: Logger) async {
        let closing = value.closing
        let quiet = Logger(label: logger.label) { _ in GuardClosing.LogHandler(base: logger.handler, closing: closing) }
        await base.handle(value: value.base, logger: quiet)
    }
}

/// Set when a guard closes its connection on purpose (too slow, too large, unparsable).
final class GuardClosing: Sendable {
    private let closed = Atomic(false)

    var isClosed: Bool { closed.load(ordering: .acquiring) }

    func close(_ context: ChannelHandlerContext) {
        closed.store(true, ordering: .releasing)
        context.close(promise: nil)
    }

    /// Passes every message on, but an error of a connection closed on purpose becomes a debug
    /// message.
    struct LogHandler: Logging.LogHandler {
        var base: any Logging.LogHandler
        let closing: GuardClosing

        var metadataProvider: Logger.MetadataProvider? {
            get { base.metadataProvider }
            set { base.metadataProvider = newValue }
        }
        var metadata: Logger.Metadata {
            get { base.metadata }
            set { base.metadata = newValue }
        }
        var logLevel: Logger.Level {
            get { base.logLevel }
            set { base.logLevel = newValue }
        }
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { base[metadataKey: key] }
            set { base[metadataKey: key] = newValue }
        }

        func log(event: LogEvent) {
            guard event.level >= .error, closing.isClosed else { return base.log(event: event) }
            guard base.logLevel <= .debug else { return }
            var event = event
            event.level = .debug
            base.log(event: event)
        }
    }
}

/// Closes the connection unless the first request's headers (up to the blank line) arrive within
/// `timeout` and `maxHeaderBytes`; then steps out of the pipeline. Later requests on the same
/// connection are timed by Hummingbird's own idle handler.
final class FirstRequestGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private let maxHeaderBytes: Int
    private let closing: GuardClosing
    private var seen = 0
    private var tail: [UInt8] = []
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, maxHeaderBytes: Int, closing: GuardClosing) {
        self.timeout = timeout
        self.maxHeaderBytes = maxHeaderBytes
        self.closing = closing
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let closing = closing
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            closing.close(loopBound.value)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let bytes = tail + Array(buffer.readableBytesView)
        var complete = false
        var index = 0
        while index + 3 < bytes.count, !complete {
            complete = bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10
            index += 1
        }
        seen += buffer.readableBytes
        tail = Array(bytes.suffix(3))
        context.fireChannelRead(data)
        if complete {
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        } else if seen > maxHeaderBytes {
            closing.close(context)
        }
    }
}

/// Closes the connection when the request cannot be parsed (too large a header, malformed):
/// before a request is handed over, nothing else answers that error.
final class CloseOnError: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let closing: GuardClosing

    init(closing: GuardClosing) {
        self.closing = closing
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.fireErrorCaught(error)
        if error is HTTPParserError { closing.close(context) }
    }
}
