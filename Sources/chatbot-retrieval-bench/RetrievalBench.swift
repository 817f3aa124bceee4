import ChatbotStorage
import Foundation
import Logging

/// The library side of `Scripts/bench/retrieval`, in one long-running process (as the server
/// will be), on the SQLite file an ingest run wrote:
///
///     chatbot-retrieval-bench load-vectors DB COLLECTION MODEL DIMS FILE     float32 rows → embeddings
///     chatbot-retrieval-bench vector-search DB COLLECTION MODEL DIMS FILE K  one query per row
///     chatbot-retrieval-bench text-search DB COLLECTION FILE K               one query per line
///
/// The searches print one JSON object: `first_ms` (the first query, which reads the collection)
/// and `ms` (every query after it), so the script computes p50/p95.
@main
struct RetrievalBench {
    static func main() async {
        do {
            try await run(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("chatbot-retrieval-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static func floats(_ path: String, dimensions: Int) throws -> [[Float]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard dimensions > 0, data.count % (dimensions * 4) == 0 else {
            throw UsageError(description: "\(path) is not rows of \(dimensions) float32 values")
        }
        return data.withUnsafeBytes { raw in
            (0..<data.count / (dimensions * 4)).map { row in
                (0..<dimensions).map { raw.loadUnaligned(fromByteOffset: (row * dimensions + $0) * 4, as: Float.self) }
            }
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func run(_ arguments: [String]) async throws {
        guard let command = arguments.first, arguments.count >= 5 else {
            throw UsageError(description: "usage: load-vectors|vector-search|text-search DB COLLECTION …")
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let store = try await SQLiteDatabaseStore.open(at: URL(fileURLWithPath: arguments[1]), logger: logger)
        let collection = arguments[2]
        let clock = ContinuousClock()
        switch command {
        case "load-vectors":
            guard arguments.count == 6, let dimensions = Int(arguments[4]) else {
                throw UsageError(description: "load-vectors DB COLLECTION MODEL DIMS FILE")
            }
            let rows = try floats(arguments[5], dimensions: dimensions)
            for batch in stride(from: 0, to: rows.count, by: 2000) {
                let records = (batch..<min(batch + 2000, rows.count)).map {
                    VectorRecord(
                        collection: collection, itemID: String(format: "v%07d", $0), model: arguments[3],
                        vector: rows[$0])
                }
                try await store.vectors.upsert(records)
            }
            print(rows.count)
        case "vector-search":
            guard arguments.count == 7, let dimensions = Int(arguments[4]), let k = Int(arguments[6]) else {
                throw UsageError(description: "vector-search DB COLLECTION MODEL DIMS FILE K")
            }
            let queries = try floats(arguments[5], dimensions: dimensions)
            var times: [Double] = []
            var firstIDs: [String] = []
            for query in queries {
                let start = clock.now
                let found = try await store.vectors.nearest(
                    to: query, collection: collection, model: arguments[3], limit: k)
                times.append(milliseconds(clock.now - start))
                if firstIDs.isEmpty { firstIDs = found.map(\.itemID) }
            }
            try emit(times, extra: ["first_ids": firstIDs])
        case "text-search":
            guard arguments.count == 5, let k = Int(arguments[4]) else {
                throw UsageError(description: "text-search DB COLLECTION FILE K")
            }
            let queries = try String(contentsOfFile: arguments[3], encoding: .utf8)
                .split(separator: "\n").map(String.init)
            var times: [Double] = []
            var hits = 0
            for query in queries {
                let start = clock.now
                hits += try await store.documents.search(query, collection: collection, limit: k).count
                times.append(milliseconds(clock.now - start))
            }
            try emit(times, extra: ["hits": hits])
        default:
            throw UsageError(description: "unknown command \(command)")
        }
        try await store.close()
    }

    static func emit(_ times: [Double], extra: [String: Any]) throws {
        var object = extra
        object["first_ms"] = times.first ?? 0
        object["ms"] = Array(times.dropFirst())
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
