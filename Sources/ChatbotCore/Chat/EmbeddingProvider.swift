/// What texts are embedded for: retrieval models such as e5 embed a question and the passages
/// that answer it differently.
public enum EmbeddingPurpose: String, Sendable, Hashable {
    /// A search query.
    case query
    /// A passage to be found (a document chunk).
    case document
}

/// Turns texts into vectors.
public protocol EmbeddingProvider: Sendable {
    /// The model whose vectors this returns (vectors of different models never compare).
    var model: String { get }
    /// One vector per text, in order, all of the same length.
    func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]]
}
