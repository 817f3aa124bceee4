import ArgumentParser
import ChatbotCore
import ChatbotRetrieval
import ChatbotServices
import ChatbotStorage
import Foundation

/// `chatbot search`: ranked chunks of a collection for a query.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search a collection: the chunks that best match a query.",
        discussion: """
            Hybrid search: BM25 full text (SQLite FTS5 or PostgreSQL tsvector) and vector similarity \
            (the query embedded with the collection's embedding model) fused by reciprocal rank. With \
            embeddings.provider none, or a collection without vectors, full text alone; when the \
            embedding server cannot be reached, full text with a warning.

            --json prints {"query", "collection", "mode", "results": [{"rank", "source", "title", \
            "location", "citation", "score", "text", "chunk_id", "document_id"}]}.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The query (words are joined with spaces).")
    var words: [String]

    @Option(
        name: [.customShort("C"), .long], help: ArgumentHelp("The collection.", valueName: "name"))
    var collection: String = IngestOptions.defaultCollection

    @Option(name: [.customShort("k"), .long], help: ArgumentHelp("How many chunks.", valueName: "k"))
    var limit = 5

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard limit > 0, limit <= 1000 else { throw ValidationError("--limit must be between 1 and 1000") }
        try IngestOptions.validateCollectionName(collection)
        if words.joined().trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("give a query") }
    }

    func run() async throws {
        let query = words.joined(separator: " ")
        let found = try await CommandContext.with(global) { context in
            try await context.services.retriever(store: try await context.openStore())
                .search(query, collection: collection, limit: limit)
        }
        if let warning = found.warning, !global.quiet { StandardError.write("chatbot: \(warning)\n") }
        if json {
            try JSONOutput.print(
                SearchOutput(query: query, collection: collection, mode: found.mode, results: found.chunks))
            return
        }
        if found.chunks.isEmpty {
            if !global.quiet { StandardError.write("chatbot: nothing in '\(collection)' matches\n") }
            return
        }
        for chunk in found.chunks {
            let preview = chunk.text.split(whereSeparator: \.isNewline).joined(separator: " ")
            StandardOutput.write(
                "[\(chunk.rank)] \(chunk.citation)  (score \(String(format: "%.4f", chunk.score)))\n"
                    + "    \(preview.count > 300 ? String(preview.prefix(300)) + "…" : preview)\n")
        }
    }
}

struct SearchOutput: Encodable {
    var query: String
    var collection: String
    var mode: String
    var results: [RetrievedChunk]
}
