import ChatbotAccounts
import ChatbotCore
import ChatbotRetrieval
import ChatbotServices
import ChatbotStorage
import Foundation
import Hummingbird

/// `/api/collections` and `/api/search`: the collections a caller may read (their own, the shared
/// ones, everything for an admin), creating one with a visibility, changing it, deleting, and
/// searching across what the caller may read. The rules live in ``CollectionCatalog/Reader``, so
/// a handler cannot forget them; a collection the caller may not read answers 404 like one that
/// does not exist.
struct CollectionRoutes {
    let services: ChatbotServices
    let database: any SQLDatabaseStore

    struct CreateBody: Decodable {
        var name: String
        var visibility: CollectionVisibility?
    }

    struct ChangeBody: Decodable {
        var visibility: CollectionVisibility
    }

    struct CollectionView: ResponseEncodable, Encodable {
        var name: String
        var visibility: String
        var owner: Bool
        var documents: Int
        var chunks: Int
        var vectors: Int
        var bytes: Int
        var createdAt: Date
        var updatedAt: Date
        var sources: [DocumentView]?

        init(_ summary: CollectionSummary, reader: CollectionCatalog.Reader) {
            name = summary.name
            visibility = summary.visibility.rawValue
            owner = summary.ownerID == reader.userID
            documents = summary.documents
            chunks = summary.chunks
            vectors = summary.vectors
            bytes = summary.bytes
            createdAt = summary.createdAt
            updatedAt = summary.updatedAt
        }
    }

    struct DocumentView: Encodable {
        var id: String
        var source: String
        var title: String?
        var format: String
        var bytes: Int
        var chunks: Int
        var updatedAt: Date
    }

    struct Page: ResponseEncodable {
        var data: [CollectionView]
    }

    struct SearchHit: Encodable {
        var collection: String
        var rank: Int
        var score: Double
        var citation: String
        var source: String
        var title: String?
        var text: String
        var documentId: String
        var chunkId: String
    }

    struct SearchPage: ResponseEncodable {
        var query: String
        var data: [SearchHit]
        var warnings: [String]
    }

    func register(_ group: RouterGroup<ServerContext>) {
        group.get("/collections") { _, context in try await list(context) }
        group.post("/collections") { request, context in try await create(request, context) }
        group.get("/collections/:name") { _, context in try await show(context) }
        group.patch("/collections/:name") { request, context in try await change(request, context) }
        group.delete("/collections/:name") { _, context in try await delete(context) }
        group.get("/search") { request, context in try await search(request, context) }
    }

    private func catalog() throws -> CollectionCatalog {
        CollectionCatalog(store: database, objects: try services.objectStore(), logger: services.logger)
    }

    /// The caller as a reader of collections, when its credential holds `scope`.
    static func reader(_ context: ServerContext, _ scope: Scope) throws -> CollectionCatalog.Reader {
        try reader(try context.requireIdentity(), scope, clientAddress: context.clientAddress)
    }

    /// `identity` as a reader of collections, when it holds `scope`; 403 otherwise.
    static func reader(_ identity: Identity, _ scope: Scope, clientAddress: String?) throws
        -> CollectionCatalog.Reader
    {
        guard identity.scopes.contains(scope) else {
            throw ServerError.forbidden("this credential lacks the '\(scope)' scope")
        }
        return CollectionCatalog.Reader(userID: identity.user.id, isAdmin: identity.caller(ip: clientAddress).isAdmin)
    }

    private func list(_ context: ServerContext) async throws -> Page {
        let reader = try Self.reader(context, .documentsRead)
        return Page(data: try await catalog().list(readableBy: reader).map { CollectionView($0, reader: reader) })
    }

    private func create(_ request: Request, _ context: ServerContext) async throws -> Response {
        let reader = try Self.reader(context, .documentsWrite)
        let body = try await request.decode(as: CreateBody.self, context: context)
        let made = try await catalog().create(
            body.name, ownerID: reader.userID, visibility: body.visibility ?? .private)
        var response = try CollectionView(made, reader: reader).response(from: request, context: context)
        response.status = .created
        return response
    }

    private func show(_ context: ServerContext) async throws -> CollectionView {
        let reader = try Self.reader(context, .documentsRead)
        let name = try context.parameters.require("name")
        let summary = try await catalog().summary(name, readableBy: reader)
        let details = try await catalog().details(summary.name)
        var view = CollectionView(summary, reader: reader)
        view.sources = details.documents.map {
            DocumentView(
                id: $0.id, source: $0.source, title: $0.title, format: $0.mediaType, bytes: $0.size,
                chunks: details.chunkCounts[$0.id] ?? 0, updatedAt: $0.updatedAt)
        }
        return view
    }

    private func change(_ request: Request, _ context: ServerContext) async throws -> CollectionView {
        let reader = try Self.reader(context, .documentsWrite)
        let body = try await request.decode(as: ChangeBody.self, context: context)
        let name = try context.parameters.require("name")
        return CollectionView(try await catalog().setVisibility(body.visibility, of: name, by: reader), reader: reader)
    }

    private func delete(_ context: ServerContext) async throws -> Response {
        let reader = try Self.reader(context, .documentsWrite)
        _ = try await catalog().delete(try context.parameters.require("name"), by: reader)
        return Response(status: .noContent)
    }

    /// `?q=` over `?collection=` (repeatable; default: every collection the caller may read),
    /// `?limit=` (1–50, default 10). Each collection is searched on its own (hybrid when it has
    /// vectors); the lists are merged by rank, then score.
    private func search(_ request: Request, _ context: ServerContext) async throws -> SearchPage {
        let reader = try Self.reader(context, .documentsRead)
        let query = (request.uri.queryParameters.get("q") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { throw ServerError.badRequest("say what to search for with ?q=") }
        guard query.utf8.count <= 2000 else { throw ServerError.badRequest("the search text is too long") }
        let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 10, 1), 50)
        let named = request.uri.queryParameters.getAll("collection").filter { !$0.isEmpty }
        let readable = try await catalog().list(readableBy: reader)
        let targets: [String]
        if named.isEmpty {
            targets = readable.map(\.name)
        } else {
            let allowed = Set(readable.map(\.name))
            for name in named where !allowed.contains(name) { throw CollectionCatalog.notFound(name) }
            targets = Array(Set(named)).sorted()
        }
        let retriever = try services.retriever(store: database)
        var hits: [SearchHit] = []
        var warnings: [String] = []
        for name in targets {
            let found = try await retriever.search(query, collection: name, limit: limit)
            if let warning = found.warning { warnings.append("\(name): \(warning)") }
            hits += found.chunks.map {
                SearchHit(
                    collection: name, rank: $0.rank, score: $0.score, citation: $0.citation, source: $0.source,
                    title: $0.title, text: $0.text, documentId: $0.documentID, chunkId: $0.chunkID)
            }
        }
        hits.sort { ($0.rank, -$0.score, $0.collection) < ($1.rank, -$1.score, $1.collection) }
        return SearchPage(query: query, data: Array(hits.prefix(limit)), warnings: warnings)
    }
}
