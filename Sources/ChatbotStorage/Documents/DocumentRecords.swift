public import Foundation

/// One ingested source in a collection: a file, a URL or stdin, stored once by content hash.
public struct DocumentRecord: Sendable, Hashable {
    /// A lowercase UUID.
    public var id: String
    /// The collection it belongs to.
    public var collection: String
    /// Where it came from (an absolute path, a URL, or `stdin:<hash>`); unique in its collection.
    public var source: String
    /// SHA-256 of the original bytes (also the object-store key of the original).
    public var contentHash: String
    /// The detected format (`pdf`, `docx`, `html`, …).
    public var mediaType: String
    /// Size of the original in bytes.
    public var size: Int
    /// The title, when the format has one.
    public var title: String?
    /// Other metadata (author, dates, page counts), as a JSON object.
    public var metadata: String
    /// When it was first ingested and last replaced.
    public var createdAt: Date
    /// When it was last replaced.
    public var updatedAt: Date

    /// Creates a record.
    public init(
        id: String = UUID().uuidString.lowercased(), collection: String, source: String, contentHash: String,
        mediaType: String, size: Int, title: String? = nil, metadata: String = "{}", createdAt: Date = Date(),
        updatedAt: Date = Date()
    ) {
        self.id = id
        self.collection = collection
        self.source = source
        self.contentHash = contentHash
        self.mediaType = mediaType
        self.size = size
        self.title = title
        self.metadata = metadata
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One piece of a document that search returns and answers cite.
public struct ChunkRecord: Sendable, Hashable {
    /// A lowercase UUID (also the item id of the chunk's vectors).
    public var id: String
    /// Its position in the document, from 0.
    public var ordinal: Int
    /// The text.
    public var text: String
    /// Where in the document it is, as a JSON object (`page`, `slide`, `sheet`, `heading`,
    /// `start`/`end` seconds).
    public var location: String

    /// Creates a chunk.
    public init(id: String = UUID().uuidString.lowercased(), ordinal: Int, text: String, location: String = "{}") {
        self.id = id
        self.ordinal = ordinal
        self.text = text
        self.location = location
    }
}

/// A chunk found by search, with what a citation needs.
public struct ChunkHit: Sendable, Hashable {
    /// The chunk.
    public var chunk: ChunkRecord
    /// Its document's id, source and title.
    public var documentID: String
    /// Where the document came from.
    public var source: String
    /// The document's title, if any.
    public var title: String?
    /// Higher is better; for hybrid search the fused reciprocal-rank score.
    public var score: Double

    /// Creates a hit.
    public init(chunk: ChunkRecord, documentID: String, source: String, title: String?, score: Double) {
        self.chunk = chunk
        self.documentID = documentID
        self.source = source
        self.title = title
        self.score = score
    }
}

/// Who may read a collection besides its owner and admins.
public enum CollectionVisibility: String, Sendable, Hashable, Codable, CaseIterable {
    /// The owner (and admins) only.
    case `private`
    /// Every signed-in user may read and search it; only the owner (and admins) change it.
    case shared
}

/// One collection and what it holds.
public struct CollectionSummary: Sendable, Hashable {
    /// The id of the user a collection belongs to when nobody else is named: the command line's
    /// own user, `local`.
    public static let defaultOwnerID = "00000000-0000-0000-0000-000000000000"

    /// The name.
    public var name: String
    /// The id of the user it belongs to.
    public var ownerID: String = CollectionSummary.defaultOwnerID
    /// Who else may read it.
    public var visibility: CollectionVisibility = .private
    /// Documents, chunks and stored vectors.
    public var documents: Int
    /// Chunks in all its documents.
    public var chunks: Int
    /// Stored embedding vectors.
    public var vectors: Int
    /// Total size of the originals, in bytes.
    public var bytes: Int
    /// When it was created and last changed.
    public var createdAt: Date
    /// When a document was last added, replaced or removed.
    public var updatedAt: Date

    /// Creates a summary.
    public init(
        name: String, documents: Int, chunks: Int, vectors: Int, bytes: Int, createdAt: Date, updatedAt: Date
    ) {
        self.name = name
        self.documents = documents
        self.chunks = chunks
        self.vectors = vectors
        self.bytes = bytes
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
