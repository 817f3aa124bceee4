import ArgumentParser
import ChatbotCore
import ChatbotRetrieval
import ChatbotServices
import ChatbotStorage
import Foundation
import Logging

/// `chatbot collections`: what has been ingested.
struct CollectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collections",
        abstract: "List, inspect and delete collections.",
        subcommands: [List.self, Show.self, Share.self, Unshare.self, Delete.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Every collection with its documents, chunks, vectors and size.")

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await CommandContext.with(global) { context in
                let collections = try await context.catalog().list()
                if json {
                    try JSONOutput.print(collections.map(CollectionOutput.init))
                    return
                }
                guard !collections.isEmpty else {
                    if !global.quiet { StandardError.write("chatbot: no collections yet (chatbot ingest PATH)\n") }
                    return
                }
                var table = TextTable(columns: [
                    "NAME", "DOCUMENTS", "CHUNKS", "VECTORS", "SIZE", "UPDATED", "VISIBILITY",
                ])
                for collection in collections {
                    table.add([
                        collection.name, String(collection.documents), String(collection.chunks),
                        String(collection.vectors), ByteCount.format(collection.bytes),
                        ISO8601DateFormatter().string(from: collection.updatedAt), collection.visibility.rawValue,
                    ])
                }
                StandardOutput.write(table.render())
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "A collection's stats and its documents.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The collection.")
        var name: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await CommandContext.with(global) { context in
                let details = try await CollectionsCommand.listed { try await context.catalog().details(name) }
                let (summary, documents, counts) = (details.summary, details.documents, details.chunkCounts)
                if json {
                    var output = CollectionOutput(summary)
                    output.documentsList = documents.map { DocumentOutput($0, chunks: counts[$0.id] ?? 0) }
                    try JSONOutput.print(output)
                    return
                }
                StandardOutput.write(
                    "\(summary.name): \(summary.documents) documents, \(summary.chunks) chunks, \(summary.vectors) vectors, "
                        + "\(ByteCount.format(summary.bytes))\n")
                var table = TextTable(columns: ["SOURCE", "FORMAT", "CHUNKS", "SIZE", "TITLE"])
                for document in documents {
                    table.add([
                        document.source, document.mediaType, String(counts[document.id] ?? 0),
                        ByteCount.format(document.size), document.title ?? "",
                    ])
                }
                StandardOutput.write(table.render())
            }
        }
    }

    struct Share: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "share",
            abstract: "Let every user of `chatbot serve` read and search a collection.",
            discussion: "Collections are private to their owner (and admins) until shared.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The collection.")
        var name: String

        func run() async throws {
            try await CollectionsCommand.setVisibility(.shared, of: name, global: global)
        }
    }

    struct Unshare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unshare", abstract: "Make a collection private to its owner (and admins) again.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The collection.")
        var name: String

        func run() async throws {
            try await CollectionsCommand.setVisibility(.private, of: name, global: global)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete",
            abstract: "Delete a collection: its documents, chunks, vectors, and originals nothing else uses.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The collection.")
        var name: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await CommandContext.with(global) { context in
                let deleted = try await CollectionsCommand.listed { try await context.catalog().delete(name) }
                let removedObjects = deleted.objectsDeleted
                if json {
                    var output = CollectionOutput(deleted.summary)
                    output.objectsDeleted = removedObjects
                    try JSONOutput.print(output)
                } else if !global.quiet {
                    StandardOutput.write(
                        "deleted \(name): \(deleted.summary.documents) documents, \(deleted.summary.chunks) chunks, "
                            + "\(deleted.summary.vectors) vectors, \(removedObjects) originals\n")
                }
            }
        }
    }
}

extension CollectionsCommand {
    /// `share` and `unshare`: the command line acts as its own user, an admin.
    static func setVisibility(_ visibility: CollectionVisibility, of name: String, global: GlobalOptions) async throws {
        try await CommandContext.with(global) { context in
            let reader = CollectionCatalog.Reader(userID: CollectionSummary.defaultOwnerID, isAdmin: true)
            _ = try await listed { try await context.catalog().setVisibility(visibility, of: name, by: reader) }
            if !global.quiet { StandardOutput.write("\(name) is now \(visibility.rawValue)\n") }
        }
    }

    /// Runs `body`, adding the CLI's hint to a missing collection's error.
    static func listed<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ChatbotError where error.kind == .notFound {
            throw ChatbotError(error.kind, error.message, hint: "chatbot collections list")
        }
    }
}

extension CommandContext {
    /// The collections of the configured stores.
    func catalog() async throws -> CollectionCatalog {
        CollectionCatalog(store: try await openStore(), objects: try openObjectStore(), logger: logger)
    }
}

struct CollectionOutput: Encodable {
    var name: String
    var documents: Int
    var chunks: Int
    var vectors: Int
    var bytes: Int
    var createdAt: Date
    var updatedAt: Date
    var visibility: String
    var ownerId: String
    var documentsList: [DocumentOutput]?
    var objectsDeleted: Int?

    init(_ summary: CollectionSummary) {
        name = summary.name
        documents = summary.documents
        chunks = summary.chunks
        vectors = summary.vectors
        bytes = summary.bytes
        createdAt = summary.createdAt
        updatedAt = summary.updatedAt
        visibility = summary.visibility.rawValue
        ownerId = summary.ownerID
    }

    enum CodingKeys: String, CodingKey {
        case name, documents, chunks, vectors, bytes, createdAt, updatedAt, visibility, ownerId, objectsDeleted
        case documentsList = "sources"
    }
}

struct DocumentOutput: Encodable {
    var source: String
    var format: String
    var title: String?
    var chunks: Int
    var bytes: Int
    var contentHash: String
    var updatedAt: Date

    init(_ document: DocumentRecord, chunks: Int) {
        source = document.source
        format = document.mediaType
        title = document.title
        self.chunks = chunks
        bytes = document.size
        contentHash = document.contentHash
        updatedAt = document.updatedAt
    }
}

enum ByteCount {
    static func format(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f ", value) + units[unit]
    }
}
