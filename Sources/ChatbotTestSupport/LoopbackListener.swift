import NIOCore
import NIOPosix

/// A listening socket on 127.0.0.1 with an event loop of its own: what the in-process test servers
/// share. `configure` sets up each accepted connection's pipeline.
struct LoopbackListener: Sendable {
    let group: MultiThreadedEventLoopGroup
    let channel: any Channel

    /// The port the listener is bound to.
    var port: Int { channel.localAddress?.port ?? 0 }

    /// Binds to `127.0.0.1:port` (0 picks a free port).
    static func bind(
        port: Int = 0, configure: @escaping @Sendable (any Channel) throws -> Void
    ) async throws -> LoopbackListener {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try configure(channel) }
            }
        do {
            return LoopbackListener(
                group: group, channel: try await bootstrap.bind(host: "127.0.0.1", port: port).get())
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Closes the listening socket and every open connection.
    func close() async throws {
        try? await channel.close()
        try await group.shutdownGracefully()
    }
}
