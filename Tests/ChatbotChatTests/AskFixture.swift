import ChatbotChat
import ChatbotCore
import ChatbotProviders
import ChatbotServices
import ChatbotStorage
import ChatbotTestSupport
import Foundation
import Logging

/// An ``AskService`` over a real SQLite store in a temporary directory and a
/// ``FaultInjectingServer`` declared as provider `fake` (default model `m`).
struct AskFixture: Sendable {
    let service: AskService
    let store: any ConversationStore
    let server: FaultInjectingServer

    static let logger = Logger(label: "chatbot-chat-tests")

    /// Builds the fixture, runs `body`, and tears everything down.
    static func with<T: Sendable>(
        prices: [String: ModelPrice] = [:],
        fallback: [String] = [],
        extraProviders: [String: String] = [:],
        _ body: (AskFixture) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatbot-chat-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        return try await FaultInjectingServer.withRunning { server, baseURL in
            var providers = ["fake": ProviderSettings(name: "fake", baseURL: baseURL, defaultModel: "m")]
            for (name, url) in extraProviders { providers[name] = ProviderSettings(name: name, baseURL: url) }
            let settings = ChatbotSettings(
                configFile: directory.appendingPathComponent("config.yaml").path,
                dataDirectory: directory.path, defaultModel: "fake:m", fallback: fallback, aliases: [:],
                providers: providers, prices: prices, cacheResponses: false, maxAttempts: 1, connectTimeout: 2,
                idleTimeout: 10, local: LocalStackSettings(prefix: directory.path, stateDirectory: directory.path))
            return try await ChatbotServices.with(settings: settings, logger: logger) { services in
                let database = try await services.database()
                let fixture = AskFixture(
                    service: services.askService(store: database.conversations), store: database.conversations,
                    server: server)
                return try await body(fixture)
            }
        }
    }

    /// The messages of the latest conversation.
    func latestMessages() async throws -> [MessageRecord] {
        guard let conversation = try await store.latestConversation() else { return [] }
        return try await store.messages(conversationID: conversation.id)
    }
}

/// Text pieces collected from `onText`.
actor TextCollector {
    private(set) var pieces: [String] = []
    func append(_ piece: String) { pieces.append(piece) }
    var text: String { pieces.joined() }
}
