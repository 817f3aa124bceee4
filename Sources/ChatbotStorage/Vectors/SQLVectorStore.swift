import ChatbotCore
public import Foundation
import SQLKit
import Synchronization

/// ``VectorStore`` on every SQL backend: embedding vectors and nearest-neighbour search by cosine
/// similarity.
///
/// - PostgreSQL with pgvector: vectors are `REAL[]`; the first write of each dimension count
///   creates a partial HNSW index (`vector_cosine_ops`) over `vector::vector(N)`, and searches
///   order by the same expression, so the planner walks the index.
/// - PostgreSQL without pgvector, and SQLite (float32 BLOBs): an exact scan of the collection's
///   vectors, scored in Swift. Exact, and linear in the collection's size.
///
/// Get one from ``DatabaseStore/vectors``.
public struct SQLVectorStore: VectorStore {
    let access: SQLDatabaseAccess
    private let state = VectorIndexState()

    init(access: SQLDatabaseAccess) {
        self.access = access
    }

    /// Whether searches go through pgvector's HNSW index (else they scan exactly): PostgreSQL with
    /// the `vector` extension installed. Asked of the server once, on first use.
    public func usesVectorIndex() async throws -> Bool {
        try await pgvectorVersion() != nil
    }

    /// The installed pgvector's version as numbers (`[0, 8, 2]`), `nil` without it (and on SQLite).
    func pgvectorVersion() async throws -> [Int]? {
        guard access.features.backend == .postgres else { return nil }
        if let known = state.extensionVersion() { return known.isEmpty ? nil : known }
        let version = try await access.perform { database in
            try await database.raw("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
                .first()?.decode(column: "extversion", as: String.self)
        }
        let numbers = version.map { $0.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 } }
        state.setExtensionVersion(numbers ?? [])
        return numbers
    }

    /// pgvector's HNSW limit for `vector` columns.
    static let maxIndexedDimensions = 2000

    /// Stores `records` in one transaction, replacing any vector already stored for the same
    /// collection, model and item.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) for an empty vector or a non-finite component;
    ///   nothing is stored then.
    public func upsert(_ records: [VectorRecord]) async throws {
        guard !records.isEmpty else { return }
        for record in records {
            guard !record.vector.isEmpty, record.vector.allSatisfy(\.isFinite) else {
                throw ChatbotError(
                    .usage, "the vector for \(record.itemID) in \(record.collection) is empty or not finite")
            }
        }
        let backend = access.features.backend
        let now = DatabaseTimestamp.milliseconds(Date())
        try await access.transaction { database in
            for record in records {
                try await database.raw(
                    """
                    INSERT INTO embeddings (collection, item_id, model, dimensions, vector, created_at) \
                    VALUES (\(bind: record.collection), \(bind: record.itemID), \(bind: record.model), \
                    \(bind: record.vector.count), \(Self.bind(record.vector, backend)), \(bind: now)) \
                    ON CONFLICT (collection, model, item_id) DO UPDATE SET dimensions = excluded.dimensions, \
                    vector = excluded.vector, created_at = excluded.created_at
                    """
                ).run()
            }
        }
        if try await usesVectorIndex() {
            for dimensions in Set(records.map(\.vector.count)) { try await ensureIndex(dimensions: dimensions) }
        }
    }

    /// Deletes the vectors of `collection` (only those of `itemIDs` when given); returns how many.
    /// ``VectorStore/delete(collection:)`` deletes them all.
    @discardableResult
    public func delete(collection: String, itemIDs: [String]?) async throws -> Int {
        try await access.transaction { database in
            var total = 0
            if let itemIDs {
                for batch in stride(from: 0, to: itemIDs.count, by: 500) {
                    let ids = Array(itemIDs[batch..<min(batch + 500, itemIDs.count)])
                    total += try await Self.count(
                        database,
                        "DELETE FROM embeddings WHERE collection = \(bind: collection) AND item_id IN \(SQLBind.group(ids)) RETURNING 1"
                    )
                }
            } else {
                total = try await Self.count(
                    database, "DELETE FROM embeddings WHERE collection = \(bind: collection) RETURNING 1")
            }
            return total
        }
    }

    /// Whether `collection` holds any vector of `model` (an index lookup, no counting).
    public func hasVectors(collection: String, model: String) async throws -> Bool {
        try await access.perform { database in
            try await database.raw(
                """
                SELECT EXISTS (SELECT 1 FROM embeddings WHERE collection = \(bind: collection) \
                AND model = \(bind: model)) AS present
                """
            ).first()?.decode(column: "present", as: Bool.self) ?? false
        }
    }

    /// How many vectors `collection` holds.
    public func count(collection: String) async throws -> Int {
        try await access.perform { database in
            try await database.raw("SELECT COUNT(*) AS n FROM embeddings WHERE collection = \(bind: collection)")
                .first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// The `limit` items of `collection` whose `model` vectors are most similar to `query`
    /// (cosine), best first. Vectors of another dimension count never match.
    ///
    /// With the HNSW index the result is approximate (pgvector's recall is typically above 0.95);
    /// the exact scan returns the true nearest items.
    public func nearest(to query: [Float], collection: String, model: String, limit: Int) async throws
        -> [VectorMatch]
    {
        guard !query.isEmpty, query.allSatisfy(\.isFinite) else {
            throw ChatbotError(.usage, "the query vector is empty or not finite")
        }
        guard limit > 0 else { return [] }
        let dimensions = query.count
        if dimensions <= Self.maxIndexedDimensions, let version = try await pgvectorVersion() {
            // pgvector 0.8+ keeps walking the graph until `limit` rows pass the collection and
            // model filters; older versions stop after ef_search candidates, so they get a wider
            // search, and an exact scan when that still came back short.
            let iterative = version.lexicographicallyPrecedes([0, 8]) == false
            let matches = try await access.transaction { database in
                if iterative { try await database.raw("SET LOCAL hnsw.iterative_scan = strict_order").run() }
                let breadth = iterative ? max(40, limit * 2) : min(1000, max(100, limit * 4))
                try await database.raw("SET LOCAL hnsw.ef_search = \(unsafeRaw: String(breadth))").run()
                let expression = "(vector::vector(\(dimensions)))"
                return try await database.raw(
                    """
                    SELECT item_id, 1 - (\(unsafeRaw: expression) <=> \(bind: query)::real[]::vector(\(unsafeRaw: String(dimensions)))) AS score \
                    FROM embeddings \
                    WHERE dimensions = \(bind: dimensions) AND collection = \(bind: collection) AND model = \(bind: model) \
                    ORDER BY \(unsafeRaw: expression) <=> \(bind: query)::real[]::vector(\(unsafeRaw: String(dimensions))) \
                    LIMIT \(bind: limit)
                    """
                ).all().map {
                    VectorMatch(
                        itemID: try $0.decode(column: "item_id", as: String.self),
                        score: try $0.decode(column: "score", as: Double.self))
                }
            }
            if iterative || matches.count >= limit { return matches }
            let stored = try await access.perform { database in
                try await database.raw(
                    """
                    SELECT COUNT(*) AS n FROM embeddings \
                    WHERE dimensions = \(bind: dimensions) AND collection = \(bind: collection) AND model = \(bind: model)
                    """
                ).first()?.decode(column: "n", as: Int.self) ?? 0
            }
            if matches.count >= stored { return matches }
        }
        return try await exactScan(query, collection: collection, model: model, limit: limit)
    }

    private func exactScan(_ query: [Float], collection: String, model: String, limit: Int) async throws
        -> [VectorMatch]
    {
        let matrix = try await matrix(collection: collection, model: model, dimensions: query.count)
        return await matrix.nearest(to: query, limit: limit)
    }

    /// The vectors of `collection` and `model` with `dimensions` components, as a matrix. On SQLite
    /// the matrix is kept for the next search while the database is unchanged: nothing committed by
    /// another connection (`PRAGMA data_version`) and no row changed by this one
    /// (`total_changes()`), so a long-running process (the server) scans memory, not rows.
    func matrix(collection: String, model: String, dimensions: Int) async throws -> VectorMatrix {
        let backend = access.features.backend
        let key = VectorMatrixKey(collection: collection, model: model, dimensions: dimensions)
        return try await access.perform { database in
            var fingerprint: [Int]?
            if backend == .sqlite {
                let row = try await database.raw(
                    "SELECT total_changes() AS changes, (SELECT data_version FROM pragma_data_version) AS version"
                ).first()
                fingerprint = [
                    try row?.decode(column: "changes", as: Int.self) ?? -1,
                    try row?.decode(column: "version", as: Int.self) ?? -1,
                ]
                if let fingerprint, let cached = state.cachedMatrix(key, fingerprint: fingerprint) { return cached }
            }
            var builder = VectorMatrix.Builder(dimensions: dimensions)
            let rows = try await database.raw(
                """
                SELECT item_id, vector FROM embeddings \
                WHERE dimensions = \(bind: dimensions) AND collection = \(bind: collection) AND model = \(bind: model)
                """
            ).all()
            for row in rows {
                let itemID = try row.decode(column: "item_id", as: String.self)
                if backend == .sqlite {
                    let blob = try row.decode(column: "vector", as: Data.self)
                    guard blob.count == dimensions * 4 else { continue }
                    builder.append(itemID) { target in
                        blob.withUnsafeBytes { raw in
                            for index in 0..<dimensions {
                                target[index] = Float(
                                    bitPattern: UInt32(
                                        littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
                            }
                        }
                    }
                } else {
                    let vector = try row.decode(column: "vector", as: [Float].self)
                    guard vector.count == dimensions else { continue }
                    builder.append(itemID) { target in
                        for index in 0..<dimensions { target[index] = vector[index] }
                    }
                }
            }
            let matrix = builder.build()
            if let fingerprint { state.cache(matrix, key, fingerprint: fingerprint) }
            return matrix
        }
    }

    private func ensureIndex(dimensions: Int) async throws {
        guard dimensions <= Self.maxIndexedDimensions, state.insertIndexed(dimensions) else { return }
        try await access.perform { database in
            try await database.raw(
                """
                CREATE INDEX IF NOT EXISTS embeddings_hnsw_\(unsafeRaw: String(dimensions)) ON embeddings \
                USING hnsw ((vector::vector(\(unsafeRaw: String(dimensions)))) vector_cosine_ops) \
                WHERE dimensions = \(unsafeRaw: String(dimensions))
                """
            ).run()
        }
    }

    // MARK: - Encoding

    /// SQLite: little-endian float32 bytes; PostgreSQL: `REAL[]`.
    static func bind(_ vector: [Float], _ backend: DatabaseBackend) -> SQLBind {
        backend == .sqlite ? SQLBind(blob(vector)) : SQLBind(vector)
    }

    /// The little-endian float32 bytes of `vector`.
    public static func blob(_ vector: [Float]) -> Data {
        var data = Data(capacity: vector.count * 4)
        for value in vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    /// The vector stored as little-endian float32 bytes; `nil` when the length is not a multiple of 4.
    public static func vector(fromBlob data: Data) -> [Float]? {
        guard data.count % 4 == 0 else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<data.count / 4).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
            }
        }
    }

    private static func count(_ database: any SQLDatabase, _ query: SQLQueryString) async throws -> Int {
        try await database.raw(query).all().count
    }

    static func norm(_ vector: [Float]) -> Double {
        var sum = 0.0
        for value in vector { sum += Double(value) * Double(value) }
        return sum.squareRoot()
    }

    static func cosine(_ query: [Float], queryNorm: Double, _ vector: [Float]) -> Double {
        var dot = 0.0
        var squares = 0.0
        for index in 0..<query.count {
            let value = Double(vector[index])
            dot += Double(query[index]) * value
            squares += value * value
        }
        let denominator = queryNorm * squares.squareRoot()
        return denominator > 0 ? dot / denominator : 0
    }
}

struct VectorMatrixKey: Hashable, Sendable {
    var collection: String
    var model: String
    var dimensions: Int
}

/// What this process knows about pgvector: the installed extension's version, and the dimension
/// counts whose HNSW index it has already made sure of; and the matrices kept for exact scans.
private final class VectorIndexState: Sendable {
    private struct State {
        /// pgvector's version; empty when it is not installed, `nil` before the first question.
        var extensionVersion: [Int]?
        var indexedDimensions: Set<Int> = []
        /// Matrices for exact scans, with the database fingerprint they were read at.
        var matrices: [VectorMatrixKey: (fingerprint: [Int], matrix: VectorMatrix)] = [:]
    }

    /// The most memory the cached matrices may hold together.
    static let matrixBudget = 512 << 20

    func cachedMatrix(_ key: VectorMatrixKey, fingerprint: [Int]) -> VectorMatrix? {
        state.withLock { state in
            guard let entry = state.matrices[key] else { return nil }
            if entry.fingerprint == fingerprint { return entry.matrix }
            state.matrices[key] = nil
            return nil
        }
    }

    func cache(_ matrix: VectorMatrix, _ key: VectorMatrixKey, fingerprint: [Int]) {
        guard matrix.byteCount <= Self.matrixBudget else { return }
        state.withLock { state in
            // Anything read at another fingerprint is stale by now; beyond the budget, start over.
            state.matrices = state.matrices.filter { $0.value.fingerprint == fingerprint }
            let held = state.matrices.values.reduce(0) { $0 + $1.matrix.byteCount }
            if held + matrix.byteCount > Self.matrixBudget { state.matrices = [:] }
            state.matrices[key] = (fingerprint, matrix)
        }
    }

    private let state = Mutex(State())

    func extensionVersion() -> [Int]? { state.withLock { $0.extensionVersion } }

    func setExtensionVersion(_ version: [Int]) { state.withLock { $0.extensionVersion = version } }

    /// Inserts `count`; `true` when it was not there yet.
    func insertIndexed(_ count: Int) -> Bool {
        state.withLock { $0.indexedDimensions.insert(count).inserted }
    }
}
