public import Foundation

/// Where a job is in its life.
///
/// `queued` jobs wait for their `runAt` (a retry waits out its backoff as `queued`); a worker
/// holding the job's lease makes it `running`; it ends `succeeded`, `failed` (an error retrying
/// cannot fix: a malformed file, a refused URL), `cancelled`, or `dead` (it failed on every
/// attempt, or its workers kept dying, and keeps the last error).
public enum JobStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case queued, running, succeeded, failed, cancelled, dead

    /// Whether the job will not run again unless retried.
    public var isFinal: Bool { self != .queued && self != .running }
}

/// How far a running job has come, as its handler reports it.
public struct JobProgress: Sendable, Hashable, Codable {
    /// Units done (sources, chunks, seconds of audio).
    public var done: Int
    /// Units in all, when known.
    public var total: Int?
    /// What it is doing now, for people.
    public var message: String?

    /// Creates a report.
    public init(done: Int, total: Int? = nil, message: String? = nil) {
        self.done = done
        self.total = total
        self.message = message
    }
}

/// One row of the `jobs` table.
public struct Job: Sendable, Hashable, Identifiable {
    /// A random UUID, lowercase.
    public var id: String
    /// Which handler runs it (``JobKind``).
    public var kind: String
    /// The handler's input, JSON.
    public var payload: String
    /// The user it belongs to; only they and admins see it.
    public var ownerID: String
    /// Where it is (see ``JobStatus``).
    public var status: JobStatus
    /// Attempts started so far (a claim counts one).
    public var attempts: Int
    /// Attempts allowed before it is `dead`.
    public var maxAttempts: Int
    /// The earliest time it may be claimed.
    public var runAt: Date
    /// The worker holding its lease while it runs.
    public var leaseHolder: String?
    /// When that lease runs out unless renewed.
    public var leaseExpiresAt: Date?
    /// Someone asked to cancel it while it runs; its worker stops at the next checkpoint.
    public var cancelRequested: Bool
    /// The handler's last progress report.
    public var progress: JobProgress?
    /// The handler's result, JSON, once it succeeded.
    public var result: String?
    /// The last error, kept through retries and in `failed` and `dead` jobs.
    public var error: String?
    /// The creating request's `Idempotency-Key`, unique per owner.
    public var idempotencyKey: String?
    /// When it was created.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date
    /// When it reached a final status.
    public var finishedAt: Date?
}

/// The kinds of job this binary runs.
public enum JobKind {
    /// Ingest an uploaded file (a document, or audio/video through the speech service) into a
    /// collection (``IngestUploadPayload``).
    public static let ingestUpload = "ingest.upload"
    /// Ingest a URL, or crawl a site, into a collection (``IngestURLPayload``).
    public static let ingestURL = "ingest.url"
    /// Ingest local paths on the worker's machine (`chatbot ingest --queue`; ``IngestPathsPayload``).
    public static let ingestPaths = "ingest.paths"
    /// Transcribe an uploaded media file to a stored transcript (``TranscribePayload``).
    public static let transcribe = "transcribe"
    /// Does nothing: measures the queue itself (`Scripts/bench/jobs`).
    public static let noop = "noop"

    /// Every kind, for `--kinds` and the metrics.
    public static let all = [ingestUpload, ingestURL, ingestPaths, transcribe, noop]
}

/// A job to enqueue.
public struct NewJob: Sendable {
    /// Its kind (``JobKind``).
    public var kind: String
    /// Its input, JSON.
    public var payload: String
    /// Its owner.
    public var ownerID: String
    /// Attempts before it is `dead`.
    public var maxAttempts: Int
    /// Not before this time (now when `nil`).
    public var runAt: Date?
    /// A client's key: enqueuing again with the same owner and key returns the first job.
    public var idempotencyKey: String?

    /// Creates the request.
    public init(
        kind: String, payload: String, ownerID: String, maxAttempts: Int = 5, runAt: Date? = nil,
        idempotencyKey: String? = nil
    ) {
        self.kind = kind
        self.payload = payload
        self.ownerID = ownerID
        self.maxAttempts = max(1, maxAttempts)
        self.runAt = runAt
        self.idempotencyKey = idempotencyKey
    }

    /// A job whose payload is `payload` encoded as JSON.
    public init<Payload: Encodable>(
        kind: String, payload: Payload, ownerID: String, maxAttempts: Int = 5, idempotencyKey: String? = nil
    ) throws {
        self.init(
            kind: kind, payload: try encodeResult(payload), ownerID: ownerID,
            maxAttempts: maxAttempts, idempotencyKey: idempotencyKey)
    }
}

/// Who is looking at jobs: its owner sees its own, an admin sees all.
public struct JobViewer: Sendable, Hashable {
    /// The user.
    public var userID: String
    /// Whether they see every job.
    public var isAdmin: Bool

    /// Creates a viewer.
    public init(userID: String, isAdmin: Bool) {
        self.userID = userID
        self.isAdmin = isAdmin
    }

    /// Sees everything: the CLI on the store (`chatbot jobs`), whose user may act on the database anyway.
    public static let everyone = JobViewer(userID: "", isAdmin: true)
}
