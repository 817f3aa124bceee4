public import ChatbotCore
import Foundation
public import Prometheus

/// What the server measures, in Prometheus' text format at `/metrics`: requests and their latency
/// by route template (never by raw path, so ids do not explode the series), server errors, open
/// event streams and WebSockets, and tokens by model.
///
/// Each application owns its registry (no process-wide metrics bootstrap), so tests and several
/// servers in one process each count their own.
public final class ServerMetrics: Sendable {
    /// Where the series live.
    public let registry: PrometheusCollectorRegistry

    /// Latency buckets from 5 ms to 2 minutes: JSON routes sit at the low end, answers at the high.
    static let latencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60), .seconds(120),
    ]

    private let streams: Gauge
    private let sockets: Gauge

    /// A registry of its own.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        streams = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "chatbot", metricName: "open_event_streams", unitName: "",
                helpText: "Server-sent event streams being written now."))
        sockets = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "chatbot", metricName: "open_websockets", unitName: "",
                helpText: "WebSocket connections open now."))
    }

    /// One finished request: its route template (`unmatched` when no route matched), method,
    /// status and how long it took until the last byte of the response was written.
    func request(route: String, method: String, status: Int, duration: Duration) {
        let labels = [("route", route), ("method", method), ("status", String(status))]
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "chatbot", subsystem: "http", metricName: "requests", unitName: "total",
                helpText: "Requests answered, by route template, method and status."),
            labels: labels
        ).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "chatbot", subsystem: "http", metricName: "request_duration", unitName: "seconds",
                helpText: "Time from the request to the last byte of its response, by route template."),
            labels: [("route", route), ("method", method)], buckets: Self.latencyBuckets
        ).record(duration)
        if status >= 500 {
            registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "chatbot", subsystem: "http", metricName: "server_errors", unitName: "total",
                    helpText: "Responses with a 5xx status, by route template."),
                labels: [("route", route)]
            ).increment()
        }
    }

    /// Tokens a model used for one answer, prompt and completion apart.
    public func tokens(model: String, usage: ChatUsage?) {
        guard let usage else { return }
        for (kind, count) in [("prompt", usage.promptTokens), ("completion", usage.completionTokens)] where count > 0 {
            registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "chatbot", metricName: "tokens", unitName: "total",
                    helpText: "Tokens used by answers, by model and kind (prompt or completion)."),
                labels: [("model", model), ("kind", kind)]
            ).increment(by: Int64(count))
        }
    }

    /// An event stream opened (`+1`) or closed (`-1`).
    func eventStream(_ delta: Double) { streams.increment(by: delta) }

    /// A WebSocket opened (`+1`) or closed (`-1`).
    func webSocket(_ delta: Double) { sockets.increment(by: delta) }

    /// The exposition text.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
