import ChatbotJobs
import Hummingbird
import NIOCore

/// `GET /metrics`: the Prometheus exposition, for admins (an admin's token, or a key with the
/// `admin` scope) — or, with `serve --metrics-port`, on a loopback listener of its own.
struct MetricsRoute {
    let metrics: ServerMetrics
    let queue: JobQueue?

    func register(_ group: RouterGroup<ServerContext>) {
        group.get("/metrics") { _, context in
            _ = try context.requireAdmin()
            return await Self.response(metrics, queue: queue)
        }
    }

    /// The exposition, with the queue's depth read from the database first.
    static func response(_ metrics: ServerMetrics, queue: JobQueue?) async -> Response {
        if let queue, let depth = try? await queue.depth() { metrics.queueDepth(depth) }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }
}
