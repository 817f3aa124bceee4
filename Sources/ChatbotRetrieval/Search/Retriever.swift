public import ChatbotCore
public import ChatbotStorage
import Foundation
public import Logging

/// One search result, as `chatbot search --json` prints it and `ask --collection` cites it.
public struct RetrievedChunk: Sendable, Hashable, Codable {
    /// 1-based rank: the `[n]` an answer cites.
    public var rank: Int
    /// Where the chunk's document came from: a path or URL.
    public var source: String
    /// The document's title, if any.
    public var title: String?
    /// Where in the document.
    public var location: ChunkLocation
    /// The citation as people read it: `report.pdf, page 3`, `talk.mp4 @ 12:34–13:10`.
    public var citation: String
    /// Higher is better (fused reciprocal rank for hybrid search, BM25-like rank for full text).
    public var score: Double
    /// The chunk's text.
    public var text: String
    /// The chunk's id.
    public var chunkID: String
    /// The document's id.
    public var documentID: String

    enum CodingKeys: String, CodingKey {
        case rank, source, title, location, citation, score, text
        case chunkID = "chunk_id"
        case documentID = "document_id"
    }

    /// Creates a result from a stored hit.
    public init(hit: ChunkHit, rank: Int) {
        self.rank = rank
        source = hit.source
        title = hit.title
        location = ChunkLocation(json: hit.chunk.location)
        citation = Self.citation(source: hit.source, location: location)
        score = hit.score
        text = hit.chunk.text
        chunkID = hit.chunk.id
        documentID = hit.documentID
    }

    /// `name, location`: the file's name (not its folder), a URL as it is, then the location.
    public static func citation(source: String, location: ChunkLocation) -> String {
        let name: String
        if source.hasPrefix("http://") || source.hasPrefix("https://") || source.hasPrefix("stdin:") {
            name = source
        } else {
            name = (source as NSString).lastPathComponent
        }
        let label = location.label
        if label.isEmpty { return name }
        return label.hasPrefix("@") ? name + " " + label : name + ", " + label
    }
}

/// How a search was answered.
public struct RetrievalResult: Sendable {
    /// The chunks, best first.
    public var chunks: [RetrievedChunk]
    /// `hybrid` (full text + vectors) or `full_text`.
    public var mode: String
    /// Why vectors were not used, when they could have been.
    public var warning: String?
}

/// Hybrid search over a collection: BM25 full text and vector similarity fused by reciprocal
/// rank, or full text alone when there is no embedder, the collection has no vectors of its
/// model, or the embedder fails (then with a warning).
public struct Retriever: Sendable {
    private let store: any DatabaseStore
    private let embedder: (any EmbeddingProvider)?
    private let logger: Logger

    /// Creates a retriever.
    public init(store: any DatabaseStore, embedder: (any EmbeddingProvider)?, logger: Logger) {
        self.store = store
        self.embedder = embedder
        self.logger = logger
    }

    /// The best `limit` chunks of `collection` for `query`.
    ///
    /// - Throws: ``ChatbotError`` `.usage` when the collection does not exist.
    public func search(_ query: String, collection: String, limit: Int) async throws -> RetrievalResult {
        let known = try await store.documents.collectionNames()
        guard known.contains(collection) else {
            throw ChatbotError(
                .usage, "there is no collection '\(collection)'",
                hint: known.isEmpty
                    ? "ingest documents into '\(collection)' to create it"
                    : "collections: " + known.joined(separator: ", "),
                reason: known.isEmpty ? .noCollections : nil)
        }
        var vector: [Float]?
        var warning: String?
        if let embedder, try await store.vectors.hasVectors(collection: collection, model: embedder.model) {
            do {
                vector = try await embedder.embed([query], purpose: .query).first
            } catch {
                warning = "vector search skipped (\(Self.describe(error))); full-text results only"
                logger.debug("Query embedding failed", metadata: ["error": "\(error)"])
            }
        }
        let hits = try await store.documents.hybridSearch(
            query, vector: vector, model: vector == nil ? nil : embedder?.model, collection: collection, limit: limit)
        return RetrievalResult(
            chunks: hits.enumerated().map { RetrievedChunk(hit: $1, rank: $0 + 1) },
            mode: vector == nil ? "full_text" : "hybrid", warning: warning)
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? ChatbotError { return error.message }
        return String(describing: error)
    }
}

/// The prompt of an answer grounded in retrieved chunks, and the sources block that ends it.
public enum CitedPrompt {
    /// The system prompt that asks for `[n]` citations.
    public static let instructions = """
        Answer the question using the numbered sources provided with it. Cite the sources you use \
        in square brackets, like [1] or [2][3], right after the statement they support. If the \
        sources do not contain the answer, say so.
        """

    /// The user message: the sources, numbered, then the question.
    public static func message(question: String, chunks: [RetrievedChunk]) -> String {
        var text = "Sources:\n\n"
        for chunk in chunks {
            text += "[\(chunk.rank)] \(chunk.citation)\n\(chunk.text)\n\n"
        }
        return text + "Question: " + question
    }

    /// The ranks cited in `answer` as `[n]` (also `[1, 2]` and `[1][2]`), in order of first use.
    public static func citedRanks(in answer: String, among chunks: [RetrievedChunk]) -> [Int] {
        let valid = Set(chunks.map(\.rank))
        var seen: [Int] = []
        var index = answer.startIndex
        while let open = answer[index...].firstIndex(of: "[") {
            guard let close = answer[open...].firstIndex(of: "]") else { break }
            let inside = answer[answer.index(after: open)..<close]
            for part in inside.split(whereSeparator: { $0 == "," || $0 == " " }) {
                if let rank = Int(part), valid.contains(rank), !seen.contains(rank) { seen.append(rank) }
            }
            index = answer.index(after: close)
        }
        return seen
    }

    /// The block printed after an answer: `Sources:` and one line per chunk, `[n] citation`.
    public static func sourcesBlock(_ chunks: [RetrievedChunk]) -> String {
        guard !chunks.isEmpty else { return "" }
        var lines: [String] = []
        for chunk in chunks {
            let display =
                chunk.source.hasPrefix("/") ? "\(chunk.citation) (\(chunk.source))" : chunk.citation
            lines.append("[\(chunk.rank)] \(display)")
        }
        return "Sources:\n" + lines.joined(separator: "\n")
    }
}
