/// A model on a named provider: what `-m provider:model` or an alias resolves to.
public struct ModelReference: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The provider's configured name (`local`, `openai`, `ollama`, …).
    public var provider: String
    /// The model name as the provider knows it.
    public var model: String

    /// Creates a reference.
    public init(provider: String, model: String) {
        self.provider = provider
        self.model = model
    }

    /// Parses `provider:model`; returns `nil` when there is no provider part.
    ///
    /// Only the first colon separates: `ollama:llama3.2:1b` is provider `ollama`, model `llama3.2:1b`.
    public init?(parsing text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let provider = String(text[..<colon])
        let model = String(text[text.index(after: colon)...])
        guard !provider.isEmpty, !model.isEmpty, !provider.contains("/") else { return nil }
        self.init(provider: provider, model: model)
    }

    /// `provider:model`.
    public var description: String { "\(provider):\(model)" }
}
