import ChatbotChat
import Foundation

/// The answers this process is running, by message id: where a subscriber on this replica finds
/// the live events, and where a cancel finds the interruption. Other replicas go through the
/// database instead (the saved text, and `stopStreaming`).
actor AnswerRegistry {
    struct Entry: Sendable {
        let owner: String
        let channel: AnswerChannel
        let interruption: Interruption
    }

    private var entries: [String: Entry] = [:]

    func add(_ id: String, _ entry: Entry) {
        entries[id] = entry
    }

    func remove(_ id: String) {
        entries[id] = nil
    }

    /// The running answer `id` when `owner` owns it.
    func entry(_ id: String, owner: String) -> Entry? {
        guard let entry = entries[id], entry.owner == owner else { return nil }
        return entry
    }
}
