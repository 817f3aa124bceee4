import Foundation

/// The vectors of one collection, model and dimension count as one contiguous, row-major buffer of
/// unit-length `Float`s, for exact nearest-neighbour scans: a dot product per row with SIMD, rows
/// split over the cores, a running top-k per part.
final class VectorMatrix: Sendable {
    let itemIDs: [String]
    /// `itemIDs.count × dimensions` values; a zero vector stays zero (its score is 0).
    let values: [Float]
    let dimensions: Int

    init(itemIDs: [String], values: [Float], dimensions: Int) {
        precondition(values.count == itemIDs.count * dimensions)
        self.itemIDs = itemIDs
        self.values = values
        self.dimensions = dimensions
    }

    var count: Int { itemIDs.count }

    /// Bytes held (for the cache's budget).
    var byteCount: Int { values.count * MemoryLayout<Float>.stride + itemIDs.count * 48 }

    /// Collects rows into a matrix, normalising each.
    struct Builder {
        let dimensions: Int
        private(set) var itemIDs: [String] = []
        private(set) var values: [Float] = []

        init(dimensions: Int, capacity: Int = 0) {
            self.dimensions = dimensions
            itemIDs.reserveCapacity(capacity)
            values.reserveCapacity(capacity * dimensions)
        }

        /// Appends a row read by `fill` (which writes exactly `dimensions` values).
        mutating func append(_ itemID: String, _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) {
            let start = values.count
            values.append(contentsOf: repeatElement(0, count: dimensions))
            values.withUnsafeMutableBufferPointer { buffer in
                let row = UnsafeMutableBufferPointer(rebasing: buffer[start..<start + dimensions])
                fill(row)
                var squares: Float = 0
                for value in row { squares += value * value }
                if squares > 0 {
                    let scale = 1 / squares.squareRoot()
                    for index in row.indices { row[index] *= scale }
                }
            }
            itemIDs.append(itemID)
        }

        func build() -> VectorMatrix { VectorMatrix(itemIDs: itemIDs, values: values, dimensions: dimensions) }
    }

    /// The `limit` rows most similar to `query` (cosine), best first.
    func nearest(to query: [Float], limit: Int) async -> [VectorMatch] {
        guard limit > 0, count > 0, query.count == dimensions else { return [] }
        var unit = query
        var squares: Float = 0
        for value in unit { squares += value * value }
        guard squares > 0 else { return [] }
        let scale = 1 / squares.squareRoot()
        for index in unit.indices { unit[index] *= scale }
        let normalised = unit

        // Parts of at least ~1M values each, at most one per core.
        let parts = max(1, min(ProcessInfo.activeProcessorCountForScan, values.count / 1_000_000))
        let rowsPerPart = (count + parts - 1) / parts
        var best: [(row: Int, score: Float)] = []
        if parts == 1 {
            best = scan(normalised, rows: 0..<count, limit: limit)
        } else {
            best = await withTaskGroup(of: [(row: Int, score: Float)].self) { group in
                for part in 0..<parts {
                    let rows = part * rowsPerPart..<min(count, (part + 1) * rowsPerPart)
                    guard !rows.isEmpty else { continue }
                    group.addTask { self.scan(normalised, rows: rows, limit: limit) }
                }
                return await group.reduce(into: []) { $0 += $1 }
            }
        }
        best.sort { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }
        return best.prefix(limit).map { VectorMatch(itemID: itemIDs[$0.row], score: Double($0.score)) }
    }

    private func scan(_ query: [Float], rows: Range<Int>, limit: Int) -> [(row: Int, score: Float)] {
        let dimensions = self.dimensions
        var top = TopK(limit: limit)
        values.withUnsafeBufferPointer { matrix in
            query.withUnsafeBufferPointer { queryBuffer in
                guard let base = matrix.baseAddress, let q = queryBuffer.baseAddress else { return }
                let wide = dimensions / 16 * 16
                for row in rows {
                    let vector = base + row * dimensions
                    var first = SIMD8<Float>()
                    var second = SIMD8<Float>()
                    var index = 0
                    while index < wide {
                        let a = UnsafeRawPointer(vector + index).loadUnaligned(as: SIMD8<Float>.self)
                        let b = UnsafeRawPointer(vector + index + 8).loadUnaligned(as: SIMD8<Float>.self)
                        let qa = UnsafeRawPointer(q + index).loadUnaligned(as: SIMD8<Float>.self)
                        let qb = UnsafeRawPointer(q + index + 8).loadUnaligned(as: SIMD8<Float>.self)
                        // Multiply and add, not addingProduct: without FMA in the target's
                        // baseline, a fused multiply-add is a library call per lane.
                        first += a * qa
                        second += b * qb
                        index += 16
                    }
                    var dot = (first + second).sum()
                    while index < dimensions {
                        dot += vector[index] * q[index]
                        index += 1
                    }
                    top.offer(row, dot)
                }
            }
        }
        return top.items
    }
}

/// The best `limit` (row, score) pairs seen, kept sorted best first; most offers are rejected by
/// one comparison with the current worst.
private struct TopK {
    let limit: Int
    private(set) var items: [(row: Int, score: Float)] = []

    init(limit: Int) {
        self.limit = limit
        items.reserveCapacity(limit + 1)
    }

    mutating func offer(_ row: Int, _ score: Float) {
        if items.count == limit, let worst = items.last, !(score > worst.score) { return }
        var position = items.count
        while position > 0, items[position - 1].score < score { position -= 1 }
        items.insert((row, score), at: position)
        if items.count > limit { items.removeLast() }
    }
}

extension ProcessInfo {
    /// Cores for a scan: the active processor count, at least 1.
    static var activeProcessorCountForScan: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
