import ChatbotCore
import Foundation
import Logging
import ServiceLifecycle

/// Finds answers left `streaming` by a process that died (SIGKILL, a lost machine) — their
/// heartbeat stopped — and marks them interrupted, keeping their text. Runs at start-up and then
/// every ``interval`` on every replica; the statement is idempotent, so replicas may race.
struct AbandonedAnswerSweeper: Service {
    let store: any ConversationStore
    let logger: Logger
    /// An answer saves every 300 ms; one silent this long has no process behind it.
    var staleAfter: Duration = .seconds(30)
    var interval: Duration = .seconds(15)

    static let reason = "the server stopped while answering"

    func run() async throws {
        while true {
            await sweep()
            let interval = interval
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
        }
    }

    func sweep() async {
        let seconds = Double(staleAfter.components.seconds)
        do {
            let count = try await store.interruptAbandonedAnswers(
                heartbeatBefore: Date().addingTimeInterval(-seconds), reason: Self.reason)
            if count > 0 {
                logger.notice("marked answers of a stopped process interrupted", metadata: ["count": "\(count)"])
            }
        } catch {
            logger.warning("could not look for abandoned answers", metadata: ["error": "\(error)"])
        }
    }
}
