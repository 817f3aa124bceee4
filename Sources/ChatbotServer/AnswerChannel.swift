import Foundation

/// One server-sent event.
struct ServerEvent: Sendable {
    var id: Int
    var name: String
    var json: String
}

/// The events of one running answer, kept for its lifetime so that a subscriber that comes late
/// (or reconnects with `Last-Event-ID`) gets every event after the one it saw, then the live ones.
actor AnswerChannel {
    private var events: [ServerEvent] = []
    private var subscribers: [UUID: AsyncStream<ServerEvent>.Continuation] = [:]
    private(set) var isFinished = false

    /// Appends an event with the next id and hands it to every subscriber.
    func publish(_ name: String, _ payload: some Encodable & Sendable) {
        let json = (try? ServerJSON.encoder.encode(payload)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let event = ServerEvent(id: events.count + 1, name: name, json: json)
        events.append(event)
        for subscriber in subscribers.values { subscriber.yield(event) }
    }

    /// Ends every subscription once its events are read.
    func finish() {
        isFinished = true
        for subscriber in subscribers.values { subscriber.finish() }
        subscribers = [:]
    }

    /// The events after `lastID` (all when `nil`), then the live ones until the answer ends.
    func subscribe(after lastID: Int? = nil) -> AsyncStream<ServerEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ServerEvent.self)
        for event in events where event.id > (lastID ?? 0) { continuation.yield(event) }
        if isFinished {
            continuation.finish()
        } else {
            let key = UUID()
            subscribers[key] = continuation
            continuation.onTermination = { [weak self] _ in
                Task { await self?.unsubscribe(key) }
            }
        }
        return stream
    }

    private func unsubscribe(_ key: UUID) {
        subscribers[key] = nil
    }
}

/// The JSON coders of the API: snake_case keys, ISO 8601 dates, sorted keys.
enum ServerJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// `text/event-stream` framing.
enum EventStreamFrame {
    /// `id:`, `event:` and one `data:` line per line of `data`, then a blank line.
    static func encode(id: String?, event: String?, data: String) -> String {
        var frame = ""
        if let id { frame += "id: \(id)\n" }
        if let event { frame += "event: \(event)\n" }
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) {
            frame += "data: \(line)\n"
        }
        return frame + "\n"
    }
}
