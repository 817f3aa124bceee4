import Foundation

/// One server-sent event.
struct ServerEvent: Sendable {
    var id: Int
    var name: String
    var json: String
}

/// The events of one running answer. Event ids are the answer's length in UTF-8 bytes when the
/// event was sent, so `Last-Event-ID` says how much text a client has, on any replica: a late or
/// returning subscriber gets the text after that point as one `delta`, then the live events.
actor AnswerChannel {
    private var head: [ServerEvent] = []
    private var text = ""
    private var ending: [ServerEvent] = []
    private var subscribers: [UUID: AsyncStream<ServerEvent>.Continuation] = [:]
    private(set) var isFinished = false

    /// An event before the text (the conversation and message ids, the sources); given to every
    /// new subscriber, not repeated on resume.
    func start(_ name: String, _ payload: some Encodable & Sendable) {
        let event = ServerEvent(id: 0, name: name, json: ServerJSON.text(payload))
        head.append(event)
        broadcast(event)
    }

    /// A piece of the answer.
    func delta(_ piece: String) {
        text += piece
        broadcast(ServerEvent(id: text.utf8.count, name: "delta", json: ServerJSON.text(["text": piece])))
    }

    /// An event of the end (`error`, `done`).
    func end(_ name: String, _ payload: some Encodable & Sendable) {
        let event = ServerEvent(id: text.utf8.count, name: name, json: ServerJSON.text(payload))
        ending.append(event)
        broadcast(event)
    }

    private func broadcast(_ event: ServerEvent) {
        for subscriber in subscribers.values { subscriber.yield(event) }
    }

    /// Ends every subscription once its events are read.
    func finish() {
        isFinished = true
        for subscriber in subscribers.values { subscriber.finish() }
        subscribers = [:]
    }

    /// From the start (`offset` nil: the first event and the text so far) or after `offset` bytes
    /// of text, then the live events until the answer ends.
    func subscribe(afterOffset offset: Int? = nil) -> AsyncStream<ServerEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ServerEvent.self)
        if offset == nil { for event in head { continuation.yield(event) } }
        let rest = AnswerText.after(offset ?? 0, in: text)
        if !rest.isEmpty {
            continuation.yield(ServerEvent(id: text.utf8.count, name: "delta", json: ServerJSON.text(["text": rest])))
        }
        for event in ending { continuation.yield(event) }
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

/// Offsets into an answer's text.
enum AnswerText {
    /// The text after its first `offset` UTF-8 bytes (all of it for a negative offset, nothing past the end).
    static func after(_ offset: Int, in text: String) -> String {
        let bytes = text.utf8
        guard offset > 0 else { return text }
        guard offset < bytes.count else { return "" }
        return String(decoding: bytes.dropFirst(offset), as: UTF8.self)
    }
}

/// The JSON coders of the API: snake_case keys, ISO 8601 dates, sorted keys.
enum ServerJSON {
    /// `payload` as JSON text (`{}` if it cannot be encoded).
    static func text(_ payload: some Encodable) -> String {
        (try? encoder.encode(payload)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

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
