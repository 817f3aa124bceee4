import Hummingbird
import NIOCore

/// `GET /metrics`: the Prometheus exposition, for admins (an admin's token, or a key with the
/// `admin` scope) — or, with `serve --metrics-port`, on a loopback listener of its own.
struct MetricsRoute {
    let metrics: ServerMetrics

    func register(_ group: RouterGroup<ServerContext>) {
        group.get("/metrics") { _, context in
            _ = try context.requireAdmin()
            return Self.response(metrics)
        }
    }

    static func response(_ metrics: ServerMetrics) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }
}
