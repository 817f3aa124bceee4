public import ChatbotRetrieval

/// A question answered from a collection, as `chatbot ask --collection` and the server ask it:
/// the question is searched first (hybrid search), the best chunks go in front of it as
/// numbered sources, and the model is told to cite them as `[1]`, `[2]`.
public struct GroundedAsk: Sendable {
    /// What the search found.
    public struct Grounding: Sendable {
        /// The chunks sent as sources, best first (rank 1 is `[1]`).
        public var sources: [RetrievedChunk]
        /// A note for the person asking (e.g. vector search unavailable, full text used).
        public var warning: String?
    }

    private let retriever: Retriever

    /// Creates a grounded ask over `retriever`.
    public init(retriever: Retriever) {
        self.retriever = retriever
    }

    /// The best `top` chunks of `collection` for `question`.
    ///
    /// - Throws: ``ChatbotCore/ChatbotError`` `.notFound` for a collection that does not exist.
    public func ground(_ question: String, collection: String, top: Int) async throws -> Grounding {
        let found = try await retriever.search(question, collection: collection, limit: top)
        return Grounding(sources: found.chunks, warning: found.warning)
    }

    /// `input` with its prompt wrapped in `sources` and the citation instructions placed before
    /// its own system prompt; `input` unchanged when there are no sources.
    public static func input(_ input: AskInput, citing sources: [RetrievedChunk]) -> AskInput {
        guard !sources.isEmpty else { return input }
        var grounded = input
        grounded.prompt = CitedPrompt.message(question: input.prompt, chunks: sources)
        grounded.system = [CitedPrompt.instructions, input.system].compactMap { $0 }.joined(separator: "\n\n")
        return grounded
    }
}
