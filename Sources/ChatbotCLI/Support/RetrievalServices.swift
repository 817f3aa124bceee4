import AsyncHTTPClient
import ChatbotCore
import ChatbotLocalStack
import ChatbotMedia
import ChatbotProviders
import ChatbotRetrieval
import ChatbotSpeech
import Foundation

/// The providers retrieval needs, built once per command from the settings: the embedder (with
/// the managed local server started on first use) and, for media, the speech service. Owns one
/// HTTP client; call ``close()`` when done.
final class RetrievalServices: Sendable {
    let httpClient: HTTPClient
    let embedder: (any EmbeddingProvider)?
    let speech: SpeechService?
    private let context: CommandContext

    init(context: CommandContext, quiet: Bool, embeddings: Bool = true) throws {
        self.context = context
        let settings = context.settings
        let timeouts = ProviderTimeouts(
            connect: .milliseconds(Int(settings.connectTimeout * 1000)),
            idle: .milliseconds(Int(settings.idleTimeout * 1000)), request: .seconds(3600))
        httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: timeouts.httpClientConfiguration())
        do {
            if embeddings, let endpoint = try settings.embeddingEndpoint() {
                let client = OpenAIEmbeddingClient(
                    httpClient: httpClient, endpoint: endpoint, timeouts: timeouts,
                    retry: RetryPolicy(maxAttempts: settings.maxAttempts))
                embedder =
                    endpoint.endpoint.isManagedLocal
                    ? LocallyStartedEmbedder(
                        client: client, supervisor: context.localStack, quiet: quiet) : client
            } else {
                embedder = nil
            }
            let speechEndpoint = try? settings.speechEndpoint()
            let client = httpClient
            speech = speechEndpoint.map {
                SpeechService(settings: settings, endpoint: $0, httpClient: client, logger: context.logger)
            }
        } catch {
            try? httpClient.syncShutdown()
            throw error
        }
    }

    /// Transcribes media for ingest and ask: through the cache, starting the managed local
    /// speech server first when it is the one configured.
    func mediaTranscription(quiet: Bool) -> MediaTranscription? {
        guard let speech else { return nil }
        let supervisor = context.localStack
        let language = context.settings.speech.language
        return { file, source in
            if speech.endpoint.endpoint.isManagedLocal {
                if try !supervisor.isHealthy(.speech), !quiet {
                    StandardError.write("chatbot: starting the local speech server…\n")
                }
                try await supervisor.ensureRunning(.speech)
            }
            let options = TranscriptionOptions(model: speech.endpoint.model, language: language)
            return try await speech.cachedTranscript(ofFile: file.path, options: options)
        }
    }

    func close() async {
        try? await httpClient.shutdown()
    }
}

/// The managed local embedding server's client: when the server is not answering its health
/// check (a sub-millisecond loopback probe), it is started first (serialised across processes by
/// the supervisor).
struct LocallyStartedEmbedder: EmbeddingProvider {
    let client: OpenAIEmbeddingClient
    let supervisor: LocalStackSupervisor
    let quiet: Bool

    var model: String { client.model }

    func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        if try !supervisor.isHealthy(.embeddings) {
            if !quiet { StandardError.write("chatbot: starting the local embedding server…\n") }
            _ = try await supervisor.ensureRunning(.embeddings)
        }
        return try await client.embed(texts, purpose: purpose)
    }
}
