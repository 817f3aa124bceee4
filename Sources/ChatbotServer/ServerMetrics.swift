public import ChatbotCore
public import ChatbotJobs
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

    /// Job duration buckets from 10 ms to an hour.
    static let jobBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(100), .seconds(1), .seconds(5), .seconds(15), .seconds(60), .seconds(300),
        .seconds(900), .seconds(3600),
    ]

    /// The jobs in the queue now, by kind and status (every pair, zeros included, so a drained
    /// queue reads 0 rather than its last value).
    public func queueDepth(_ counts: [(kind: String, status: JobStatus, count: Int)]) {
        for kind in JobKind.all {
            for status in JobStatus.allCases {
                let count = counts.first { $0.kind == kind && $0.status == status }?.count ?? 0
                registry.makeGauge(
                    descriptor: MetricNameDescriptor(
                        namespace: "chatbot", metricName: "jobs", unitName: "",
                        helpText: "Jobs in the queue (every process's), by kind and status."),
                    labels: [("kind", kind), ("status", status.rawValue)]
                ).set(Double(count))
            }
        }
    }
}

extension ServerMetrics: JobObserver {
    /// One attempt of a job ended in this process: its duration by kind, and a count by kind and
    /// outcome (`queued` is a retry to come, `dead` a job that ran out of attempts).
    public func attemptEnded(kind: String, status: JobStatus, seconds: Double) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "chatbot", subsystem: "job", metricName: "attempts", unitName: "total",
                helpText: "Job attempts this process ran, by kind and outcome (queued: retried later)."),
            labels: [("kind", kind), ("status", status.rawValue)]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "chatbot", subsystem: "job", metricName: "duration", unitName: "seconds",
                helpText: "Time a job attempt ran in this process, by kind."),
            labels: [("kind", kind)], buckets: Self.jobBuckets
        ).record(.milliseconds(Int64(seconds * 1000)))
    }
}
