import ChatbotCore
import ChatbotJobs
import ChatbotStorage
import Foundation
import Logging
import ServiceLifecycle
import Testing

@Suite("the job queue: claims, leases, retries, cancel, idempotency")
struct JobQueueTests {
    static let owner = "00000000-0000-0000-0000-000000000000"

    static func new(_ kind: String = "test", key: String? = nil, maxAttempts: Int = 3) -> NewJob {
        NewJob(kind: kind, payload: "{}", ownerID: owner, maxAttempts: maxAttempts, idempotencyKey: key)
    }

    @Test("4 concurrent workers complete 40 jobs, each exactly once", arguments: QueueBackend.all)
    func exactlyOnce(backend: QueueBackend) async throws {
        try await backend.with { store in
            let queue = JobQueue(database: store)
            var ids: [String] = []
            for _ in 0..<40 { ids.append(try await queue.enqueue(Self.new()).job.id) }
            let handler = ScriptedHandler()
            let signal = JobSignal()
            let workers = (0..<4).map { index in
                JobWorker(
                    queue: queue, handlers: [handler],
                    options: JobWorker.Options(
                        concurrency: 1, pollInterval: .milliseconds(50), name: "worker-\(index)"),
                    signal: signal, logger: QueueBackend.logger)
            }
            try await Self.run(workers) {
                while try await queue.list(viewer: .everyone, filter: .init(status: .succeeded), limit: 100).count < 40
                {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(handler.totalRuns == 40)
            for id in ids {
                #expect(handler.runs(of: id) == 1)
                let job = try #require(try await queue.fetch(id))
                #expect(job.status == .succeeded)
                #expect(job.attempts == 1)
                #expect(job.result == #"{"ran":"\#(id)"}"#)
                #expect(job.leaseHolder == nil)
            }
        }
    }

    @Test("an expired lease is claimed again; the first worker can no longer finish it", arguments: QueueBackend.all)
    func expiredLease(backend: QueueBackend) async throws {
        try await backend.with { store in
            let clock = HandClock()
            let queue = JobQueue(database: store, now: { clock.now })
            let id = try await queue.enqueue(Self.new()).job.id
            let first = try #require(try await queue.claim(worker: "a", lease: .seconds(30)))
            #expect(first.id == id)
            #expect(first.status == .running)
            #expect(try await queue.claim(worker: "b", lease: .seconds(30)) == nil)
            clock.advance(20)
            #expect(try await queue.heartbeat(id, worker: "a", lease: .seconds(30)) == .held)
            clock.advance(29)
            #expect(try await queue.claim(worker: "b", lease: .seconds(30)) == nil, "the renewed lease holds")
            clock.advance(2)
            let second = try #require(try await queue.claim(worker: "b", lease: .seconds(30)))
            #expect(second.id == id)
            #expect(second.attempts == 2)
            #expect(second.leaseHolder == "b")
            #expect(try await queue.heartbeat(id, worker: "a", lease: .seconds(30)) == .lost)
            #expect(try await queue.succeed(id, worker: "a", result: "{}") == false)
            #expect(try await queue.succeed(id, worker: "b", result: #"{"by":"b"}"#))
            let done = try #require(try await queue.fetch(id))
            #expect(done.status == .succeeded)
            #expect(done.result == #"{"by":"b"}"#)
        }
    }

    @Test("a retryable failure waits out an exponential backoff with jitter", arguments: QueueBackend.all)
    func backoff(backend: QueueBackend) async throws {
        try await backend.with { store in
            let clock = HandClock()
            let backoff = JobBackoff(base: .seconds(10), cap: .seconds(600), random: { 0.5 })
            let queue = JobQueue(database: store, backoff: backoff, now: { clock.now })
            let id = try await queue.enqueue(Self.new(maxAttempts: 4)).job.id
            // Attempt n waits 10 s × 2^(n−1) × (0.5 + 0.5 × 0.5).
            for (attempt, wait) in [(1, 7.5), (2, 15.0), (3, 30.0)] {
                let job = try #require(try await queue.claim(worker: "w", lease: .seconds(30)))
                #expect(job.attempts == attempt)
                let start = clock.now
                #expect(try await queue.fail(job, worker: "w", error: "down \(attempt)", retryable: true) == .queued)
                let queued = try #require(try await queue.fetch(id))
                #expect(queued.status == .queued)
                #expect(queued.error == "down \(attempt)")
                #expect(abs(queued.runAt.timeIntervalSince(start) - wait) < 0.01)
                clock.advance(wait - 0.5)
                #expect(try await queue.claim(worker: "w", lease: .seconds(30)) == nil, "before the backoff ends")
                clock.advance(0.5)
            }
            #expect(backoff.delay(afterAttempt: 30) == .seconds(450), "capped, then jittered")
        }
    }

    @Test("after its last attempt a failing job is dead and keeps its error", arguments: QueueBackend.all)
    func dead(backend: QueueBackend) async throws {
        try await backend.with { store in
            let clock = HandClock()
            let queue = JobQueue(database: store, backoff: JobBackoff(random: { 0 }), now: { clock.now })
            let id = try await queue.enqueue(Self.new(maxAttempts: 2)).job.id
            var job = try #require(try await queue.claim(worker: "w", lease: .seconds(30)))
            #expect(try await queue.fail(job, worker: "w", error: "first", retryable: true) == .queued)
            clock.advance(3600)
            job = try #require(try await queue.claim(worker: "w", lease: .seconds(30)))
            #expect(try await queue.fail(job, worker: "w", error: "second", retryable: true) == .dead)
            let dead = try #require(try await queue.fetch(id))
            #expect(dead.status == .dead)
            #expect(dead.error == "second")
            #expect(dead.attempts == 2)
            #expect(dead.finishedAt != nil)
            clock.advance(3600)
            #expect(try await queue.claim(worker: "w", lease: .seconds(30)) == nil)

            // A failure retrying cannot fix ends the job at once, attempts left or not.
            let other = try await queue.enqueue(Self.new(maxAttempts: 5)).job.id
            let claimed = try #require(try await queue.claim(worker: "w", lease: .seconds(30)))
            #expect(claimed.id == other)
            #expect(try await queue.fail(claimed, worker: "w", error: "not a PDF", retryable: false) == .failed)

            // A worker that keeps dying uses the attempts up too: the reaper ends the job.
            let dying = try await queue.enqueue(Self.new(maxAttempts: 1)).job.id
            _ = try #require(try await queue.claim(worker: "w", lease: .seconds(30)))
            clock.advance(31)
            #expect(try await queue.claim(worker: "v", lease: .seconds(30)) == nil, "no attempt left")
            #expect(try await queue.reapExpired() == 1)
            #expect(try await queue.fetch(dying)?.status == .dead)

            // Retrying a dead job starts over.
            let retried = try await queue.retry(id, viewer: .everyone)
            #expect(retried.status == .queued)
            #expect(retried.attempts == 0)
            await #expect(throws: ChatbotError.self) { try await queue.retry(id, viewer: .everyone) }
        }
    }

    @Test("cancel: a queued job at once, a running one at its handler's next checkpoint", arguments: QueueBackend.all)
    func cancel(backend: QueueBackend) async throws {
        try await backend.with { store in
            let queue = JobQueue(database: store)
            let waiting = try await queue.enqueue(NewJob(kind: "other", payload: "{}", ownerID: Self.owner)).job.id
            #expect(try await queue.cancel(waiting, viewer: .everyone).status == .cancelled)
            await #expect(throws: ChatbotError.self) { try await queue.cancel(waiting, viewer: .everyone) }

            let handler = ScriptedHandler()
            let id = try await queue.enqueue(Self.new()).job.id
            handler.set(.loopUntilStopped, for: id)
            let worker = JobWorker(
                queue: queue, handlers: [handler],
                options: JobWorker.Options(concurrency: 1, lease: .seconds(3), pollInterval: .milliseconds(50)),
                logger: QueueBackend.logger)
            try await Self.run([worker]) {
                while try await queue.fetch(id)?.status != .running { try await Task.sleep(for: .milliseconds(20)) }
                while try await queue.fetch(id)?.progress == nil { try await Task.sleep(for: .milliseconds(50)) }
                let asked = try await queue.cancel(id, viewer: .everyone)
                #expect(asked.status == .running)
                #expect(asked.cancelRequested)
                while try await queue.fetch(id)?.status == .running { try await Task.sleep(for: .milliseconds(50)) }
            }
            let cancelled = try #require(try await queue.fetch(id))
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.progress?.message == "looping")
            #expect(handler.runs(of: id) == 1)
        }
    }

    /// An `ingest.upload` job of the stored object `key`, its payload encoded as the upload route
    /// encodes it (the queries that look for a key in payloads read that text).
    static func upload(_ key: String) throws -> NewJob {
        try NewJob(
            kind: JobKind.ingestUpload,
            payload: IngestUploadPayload(collection: "c", object: StoredObject(key: key, size: 1), filename: "a.txt"),
            ownerID: owner)
    }

    @Test(
        "a handler done with its upload keeps the file while another queued job carries the same bytes",
        arguments: QueueBackend.all)
    func sharedUpload(backend: QueueBackend) async throws {
        try await backend.with { store in
            let queue = JobQueue(database: store)
            let root = FileManager.default.temporaryDirectory
                .appendingPathComponent("chatbot-shared-\(UUID().uuidString)", isDirectory: true)
            defer { try? FileManager.default.removeItem(at: root) }
            let objects = FileSystemObjectStore(root: root)
            let key = try await objects.put(Data("the same file, uploaded twice".utf8))
            let other = try await objects.put(Data("a file nobody else names".utf8))
            let first = try await queue.enqueue(try Self.upload(key)).job
            let second = try await queue.enqueue(try Self.upload(key)).job
            let lone = try await queue.enqueue(try Self.upload(other)).job

            // The first job failed for good: its file stays, the second job still needs it.
            await IngestUploadHandler.dropUnreferenced(key, of: first, bytes: nil, database: store, objects: objects)
            #expect(try await objects.exists(key))
            // A file only its own job named goes.
            await IngestUploadHandler.dropUnreferenced(other, of: lone, bytes: nil, database: store, objects: objects)
            #expect(try await !objects.exists(other))
            // Once the second job is cancelled, nothing else needs the shared file.
            _ = try await queue.cancel(second.id, viewer: .everyone)
            #expect(try await !queue.hasPendingJob(naming: key, other: first.id))
            await IngestUploadHandler.dropUnreferenced(key, of: first, bytes: nil, database: store, objects: objects)
            #expect(try await !objects.exists(key))
        }
    }

    @Test(
        "prune deletes jobs that ended before the cutoff, and the uploads only they named", arguments: QueueBackend.all)
    func prune(backend: QueueBackend) async throws {
        try await backend.with { store in
            let clock = HandClock()
            let queue = JobQueue(database: store, now: { clock.now })
            let root = FileManager.default.temporaryDirectory
                .appendingPathComponent("chatbot-prune-\(UUID().uuidString)", isDirectory: true)
            defer { try? FileManager.default.removeItem(at: root) }
            let objects = FileSystemObjectStore(root: root)
            let lone = try await objects.put(Data("only the cancelled upload names this".utf8))
            let shared = try await objects.put(Data("a queued upload names this too".utf8))
            // Ten days ago: two cancelled uploads and a succeeded job, and an upload still queued.
            let cancelledLone = try await queue.enqueue(try Self.upload(lone)).job.id
            _ = try await queue.cancel(cancelledLone, viewer: .everyone)
            let cancelledShared = try await queue.enqueue(try Self.upload(shared)).job.id
            _ = try await queue.cancel(cancelledShared, viewer: .everyone)
            let succeeded = try await queue.enqueue(Self.new()).job.id
            let claimed = try #require(try await queue.claim(worker: "w", lease: .seconds(30)))
            #expect(claimed.id == succeeded)
            #expect(try await queue.succeed(succeeded, worker: "w", result: nil))
            let queued = try await queue.enqueue(try Self.upload(shared)).job.id
            clock.advance(10 * 86_400)
            // Today: one more cancelled job.
            let recent = try await queue.enqueue(Self.new()).job.id
            _ = try await queue.cancel(recent, viewer: .everyone)

            let outcome = try await JobRetention.prune(
                queue: queue, objects: objects, finishedBefore: clock.now.addingTimeInterval(-7 * 86_400))
            #expect(outcome == JobRetention.Outcome(jobs: 3, objects: 1))
            for id in [cancelledLone, cancelledShared, succeeded] { #expect(try await queue.fetch(id) == nil) }
            #expect(try await queue.fetch(queued)?.status == .queued)
            #expect(try await queue.fetch(recent)?.status == .cancelled)
            #expect(try await !objects.exists(lone))
            #expect(try await objects.exists(shared))
            // Nothing left to do.
            let again = try await JobRetention.prune(
                queue: queue, objects: objects, finishedBefore: clock.now.addingTimeInterval(-7 * 86_400))
            #expect(again == JobRetention.Outcome(jobs: 0, objects: 0))
        }
    }

    @Test(
        "an idempotency key returns the owner's first job; another owner's key is theirs", arguments: QueueBackend.all)
    func idempotency(backend: QueueBackend) async throws {
        try await backend.with { store in
            let queue = JobQueue(database: store)
            let (first, created) = try await queue.enqueue(Self.new(key: "upload-1"))
            #expect(created)
            let (again, createdAgain) = try await queue.enqueue(
                NewJob(kind: "test", payload: #"{"other":1}"#, ownerID: Self.owner, idempotencyKey: "upload-1"))
            #expect(!createdAgain)
            #expect(again.id == first.id)
            #expect(again.payload == "{}")
            let (theirs, createdTheirs) = try await queue.enqueue(
                NewJob(kind: "test", payload: "{}", ownerID: "someone-else", idempotencyKey: "upload-1"))
            #expect(createdTheirs)
            #expect(theirs.id != first.id)
            // Without a key every request is a new job.
            #expect(try await queue.enqueue(Self.new()).created)
            #expect(try await queue.enqueue(Self.new()).created)
            // Another user sees none of the owner's jobs.
            let stranger = JobViewer(userID: "someone-else", isAdmin: false)
            #expect(try await queue.list(viewer: stranger).map(\.id) == [theirs.id])
            await #expect(throws: ChatbotError.self) { try await queue.job(first.id, viewer: stranger) }
            await #expect(throws: ChatbotError.self) { try await queue.cancel(first.id, viewer: stranger) }
        }
    }

    @Test("a worker shutting down gives its running job back without counting the attempt", arguments: QueueBackend.all)
    func releaseOnShutdown(backend: QueueBackend) async throws {
        try await backend.with { store in
            let queue = JobQueue(database: store)
            let handler = ScriptedHandler()
            let id = try await queue.enqueue(Self.new()).job.id
            handler.set(.loopUntilStopped, for: id)
            let worker = JobWorker(
                queue: queue, handlers: [handler],
                options: JobWorker.Options(concurrency: 1, pollInterval: .milliseconds(50), grace: .milliseconds(200)),
                logger: QueueBackend.logger)
            try await Self.run([worker]) {
                while try await queue.fetch(id)?.status != .running { try await Task.sleep(for: .milliseconds(20)) }
            }
            let released = try #require(try await queue.fetch(id))
            #expect(released.status == .queued)
            #expect(released.attempts == 0)
            #expect(released.leaseHolder == nil)
        }
    }

    /// Runs `workers` in a service group until `body` returns, then shuts them down gracefully.
    static func run(_ workers: [JobWorker], until body: @escaping @Sendable () async throws -> Void) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: workers.map { .init(service: $0) }, logger: QueueBackend.logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await withTimeout(.seconds(120), body)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static func withTimeout(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw ChatbotError(.temporary, "timed out after \(limit)")
            }
            try await group.next()
            group.cancelAll()
        }
    }
}

@Suite("the job queue on PostgreSQL: NOTIFY wakes idle workers")
struct JobWakeUpTests {
    @Test(
        "a job enqueued by another process's queue is claimed long before the idle worker's poll interval",
        .enabled(if: QueueBackend.all.count > 1, "CHATBOT_TEST_POSTGRES_URL is not set"))
    func notifyWakesWorkers() async throws {
        try await QueueBackend.all[1].with { store in
            let handler = ScriptedHandler()
            // A worker that polls once a minute: only a notification can wake it in time.
            let worker = JobWorker(
                queue: JobQueue(database: store), handlers: [handler],
                options: JobWorker.Options(concurrency: 1, pollInterval: .seconds(60)), logger: QueueBackend.logger)
            // Another queue object with a signal of its own, like another process.
            let other = JobQueue(database: store)
            try await JobQueueTests.run([worker]) {
                // Let the worker go idle (its first claim finds nothing) and its listener connect.
                try await Task.sleep(for: .seconds(2))
                let started = ContinuousClock.now
                let id = try await other.enqueue(JobQueueTests.new()).job.id
                while try await other.fetch(id)?.status != .succeeded {
                    try await Task.sleep(for: .milliseconds(20))
                    #expect(ContinuousClock.now - started < .seconds(30), "not woken")
                    if ContinuousClock.now - started > .seconds(30) { return }
                }
            }
            #expect(handler.totalRuns == 1)
        }
    }
}
