import ArgumentParser
import ChatbotAccounts
import ChatbotCore
import ChatbotJobs
import ChatbotServer
import ChatbotServices
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `chatbot worker`: runs background jobs (uploads to ingest, URLs to crawl, media to transcribe)
/// from the shared queue, without serving HTTP.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run background jobs from the queue: ingest uploads and URLs, transcribe media.",
        discussion: """
            Claims jobs from the database's queue (the one `chatbot serve` adds uploads to) and runs them, \
            --concurrency at a time. Any number of workers and servers may share one PostgreSQL database \
            and one object store: a job is claimed by one worker at a time, holds a lease its worker \
            renews, and runs again elsewhere if its worker dies. SIGTERM or Ctrl-C stops claiming, lets \
            running jobs finish within --grace seconds, then gives the rest back to the queue.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Jobs run at once.", valueName: "n"))
    var concurrency = 2

    @Option(
        help: ArgumentHelp(
            "Only these kinds, comma-separated (\(JobKind.all.joined(separator: ", "))).", valueName: "kinds"))
    var kinds: String?

    @Option(help: ArgumentHelp("Seconds running jobs get to finish after SIGTERM.", valueName: "seconds"))
    var grace = 30

    @Option(
        help: ArgumentHelp(
            "Seconds a claimed job's lease lasts without renewal (renewed every third of it): how soon a dead "
                + "worker's job runs elsewhere.", valueName: "seconds"))
    var lease = 30

    @Option(
        name: .customLong("fetch-allow"),
        help: ArgumentHelp(
            "A host:port URL jobs may fetch although its address is private (repeatable).", valueName: "host:port"))
    var fetchAllow: [String] = []

    @Option(
        name: .customLong("metrics-port"),
        help: ArgumentHelp("Serve the job metrics on 127.0.0.1:PORT/metrics.", valueName: "port"))
    var metricsPort: Int?

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard grace >= 0 else { throw ValidationError("--grace must not be negative") }
        guard (3...3600).contains(lease) else { throw ValidationError("--lease must be between 3 and 3600 seconds") }
        _ = try Self.parseKinds(kinds)
        if let metricsPort, !(1...65535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be between 1 and 65535")
        }
    }

    /// `--kinds` as a set; `nil` for every kind.
    static func parseKinds(_ text: String?) throws -> Set<String>? {
        guard let text else { return nil }
        let kinds = Set(
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        for kind in kinds where !JobKind.all.contains(kind) {
            throw ValidationError("unknown job kind '\(kind)': use \(JobKind.all.joined(separator: ", "))")
        }
        guard !kinds.isEmpty else { throw ValidationError("--kinds needs at least one kind") }
        return kinds
    }

    func run() async throws {
        let kinds = try Self.parseKinds(kinds)
        try await CommandContext.with(global) { context in
            let database = try await context.openStore()
            let metrics = ServerMetrics()
            let queue = JobQueue(database: database)
            let options = JobWorker.Options(
                concurrency: concurrency, kinds: kinds, lease: .seconds(lease), grace: .seconds(max(0, grace - 1)))
            let worker = JobWorker(
                queue: queue,
                handlers: JobHandlers.standard(
                    services: context.services, database: database, fetchAllowedHostPorts: Set(fetchAllow)),
                options: options, observer: metrics, logger: context.logger)
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: worker)]
            if let metricsPort {
                services.append(
                    .init(
                        service: ChatbotServer.metricsApplication(
                            metrics: metrics, queue: queue, port: metricsPort, logger: context.logger)))
            }
            if !global.quiet {
                StandardError.write(
                    "chatbot: worker \(options.name) running \(concurrency) at a time "
                        + "(\(context.services.databaseDescription))\n")
            }
            var configuration = ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: context.logger)
            configuration.maximumGracefulShutdownDuration = .seconds(grace + 5)
            try await ServiceGroup(configuration: configuration).run()
        }
    }
}
