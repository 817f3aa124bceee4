public import ChatbotCore
import ChatbotDocuments
public import ChatbotServices
import ChatbotSpeech
public import ChatbotStorage
public import Foundation
import NIOPosix

/// What a `transcribe` job transcribes: an uploaded media file.
public struct TranscribePayload: Codable, Sendable, Hashable {
    /// The stored upload.
    public var object: StoredObject
    /// The name it was uploaded with.
    public var filename: String
    /// `txt`, `srt`, `vtt` or `json`.
    public var format: String
    /// The spoken language, when known (ISO 639-1).
    public var language: String?

    /// Creates the payload.
    public init(object: StoredObject, filename: String, format: String, language: String? = nil) {
        self.object = object
        self.filename = filename
        self.format = format
        self.language = language
    }
}

/// What a `transcribe` job gives back: the transcript in the asked format, stored as an object
/// too, and its text.
public struct TranscribeResult: Codable, Sendable, Hashable {
    /// The transcript file's object key.
    public var object: StoredObject
    /// Its format.
    public var format: String
    /// The rendered transcript (the same bytes as the object).
    public var transcript: String
    /// The plain text.
    public var text: String
    /// The language heard.
    public var language: String?
    /// The media's length in seconds.
    public var duration: Double?
}

/// Runs `transcribe`: the upload through the same ``SpeechService`` as `chatbot transcribe`
/// (windows, retries, the transcript cache), rendered in the asked format and stored. Idempotent:
/// the transcript is content-addressed and cached. The upload is deleted once transcribed, or when
/// it fails for good.
public struct TranscribeHandler: JobHandler {
    /// The kind this handler runs.
    public var kind: String { JobKind.transcribe }
    let services: ChatbotServices
    let database: any SQLDatabaseStore

    /// A handler over the services.
    public init(services: ChatbotServices, database: any SQLDatabaseStore) {
        self.services = services
        self.database = database
    }

    /// Runs one job (see ``JobHandler``).
    public func run(_ job: Job, context: JobContext) async throws -> String? {
        let payload = try decodePayload(TranscribePayload.self, from: job)
        guard let format = TranscriptFormat(rawValue: payload.format) else {
            throw JobFailure.permanent("the format is one of txt, srt, vtt, json")
        }
        let objects = try services.objectStore()
        guard let bytes = try await objects.get(payload.object.key) else {
            throw JobFailure.permanent("the uploaded file is no longer in the object store")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chatbot-job-\(UUID().uuidString)", isDirectory: true)
        let file = directory.appendingPathComponent("media" + UploadSniffer.safeExtension(payload.filename))
        try await NIOThreadPool.singleton.runIfActive {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try bytes.write(to: file)
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        context.progress(JobProgress(done: 0, total: 1, message: "transcribing"))
        let transcript: Transcript
        do {
            transcript = try await services.transcript(ofFile: file.path, language: payload.language, prompt: nil)
        } catch {
            if !JobFailure.isRetryable(error) || job.attempts >= job.maxAttempts {
                await IngestUploadHandler.dropUnreferenced(
                    payload.object.key, of: job, bytes: bytes, database: database, objects: objects)
            }
            let message = JobFailure.message(error)
                .replacingOccurrences(of: file.path, with: payload.filename)
            throw JobFailure(message: message, retryable: JobFailure.isRetryable(error))
        }
        try context.checkpoint()
        let rendered = format.render(transcript)
        let data = Data(rendered.utf8)
        let key = try await objects.put(data)
        await IngestUploadHandler.dropUnreferenced(
            payload.object.key, of: job, bytes: bytes, database: database, objects: objects)
        context.progress(JobProgress(done: 1, total: 1, message: "done"))
        return try encodeResult(
            TranscribeResult(
                object: StoredObject(key: key, size: data.count), format: format.rawValue, transcript: rendered,
                text: transcript.text, language: transcript.language, duration: transcript.duration))
    }
}

/// Runs `noop`: nothing, at once (the queue's own throughput, `Scripts/bench/jobs`).
public struct NoopHandler: JobHandler {
    /// The kind this handler runs.
    public var kind: String { JobKind.noop }

    /// The handler.
    public init() {}

    /// Runs one job (see ``JobHandler``).
    public func run(_ job: Job, context: JobContext) async throws -> String? { nil }
}

/// The handlers `chatbot worker` and `chatbot serve` run.
public enum JobHandlers {
    /// Every kind, over `services` and `database`.
    public static func standard(
        services: ChatbotServices, database: any SQLDatabaseStore, fetchAllowedHostPorts: Set<String> = []
    ) -> [any JobHandler] {
        [
            IngestUploadHandler(services: services, database: database),
            IngestURLHandler(services: services, database: database, allowedHostPorts: fetchAllowedHostPorts),
            IngestPathsHandler(services: services, database: database),
            TranscribeHandler(services: services, database: database),
            NoopHandler(),
        ]
    }
}
