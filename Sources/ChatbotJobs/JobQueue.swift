public import ChatbotCore
public import ChatbotStorage
public import Foundation
import SQLKit

/// The durable job queue in the `jobs` table, shared by every `serve` and `worker` process on
/// one database.
///
/// Claiming takes the oldest due job in one statement: on PostgreSQL an `UPDATE` of the row a
/// `FOR UPDATE SKIP LOCKED` subquery picks, so concurrent workers never wait for or take the same
/// row; on SQLite inside `BEGIN IMMEDIATE`, which serializes writers. A claimed job carries a lease that
/// its worker renews (``heartbeat(_:worker:lease:)``); only the lease holder can finish it, so a
/// job whose lease expired and was claimed again is completed once. Failures are retried after an
/// exponential backoff with jitter until ``Job/maxAttempts``.
public struct JobQueue: Sendable {
    /// The channel PostgreSQL's `NOTIFY` wakes idle workers on.
    public static let notifyChannel = "chatbot_jobs"

    let database: any SQLDatabaseStore
    /// How retries back off.
    public let backoff: JobBackoff
    private let now: @Sendable () -> Date

    /// A queue on `database`; `now` is the clock (tests move it).
    public init(
        database: any SQLDatabaseStore, backoff: JobBackoff = JobBackoff(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.backoff = backoff
        self.now = now
    }

    private var isPostgres: Bool { database.backend == .postgres }

    // MARK: - Creating and reading

    /// Adds a job, or returns the owner's earlier job with the same idempotency key
    /// (`created` is then `false`). On PostgreSQL idle workers are woken.
    public func enqueue(_ new: NewJob) async throws -> (job: Job, created: Bool) {
        let time = JobTime.milliseconds(now())
        let runAt = new.runAt.map(JobTime.milliseconds) ?? time
        let id = UUID().uuidString.lowercased()
        let postgres = isPostgres
        let inserted = try await database.withTransaction { sql -> Job? in
            let rows = try await sql.raw(
                """
                INSERT INTO jobs (id, kind, payload, owner_id, status, attempts, max_attempts, run_at, \
                cancel_requested, idempotency_key, created_at, updated_at) \
                VALUES (\(bind: id), \(bind: new.kind), \(bind: new.payload), \(bind: new.ownerID), 'queued', 0, \
                \(bind: new.maxAttempts), \(bind: runAt), 0, \(bind: new.idempotencyKey), \(bind: time), \(bind: time)) \
                ON CONFLICT (owner_id, idempotency_key) DO NOTHING RETURNING \(unsafeRaw: JobRow.columns)
                """
            ).all()
            if !rows.isEmpty, postgres {
                try await sql.raw("SELECT pg_notify(\(bind: Self.notifyChannel), \(bind: new.kind))").run()
            }
            return try rows.first.map(JobRow.decode)
        }
        // The job as stored, before any worker (woken at the commit) changed it.
        if let inserted { return (inserted, true) }
        guard let key = new.idempotencyKey,
            let first = try await database.withoutTransaction({ sql in
                try await sql.raw(
                    """
                    SELECT \(unsafeRaw: JobRow.columns) FROM jobs \
                    WHERE owner_id = \(bind: new.ownerID) AND idempotency_key = \(bind: key)
                    """
                ).first().map(JobRow.decode)
            })
        else {
            throw ChatbotError(.runtime, "the job was neither stored nor found")
        }
        return (first, false)
    }

    /// The job `id` as `viewer` may see it.
    ///
    /// - Throws: ``ChatbotError`` `.notFound` when there is none or it is another user's.
    public func job(_ id: String, viewer: JobViewer) async throws -> Job {
        guard let job = try await fetch(id), viewer.isAdmin || job.ownerID == viewer.userID else {
            throw ChatbotError(.notFound, "no job '\(id.prefix(80))'")
        }
        return job
    }

    /// The job `id`, whoever owns it.
    public func fetch(_ id: String) async throws -> Job? {
        try await database.withoutTransaction { sql in
            try await sql.raw("SELECT \(unsafeRaw: JobRow.columns) FROM jobs WHERE id = \(bind: id)").first()
                .map(JobRow.decode)
        }
    }

    /// What ``list(viewer:status:kind:limit:before:)`` filters on.
    public struct Filter: Sendable {
        /// Only jobs in this status.
        public var status: JobStatus?
        /// Only jobs of this kind.
        public var kind: String?
        /// Only jobs of this owner (admins).
        public var ownerID: String?
        /// Creates a filter (everything).
        public init(status: JobStatus? = nil, kind: String? = nil, ownerID: String? = nil) {
            self.status = status
            self.kind = kind
            self.ownerID = ownerID
        }
    }

    /// The newest jobs `viewer` may see, newest first, at most `limit`, older than the job
    /// `before` when given (a page cursor).
    public func list(viewer: JobViewer, filter: Filter = Filter(), limit: Int = 50, before: String? = nil)
        async throws -> [Job]
    {
        var conditions: [SQLQueryString] = []
        if !viewer.isAdmin { conditions.append("owner_id = \(bind: viewer.userID)") }
        if let owner = filter.ownerID { conditions.append("owner_id = \(bind: owner)") }
        if let status = filter.status { conditions.append("status = \(bind: status.rawValue)") }
        if let kind = filter.kind { conditions.append("kind = \(bind: kind)") }
        if let before, let cursor = try await fetch(before) {
            let created = JobTime.milliseconds(cursor.createdAt)
            conditions.append(
                "(created_at < \(bind: created) OR (created_at = \(bind: created) AND id < \(bind: cursor.id)))")
        }
        var query: SQLQueryString = "SELECT \(unsafeRaw: JobRow.columns) FROM jobs"
        for (index, condition) in conditions.enumerated() {
            query = query + (index == 0 ? " WHERE " : " AND ") + condition
        }
        query = query + " ORDER BY created_at DESC, id DESC LIMIT \(bind: max(1, min(limit, 500)))"
        let final = query
        return try await database.withoutTransaction { sql in try await sql.raw(final).all().map(JobRow.decode) }
    }

    /// The number of jobs per kind and status (the metrics' queue depth).
    public func depth() async throws -> [(kind: String, status: JobStatus, count: Int)] {
        try await database.withoutTransaction { sql in
            try await sql.raw("SELECT kind, status, COUNT(*) AS n FROM jobs GROUP BY kind, status").all().compactMap {
                row in
                guard let status = JobStatus(rawValue: try row.decode(column: "status", as: String.self)) else {
                    return nil
                }
                return (
                    try row.decode(column: "kind", as: String.self), status, try row.decode(column: "n", as: Int.self)
                )
            }
        }
    }

    // MARK: - Workers

    /// Claims the oldest due job (of `kinds`, when given) for `worker` with a lease of `lease`,
    /// counting an attempt; `nil` when none is due. A job whose lease expired (its worker died)
    /// is due again.
    public func claim(worker: String, kinds: Set<String>? = nil, lease: Duration) async throws -> Job? {
        let time = JobTime.milliseconds(now())
        let expires = time + JobTime.milliseconds(lease)
        // `status IN (…)` and the order match the partial index `jobs_due_idx`, so a claim reads
        // the unfinished jobs only, oldest first, however many finished ones the table holds.
        var due: SQLQueryString = """
            SELECT id FROM jobs WHERE status IN ('queued', 'running') AND run_at <= \(bind: time) \
            AND (status = 'queued' OR (lease_expires_at < \(bind: time) AND attempts < max_attempts \
            AND cancel_requested = 0))
            """
        if let kinds { due = due + " AND kind IN (\(binds: kinds.sorted()))" }
        due = due + " ORDER BY run_at, created_at LIMIT 1"
        if isPostgres { due = due + " FOR UPDATE SKIP LOCKED" }
        let claim: SQLQueryString = """
            UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_holder = \(bind: worker), \
            lease_expires_at = \(bind: expires), updated_at = \(bind: time) \
            WHERE id = (\(due)) RETURNING \(unsafeRaw: JobRow.columns)
            """
        // One statement is atomic by itself on PostgreSQL (its row lock is taken and the update
        // committed together), so no BEGIN/COMMIT round trips; SQLite takes its write lock up front.
        if isPostgres {
            return try await database.withoutTransaction { sql in try await sql.raw(claim).first().map(JobRow.decode) }
        }
        return try await database.withTransaction { sql in try await sql.raw(claim).first().map(JobRow.decode) }
    }

    /// What a worker learns when it renews its lease.
    public enum LeaseState: Sendable, Hashable {
        /// Go on.
        case held
        /// Someone asked to cancel: stop at the next checkpoint and call ``cancelled(_:worker:)``.
        case cancelRequested
        /// The lease is gone (it expired and another worker took the job): stop, write nothing.
        case lost
    }

    /// Renews `worker`'s lease on `job` for `lease` more, recording `progress` when given.
    public func heartbeat(_ job: String, worker: String, lease: Duration, progress: JobProgress? = nil)
        async throws -> LeaseState
    {
        let time = JobTime.milliseconds(now())
        let expires = time + JobTime.milliseconds(lease)
        let progressJSON = try progress.map(JobRow.json)
        let row = try await database.withoutTransaction { sql in
            if let progressJSON {
                return try await sql.raw(
                    """
                    UPDATE jobs SET lease_expires_at = \(bind: expires), updated_at = \(bind: time), \
                    progress = \(bind: progressJSON) \
                    WHERE id = \(bind: job) AND lease_holder = \(bind: worker) AND status = 'running' \
                    RETURNING cancel_requested
                    """
                ).first()
            }
            return try await sql.raw(
                """
                UPDATE jobs SET lease_expires_at = \(bind: expires) \
                WHERE id = \(bind: job) AND lease_holder = \(bind: worker) AND status = 'running' \
                RETURNING cancel_requested
                """
            ).first()
        }
        guard let row else { return .lost }
        return try row.decode(column: "cancel_requested", as: Int.self) != 0 ? .cancelRequested : .held
    }

    /// Records `worker`'s success with `result` (JSON); `false` when its lease was lost, in which
    /// case nothing changes (the job's new holder finishes it).
    @discardableResult
    public func succeed(_ job: String, worker: String, result: String?, progress: JobProgress? = nil) async throws
        -> Bool
    {
        try await finish(job, worker: worker, status: .succeeded, result: result, error: nil, progress: progress)
    }

    /// Records that `worker` stopped `job` because it was asked to.
    @discardableResult
    public func cancelled(_ job: String, worker: String) async throws -> Bool {
        try await finish(job, worker: worker, status: .cancelled, result: nil, error: nil)
    }

    /// Records `worker`'s failure of `job`: a `retryable` failure with attempts left goes back to
    /// the queue after the backoff; otherwise the job ends `failed` (not retryable) or `dead`.
    /// Returns the new status, or `nil` when the lease was lost.
    @discardableResult
    public func fail(_ job: Job, worker: String, error: String, retryable: Bool) async throws -> JobStatus? {
        let message = String(error.prefix(4000))
        guard retryable, job.attempts < job.maxAttempts else {
            let status: JobStatus = retryable ? .dead : .failed
            return try await finish(job.id, worker: worker, status: status, result: nil, error: message) ? status : nil
        }
        let time = JobTime.milliseconds(now())
        let runAt = time + JobTime.milliseconds(backoff.delay(afterAttempt: job.attempts))
        let updated = try await database.withoutTransaction { sql in
            try await sql.raw(
                """
                UPDATE jobs SET status = 'queued', run_at = \(bind: runAt), lease_holder = NULL, \
                lease_expires_at = NULL, error = \(bind: message), updated_at = \(bind: time) \
                WHERE id = \(bind: job.id) AND lease_holder = \(bind: worker) AND status = 'running' RETURNING id
                """
            ).first()
        }
        return updated == nil ? nil : .queued
    }

    /// Gives `job` back to the queue without counting the attempt (a worker shutting down).
    public func release(_ job: String, worker: String) async throws {
        let time = JobTime.milliseconds(now())
        let postgres = isPostgres
        try await database.withTransaction { sql in
            let rows = try await sql.raw(
                """
                UPDATE jobs SET status = 'queued', attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, \
                run_at = \(bind: time), lease_holder = NULL, lease_expires_at = NULL, updated_at = \(bind: time) \
                WHERE id = \(bind: job) AND lease_holder = \(bind: worker) AND status = 'running' RETURNING kind
                """
            ).all()
            if postgres, let kind = try rows.first?.decode(column: "kind", as: String.self) {
                try await sql.raw("SELECT pg_notify(\(bind: Self.notifyChannel), \(bind: kind))").run()
            }
        }
    }

    /// Ends the running jobs whose lease expired and that may not run again: `cancelled` when a
    /// cancel was asked for, `dead` when their attempts are used up (their workers kept dying).
    /// Returns how many jobs it ended.
    @discardableResult
    public func reapExpired() async throws -> Int {
        let time = JobTime.milliseconds(now())
        return try await database.withoutTransaction { sql in
            let cancelled = try await sql.raw(
                """
                UPDATE jobs SET status = 'cancelled', lease_holder = NULL, lease_expires_at = NULL, \
                updated_at = \(bind: time), finished_at = \(bind: time) \
                WHERE status = 'running' AND lease_expires_at < \(bind: time) AND cancel_requested <> 0 RETURNING id
                """
            ).all().count
            let dead = try await sql.raw(
                """
                UPDATE jobs SET status = 'dead', lease_holder = NULL, lease_expires_at = NULL, \
                error = COALESCE(error, 'the worker running it stopped before finishing, on every attempt'), \
                updated_at = \(bind: time), finished_at = \(bind: time) \
                WHERE status = 'running' AND lease_expires_at < \(bind: time) AND attempts >= max_attempts RETURNING id
                """
            ).all().count
            return cancelled + dead
        }
    }

    private func finish(
        _ job: String, worker: String, status: JobStatus, result: String?, error: String?, progress: JobProgress? = nil
    ) async throws -> Bool {
        let time = JobTime.milliseconds(now())
        let progressJSON = try progress.map(JobRow.json)
        return try await database.withoutTransaction { sql in
            try await sql.raw(
                """
                UPDATE jobs SET status = \(bind: status.rawValue), result = \(bind: result), \
                error = \(bind: error), lease_holder = NULL, lease_expires_at = NULL, updated_at = \(bind: time), \
                progress = COALESCE(\(bind: progressJSON), progress), finished_at = \(bind: time) \
                WHERE id = \(bind: job) AND lease_holder = \(bind: worker) AND status = 'running' RETURNING id
                """
            ).first() != nil
        }
    }

    // MARK: - People

    /// Cancels `id` for `viewer`: a queued job ends `cancelled` now; a running one is asked to
    /// stop and ends `cancelled` at its handler's next checkpoint.
    ///
    /// - Throws: ``ChatbotError`` `.notFound` (not the viewer's), `.conflict` when it has ended.
    public func cancel(_ id: String, viewer: JobViewer) async throws -> Job {
        let job = try await self.job(id, viewer: viewer)
        let time = JobTime.milliseconds(now())
        let changed = try await database.withoutTransaction { sql in
            try await sql.raw(
                """
                UPDATE jobs SET \
                status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END, \
                finished_at = CASE WHEN status = 'queued' THEN \(bind: time) ELSE finished_at END, \
                cancel_requested = 1, updated_at = \(bind: time) \
                WHERE id = \(bind: job.id) AND status IN ('queued', 'running') RETURNING id
                """
            ).first() != nil
        }
        guard changed else {
            throw ChatbotError(.conflict, "job \(job.id) has already ended (\(job.status.rawValue))")
        }
        return try await self.job(id, viewer: viewer)
    }

    /// Runs `id` again from its first attempt: for a job that `failed`, is `dead` or was `cancelled`.
    ///
    /// - Throws: ``ChatbotError`` `.notFound` (not the viewer's), `.conflict` when it is queued,
    ///   running or succeeded.
    public func retry(_ id: String, viewer: JobViewer) async throws -> Job {
        let job = try await self.job(id, viewer: viewer)
        let time = JobTime.milliseconds(now())
        let postgres = isPostgres
        let changed = try await database.withTransaction { sql in
            let rows = try await sql.raw(
                """
                UPDATE jobs SET status = 'queued', attempts = 0, run_at = \(bind: time), cancel_requested = 0, \
                lease_holder = NULL, lease_expires_at = NULL, result = NULL, progress = NULL, finished_at = NULL, \
                updated_at = \(bind: time) \
                WHERE id = \(bind: job.id) AND status IN ('failed', 'dead', 'cancelled') RETURNING kind
                """
            ).all()
            if postgres, !rows.isEmpty {
                try await sql.raw("SELECT pg_notify(\(bind: Self.notifyChannel), \(bind: job.kind))").run()
            }
            return !rows.isEmpty
        }
        guard changed else {
            throw ChatbotError(
                .conflict, "job \(job.id) is \(job.status.rawValue); only failed, dead or cancelled jobs are retried")
        }
        return try await self.job(id, viewer: viewer)
    }
}

extension JobQueue {
    /// Deletes the jobs that ended (`succeeded`, `failed`, `cancelled`, `dead`) before `date` and
    /// returns them; queued and running jobs stay whatever their age. See ``JobRetention`` for the
    /// uploads and transcripts only those jobs referred to.
    public func prune(finishedBefore date: Date) async throws -> [Job] {
        let cutoff = JobTime.milliseconds(date)
        return try await database.withoutTransaction { sql in
            try await sql.raw(
                """
                DELETE FROM jobs WHERE status IN ('succeeded', 'failed', 'cancelled', 'dead')                 AND finished_at < \(bind: cutoff) RETURNING \(unsafeRaw: JobRow.columns)
                """
            ).all().map(JobRow.decode)
        }
    }

    /// The payloads and results of every job of `kinds`, for ``JobRetention``.
    /// Whether a queued or running job other than `id` names the stored object `key` in its payload.
    /// Uploads are content-addressed (the key is the SHA-256 of the bytes, in hex), so two jobs can
    /// carry one file; a handler done with its upload must not delete it from under the other.
    public func hasPendingJob(naming key: String, other id: String) async throws -> Bool {
        let pattern = "%\"key\":\"\(key)\"%"
        return try await database.withoutTransaction { sql in
            try await sql.raw(
                """
                SELECT id FROM jobs WHERE id <> \(bind: id) AND status IN ('queued', 'running') \
                AND payload LIKE \(bind: pattern) LIMIT 1
                """
            ).first() != nil
        }
    }

    func payloadsAndResults(ofKinds kinds: [String]) async throws -> [(payload: String, result: String?)] {
        guard !kinds.isEmpty else { return [] }
        return try await database.withoutTransaction { sql in
            try await sql.raw("SELECT payload, result FROM jobs WHERE kind IN (\(binds: kinds))").all().map { row in
                (
                    try row.decode(column: "payload", as: String.self),
                    try row.decode(column: "result", as: String?.self)
                )
            }
        }
    }
}

/// How long a failed job waits before its next attempt: `base × 2^(attempt − 1)`, at most `cap`,
/// times a random factor in [0.5, 1) so that jobs failing together do not retry together.
public struct JobBackoff: Sendable {
    /// The first delay (before jitter).
    public var base: Duration
    /// The longest delay (before jitter).
    public var cap: Duration
    /// A number in [0, 1): the jitter (tests fix it).
    public var random: @Sendable () -> Double

    /// A backoff; the defaults wait about 5 s, 10 s, 20 s … up to 10 minutes.
    public init(
        base: Duration = .seconds(5), cap: Duration = .seconds(600),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.base = base
        self.cap = cap
        self.random = random
    }

    /// The delay after the `attempt`-th attempt (1-based) failed.
    public func delay(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let full = min(base * (1 << exponent), cap)
        return full * (0.5 + 0.5 * min(max(random(), 0), 1))
    }
}

/// Times as stored: whole milliseconds since 1970, like the rest of the schema.
enum JobTime {
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let parts = duration.components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }

    static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

/// The columns of a job, and one decoded from a row.
enum JobRow {
    static let columns =
        "id, kind, payload, owner_id, status, attempts, max_attempts, run_at, lease_holder, lease_expires_at, "
        + "cancel_requested, progress, result, error, idempotency_key, created_at, updated_at, finished_at"

    static func decode(_ row: any SQLRow) throws -> Job {
        let progress = try row.decode(column: "progress", as: String?.self).flatMap {
            try? JSONDecoder().decode(JobProgress.self, from: Data($0.utf8))
        }
        return Job(
            id: try row.decode(column: "id", as: String.self),
            kind: try row.decode(column: "kind", as: String.self),
            payload: try row.decode(column: "payload", as: String.self),
            ownerID: try row.decode(column: "owner_id", as: String.self),
            status: JobStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .failed,
            attempts: try row.decode(column: "attempts", as: Int.self),
            maxAttempts: try row.decode(column: "max_attempts", as: Int.self),
            runAt: JobTime.date(try row.decode(column: "run_at", as: Int64.self)),
            leaseHolder: try row.decode(column: "lease_holder", as: String?.self),
            leaseExpiresAt: try row.decode(column: "lease_expires_at", as: Int64?.self).map(JobTime.date),
            cancelRequested: try row.decode(column: "cancel_requested", as: Int.self) != 0,
            progress: progress,
            result: try row.decode(column: "result", as: String?.self),
            error: try row.decode(column: "error", as: String?.self),
            idempotencyKey: try row.decode(column: "idempotency_key", as: String?.self),
            createdAt: JobTime.date(try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: JobTime.date(try row.decode(column: "updated_at", as: Int64.self)),
            finishedAt: try row.decode(column: "finished_at", as: Int64?.self).map(JobTime.date))
    }

    static func json(_ progress: JobProgress) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(progress), as: UTF8.self)
    }
}
