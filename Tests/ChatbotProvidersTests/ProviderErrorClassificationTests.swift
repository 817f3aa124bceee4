import AsyncHTTPClient
import ChatbotCore
import NIOCore
import Testing

@testable import ChatbotProviders

/// The transport errors AsyncHTTPClient throws, each mapped to the kind the retry policy and the
/// user's message rely on. (Every HTTPClientError once sent `classify` into endless recursion and
/// crashed the process with a stack overflow: `chatbot serve` died under schemathesis.)
@Suite("ProviderError.classify: AsyncHTTPClient's errors")
struct ProviderErrorClassificationTests {
    let endpoint = ProviderEndpoint(name: "fake", baseURL: "http://127.0.0.1:9/v1")
    let timeouts = ProviderTimeouts(connect: .seconds(3), idle: .seconds(7), request: .seconds(11))

    func kind(_ error: any Error, afterResponseHead: Bool = false) -> ProviderError.Kind? {
        ProviderError.classify(error, endpoint: endpoint, timeouts: timeouts, afterResponseHead: afterResponseHead)?
            .kind
    }

    @Test("each HTTPClientError has its kind, before and after the response head")
    func httpClientErrors() {
        #expect(kind(HTTPClientError.cancelled) == .cancelled)
        #expect(kind(HTTPClientError.connectTimeout) == .connectTimeout)
        #expect(kind(HTTPClientError.getConnectionFromPoolTimeout) == .connectTimeout)
        #expect(kind(HTTPClientError.tlsHandshakeTimeout) == .connectTimeout)
        #expect(kind(HTTPClientError.readTimeout) == .idleTimeout)
        #expect(kind(HTTPClientError.deadlineExceeded) == .requestTimeout)
        #expect(kind(HTTPClientError.remoteConnectionClosed) == .connectionFailed)
        #expect(kind(HTTPClientError.remoteConnectionClosed, afterResponseHead: true) == .connectionLost)
        #expect(kind(HTTPClientError.uncleanShutdown, afterResponseHead: true) == .connectionLost)
        #expect(kind(HTTPClientError.invalidURL) == .invalidEndpoint)
        #expect(kind(HTTPClientError.emptyHost) == .invalidEndpoint)
        #expect(kind(HTTPClientError.alreadyShutdown) == .connectionFailed)
        #expect(kind(HTTPClientError.alreadyShutdown, afterResponseHead: true) == .connectionLost)
    }

    @Test("NIO's errors, cancellation, and errors that are not the transport's")
    func otherErrors() {
        #expect(kind(CancellationError()) == .cancelled)
        #expect(kind(ChannelError.connectTimeout(.seconds(3))) == .connectTimeout)
        #expect(kind(ChannelError.ioOnClosedChannel) == .connectionFailed)
        #expect(kind(ChannelError.ioOnClosedChannel, afterResponseHead: true) == .connectionLost)
        #expect(kind(ChatbotError(.usage, "not a transport error")) == nil)
    }
}
