public import ChatbotCore

/// One entry of a fallback chain: a model and the endpoint that serves it.
public struct ChatCandidate: Sendable, Hashable {
    /// The model, as configured (`provider:model`).
    public var reference: ModelReference
    /// How to reach its provider.
    public var endpoint: ProviderEndpoint

    /// Creates a candidate.
    public init(reference: ModelReference, endpoint: ProviderEndpoint) {
        self.reference = reference
        self.endpoint = endpoint
    }
}
