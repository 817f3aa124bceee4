import ChatbotAccounts
import ChatbotCore
import ChatbotDocuments
import ChatbotJobs
import ChatbotRetrieval
import ChatbotServices
import ChatbotStorage
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The routes that hand work to the job queue and answer `202 Accepted` with the job:
///
/// - `POST /api/collections/{name}/documents`: a file, as the raw body (name in `?filename=` or
///   `Content-Disposition`) or the `file` part of a multipart form, streamed into the object
///   store while it is hashed and measured (413 past the cap, with nothing kept), after its first
///   bytes were checked against its name (415 when they contradict it). Then an `ingest.upload` job.
/// - `POST /api/collections/{name}/urls`: a URL or a crawl (`ingest.url`; the SSRF guard applies).
/// - `POST /api/transcriptions`: a media file, transcribed by a `transcribe` job.
///
/// An `Idempotency-Key` header makes a retried request return the first job.
struct UploadRoutes {
    let services: ChatbotServices
    let database: any SQLDatabaseStore
    let queue: JobQueue
    let signal: JobSignal
    let maxUploadBytes: Int

    struct URLBody: Decodable {
        var url: String
        var depth: Int?
        var maxPages: Int?
        var samePathPrefix: Bool?
    }

    func register(_ group: RouterGroup<ServerContext>) {
        group.post("/collections/:name/documents") { request, context in try await upload(request, context) }
        group.post("/collections/:name/urls") { request, context in try await addURL(request, context) }
        group.post("/transcriptions") { request, context in try await transcribe(request, context) }
    }

    private func catalog() throws -> CollectionCatalog {
        CollectionCatalog(store: database, objects: try services.objectStore(), logger: services.logger)
    }

    /// Whether the caller may add to `name`: `true` when it exists and they may change it, `false`
    /// when it does not exist yet (the upload creates it, theirs); 404 when they cannot read it,
    /// 403 when they can read but not change it.
    private func checkWritable(_ name: String, reader: CollectionCatalog.Reader) async throws -> Bool {
        try IngestOptions.validateCollectionName(name)
        guard let found = try await catalog().list().first(where: { $0.name == name }) else { return false }
        guard reader.mayRead(found) else { throw CollectionCatalog.notFound(name) }
        guard reader.mayChange(found) else {
            throw ServerError.forbidden("only the owner of '\(name)' or an admin may add to it")
        }
        return true
    }

    private func ensureCollection(_ name: String, exists: Bool, reader: CollectionCatalog.Reader) async throws {
        guard !exists else { return }
        do {
            _ = try await catalog().create(name, ownerID: reader.userID, visibility: .private)
        } catch let error as ChatbotError where error.kind == .conflict {
            // Made meanwhile by another request: fine when it is the caller's.
            _ = try await checkWritable(name, reader: reader)
        }
    }

    static func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else { return nil }
        guard (1...255).contains(key.utf8.count), key.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value < 0x7F })
        else {
            throw ServerError.badRequest("Idempotency-Key is 1–255 visible ASCII characters")
        }
        return key
    }

    /// A file name as the client gave it, refused when it is not a plain name: no directory
    /// parts, no `..`, no control characters, at most 255 bytes, not hidden.
    static func checkedFilename(_ name: String?) throws -> String {
        guard let name, !name.isEmpty else {
            throw ServerError.badRequest(
                "name the file: ?filename=, a Content-Disposition filename, or the form part's filename")
        }
        let unsafe =
            name.contains("/") || name.contains("\\") || name == "." || name == ".." || name.hasPrefix(".")
            || name.utf8.count > 255 || name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        guard !unsafe else {
            throw ServerError.badRequest(
                "'\(name.prefix(100))' is not a plain file name (no directories, '..', control characters or leading '.')"
            )
        }
        return name
    }

    /// The stored upload, its name and the form's fields; 415 when its content contradicts its name.
    private func receive(_ request: Request, mediaOnly: Bool) async throws -> (StoredObject, String, [String: String]) {
        let body = UploadBody(request, maxFileBytes: maxUploadBytes)
        let head = try await body.head(8192)
        let named =
            request.uri.queryParameters.get("filename") ?? body.partFilename
            ?? request.headers[.contentDisposition].flatMap { MultipartReader.parameter("filename", in: $0) }
        let filename = try Self.checkedFilename(named)
        if body.isMultipart, body.partFilename == nil, head.isEmpty {
            throw ServerError.badRequest("the form has no file (a field named 'file' with a filename)")
        }
        guard !head.isEmpty else { throw ServerError.badRequest("the file is empty") }
        if let mismatch = UploadSniffer.mismatch(filename: filename, head: head, mediaOnly: mediaOnly) {
            throw HTTPError(.unsupportedMediaType, message: mismatch)
        }
        do {
            let stored = try await services.objectStore().put(streaming: body.stream(), maxBytes: maxUploadBytes)
            return (stored, filename, body.fields)
        } catch {
            services.logger.info(
                "Upload not stored", metadata: ["filename": "\(filename)", "reason": "\(JobFailure.message(error))"])
            throw error
        }
    }

    private func accepted(_ job: Job, created: Bool, request: Request, context: ServerContext) throws -> Response {
        if created { signal.notify() }
        var response = try JobDocument(job).response(from: request, context: context)
        response.status = .accepted
        response.headers[.location] = "/api/jobs/\(job.id)"
        return response
    }

    private func upload(_ request: Request, _ context: ServerContext) async throws -> Response {
        let reader = try CollectionRoutes.reader(context, .documentsWrite)
        let name = try context.parameters.require("name")
        let exists = try await checkWritable(name, reader: reader)
        let key = try Self.idempotencyKey(request)
        let (stored, filename, _) = try await receive(request, mediaOnly: false)
        try await ensureCollection(name, exists: exists, reader: reader)
        let new = try NewJob(
            kind: JobKind.ingestUpload,
            payload: IngestUploadPayload(collection: name, object: stored, filename: filename),
            ownerID: reader.userID, idempotencyKey: key)
        let (job, created) = try await queue.enqueue(new)
        return try accepted(job, created: created, request: request, context: context)
    }

    private func addURL(_ request: Request, _ context: ServerContext) async throws -> Response {
        let reader = try CollectionRoutes.reader(context, .documentsWrite)
        let name = try context.parameters.require("name")
        let exists = try await checkWritable(name, reader: reader)
        let key = try Self.idempotencyKey(request)
        let body = try await request.decode(as: URLBody.self, context: context)
        guard body.url.utf8.count <= 2048, let url = URL(string: body.url), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host != nil
        else {
            throw ServerError.badRequest("url must be an absolute http(s) URL of at most 2048 bytes")
        }
        let depth = body.depth ?? 0
        let maxPages = body.maxPages ?? (depth == 0 ? 1 : 50)
        guard (0...5).contains(depth), (1...1000).contains(maxPages) else {
            throw ServerError.badRequest("depth is 0–5 and max_pages 1–1000")
        }
        try await ensureCollection(name, exists: exists, reader: reader)
        let new = try NewJob(
            kind: JobKind.ingestURL,
            payload: IngestURLPayload(
                collection: name, url: url.absoluteString, depth: depth, maxPages: maxPages,
                samePathPrefix: body.samePathPrefix ?? false),
            ownerID: reader.userID, idempotencyKey: key)
        let (job, created) = try await queue.enqueue(new)
        return try accepted(job, created: created, request: request, context: context)
    }

    private func transcribe(_ request: Request, _ context: ServerContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard identity.scopes.contains(.jobs) || identity.scopes.contains(.chat) else {
            throw ServerError.forbidden("this credential lacks the 'jobs' scope")
        }
        let key = try Self.idempotencyKey(request)
        let (stored, filename, fields) = try await receive(request, mediaOnly: true)
        let parameters = request.uri.queryParameters
        let format = parameters.get("format") ?? fields["format"] ?? "txt"
        guard ["txt", "srt", "vtt", "json"].contains(format) else {
            throw ServerError.badRequest("format is one of txt, srt, vtt, json")
        }
        let language = (parameters.get("language") ?? fields["language"]).flatMap {
            $0.isEmpty ? nil : String($0.prefix(16))
        }
        let new = try NewJob(
            kind: JobKind.transcribe,
            payload: TranscribePayload(object: stored, filename: filename, format: format, language: language),
            ownerID: identity.user.id, idempotencyKey: key)
        let (job, created) = try await queue.enqueue(new)
        return try accepted(job, created: created, request: request, context: context)
    }
}
