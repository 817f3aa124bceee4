public import ChatbotStorage
public import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// Hears what workers do, for metrics.
public protocol JobObserver: Sendable {
    /// An attempt of a `kind` job ended after `seconds`: `succeeded`, `failed`, `dead`,
    /// `cancelled`, or `queued` for a retry.
    func attemptEnded(kind: String, status: JobStatus, seconds: Double)
}

/// The worker pool: `concurrency` loops that claim due jobs of `kinds` and run their handlers,
/// renewing each job's lease while it runs; a `Service`, so `chatbot worker` and `chatbot serve`
/// run it in their service group.
///
/// Idle loops wait for the ``JobSignal`` (an enqueue in this process, or PostgreSQL's `NOTIFY`)
/// or the poll interval. On graceful shutdown no job is claimed any more; running jobs get
/// `grace` to finish, then are stopped and released to the queue without counting the attempt.
public struct JobWorker: Service {
    /// How a worker pool behaves.
    public struct Options: Sendable {
        /// Jobs run at once.
        public var concurrency: Int
        /// The kinds it runs (`nil`: every kind it has a handler for).
        public var kinds: Set<String>?
        /// How long a claim lasts without renewal; renewed every third of it.
        public var lease: Duration
        /// How long an idle loop waits before looking again without a wake-up.
        public var pollInterval: Duration
        /// How long running jobs may go on after a shutdown begins.
        public var grace: Duration
        /// This worker's name in leases: host, process and a random part.
        public var name: String

        /// Options; the defaults run 2 jobs at once with a 30 s lease and a 1 s poll.
        public init(
            concurrency: Int = 2, kinds: Set<String>? = nil, lease: Duration = .seconds(30),
            pollInterval: Duration = .seconds(1), grace: Duration = .seconds(30), name: String? = nil
        ) {
            self.concurrency = max(1, concurrency)
            self.kinds = kinds
            self.lease = lease
            self.pollInterval = pollInterval
            self.grace = grace
            self.name = name ?? Self.defaultName()
        }

        /// `host:pid:random`.
        public static func defaultName() -> String {
            "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8).lowercased())"
        }
    }

    let queue: JobQueue
    let handlers: [String: any JobHandler]
    let options: Options
    let signal: JobSignal
    let observer: (any JobObserver)?
    let logger: Logger

    /// A pool running `handlers` on `queue`.
    public init(
        queue: JobQueue, handlers: [any JobHandler], options: Options = Options(), signal: JobSignal = JobSignal(),
        observer: (any JobObserver)? = nil, logger: Logger
    ) {
        self.queue = queue
        self.handlers = Dictionary(handlers.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.options = options
        self.signal = signal
        self.observer = observer
        self.logger = logger
    }

    /// The kinds this pool claims.
    var claimedKinds: Set<String> {
        let available = Set(handlers.keys)
        return options.kinds.map { $0.intersection(available) } ?? available
    }

    /// Runs until the service group shuts down (gracefully: see the type's description) or the
    /// task is cancelled.
    public func run() async throws {
        let stopping = StopFlag()
        logger.info(
            "Workers running",
            metadata: [
                "worker": "\(options.name)", "concurrency": "\(options.concurrency)",
                "kinds": "\(claimedKinds.sorted().joined(separator: ","))",
            ])
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await signal.listen(to: queue.database, logger: logger) }
                group.addTask { await reap(until: stopping) }
                // The loops end once a shutdown began and their jobs ended; then the listener stops.
                await withTaskGroup(of: Void.self) { loops in
                    for _ in 0..<options.concurrency {
                        loops.addTask { await loop(until: stopping) }
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            stopping.set()
            signal.notify()
        }
        logger.info("Workers stopped", metadata: ["worker": "\(options.name)"])
    }

    /// One worker loop: claim, run, repeat; wait for a wake-up when nothing is due.
    func loop(until stopping: StopFlag) async {
        let kinds = claimedKinds
        while !stopping.isSet, !Task.isCancelled {
            let job: Job?
            do {
                job = try await queue.claim(worker: options.name, kinds: kinds, lease: options.lease)
            } catch {
                logger.warning("Claiming a job failed", metadata: ["error": "\(error)"])
                await signal.wait(timeout: options.pollInterval)
                continue
            }
            guard let job else {
                await signal.wait(timeout: options.pollInterval)
                continue
            }
            await execute(job, stopping: stopping)
        }
    }

    /// Ends expired jobs that may not run again, every half lease, until the pool stops.
    func reap(until stopping: StopFlag) async {
        while !stopping.isSet, !Task.isCancelled {
            do {
                try await queue.reapExpired()
            } catch {
                logger.debug("Reaping expired jobs failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: options.lease / 2)
        }
    }

    /// Runs one claimed job to its end and records the outcome.
    func execute(_ job: Job, stopping: StopFlag) async {
        guard let handler = handlers[job.kind] else {
            _ = try? await queue.fail(
                job, worker: options.name, error: "no handler for '\(job.kind)'", retryable: false)
            return
        }
        let started = ContinuousClock.now
        let latest = LatestProgress()
        let context = JobContext(job: job) { latest.set($0) }
        var metadata: Logger.Metadata = ["job": "\(job.id)", "kind": "\(job.kind)", "attempt": "\(job.attempts)"]
        logger.info("Job started", metadata: metadata)

        let outcome: Result<String?, any Error> = await withTaskGroup(of: Result<String?, any Error>?.self) {
            group in
            group.addTask {
                do {
                    return .success(try await handler.run(job, context: context))
                } catch {
                    return .failure(error)
                }
            }
            group.addTask { await keepLease(job, context: context, latest: latest) }
            group.addTask { await stopAfterGrace(stopping) }
            var outcome: Result<String?, any Error> = .failure(CancellationError())
            while let next = await group.next() {
                guard let next else {
                    // The lease keeper saw a cancel or a lost lease, or the grace ran out: stop the handler.
                    group.cancelAll()
                    continue
                }
                outcome = next
                group.cancelAll()
                break
            }
            return outcome
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        metadata["seconds"] = "\(String(format: "%.3f", seconds))"
        let status: JobStatus?
        do {
            switch outcome {
            case .success(let result):
                // A handler that finished wins over a cancel that came too late.
                status =
                    try await queue.succeed(job.id, worker: options.name, result: result, progress: latest.take())
                    ? .succeeded : nil
            case .failure(let error):
                switch context.stopReason ?? (error as? JobStop) {
                case .cancelled:
                    status = try await queue.cancelled(job.id, worker: options.name) ? .cancelled : nil
                case .leaseLost:
                    status = nil
                case nil where error is CancellationError || Task.isCancelled || stopping.isSet:
                    try await queue.release(job.id, worker: options.name)
                    logger.info("Job released for another worker", metadata: metadata)
                    return
                case nil:
                    metadata["error"] = "\(JobFailure.message(error))"
                    status = try await queue.fail(
                        job, worker: options.name, error: JobFailure.message(error),
                        retryable: JobFailure.isRetryable(error))
                }
            }
        } catch {
            metadata["error"] = "\(error)"
            logger.warning("Recording a job's outcome failed; its lease will expire", metadata: metadata)
            return
        }
        guard let status else {
            logger.warning("Job's lease was lost; another worker runs it", metadata: metadata)
            return
        }
        metadata["status"] = "\(status.rawValue)"
        logger.info("Job ended", metadata: metadata)
        observer?.attemptEnded(kind: job.kind, status: status, seconds: seconds)
    }

    /// Renews the lease every third of it (or sooner, within a second, when there is progress to
    /// record) until cancelled; returns `nil` (stop the handler) when the job is cancelled or the
    /// lease is lost.
    func keepLease(_ job: Job, context: JobContext, latest: LatestProgress) async
        -> Result<String?, any Error>?
    {
        let interval = options.lease / 3
        var sinceRenewal = Duration.zero
        let tick = min(Duration.seconds(1), interval)
        while !Task.isCancelled {
            try? await Task.sleep(for: tick)
            if Task.isCancelled { break }
            sinceRenewal += tick
            let progress = latest.take()
            guard progress != nil || sinceRenewal >= interval else { continue }
            sinceRenewal = .zero
            do {
                switch try await queue.heartbeat(job.id, worker: options.name, lease: options.lease, progress: progress)
                {
                case .held: continue
                case .cancelRequested:
                    context.stop(.cancelled)
                    return nil
                case .lost:
                    context.stop(.leaseLost)
                    return nil
                }
            } catch {
                logger.warning("Renewing a job's lease failed", metadata: ["job": "\(job.id)", "error": "\(error)"])
            }
        }
        return .failure(CancellationError())
    }

    /// Returns `nil` once a shutdown began and `grace` passed; never otherwise (until cancelled).
    func stopAfterGrace(_ stopping: StopFlag) async -> Result<String?, any Error>? {
        while !Task.isCancelled {
            if stopping.isSet {
                try? await Task.sleep(for: options.grace)
                if !Task.isCancelled { return nil }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return .failure(CancellationError())
    }
}

/// Set once, read by every loop.
final class StopFlag: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}

/// The newest progress report not yet written.
final class LatestProgress: Sendable {
    private let value = Mutex<JobProgress?>(nil)
    func set(_ progress: JobProgress) { value.withLock { $0 = progress } }
    func take() -> JobProgress? {
        value.withLock { progress in
            defer { progress = nil }
            return progress
        }
    }
}
