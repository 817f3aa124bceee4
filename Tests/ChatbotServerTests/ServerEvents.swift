import Foundation

/// Server-sent events as a test reads them.
struct ServerEvents {
    struct Event {
        var id: Int?
        var name: String
        var json: [String: Any]
    }

    static func parse(_ text: String) -> [Event] {
        text.components(separatedBy: "\n\n").compactMap { block -> Event? in
            var id: Int?
            var name = "message"
            var data = ""
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = Int(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data += line.dropFirst(6) }
            }
            guard !data.isEmpty else { return nil }
            let json = (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] ?? [:]
            return Event(id: id, name: name, json: json)
        }
    }

    /// The answer the `delta` events spell.
    static func text(of events: [Event]) -> String {
        events.filter { $0.name == "delta" }.compactMap { $0.json["text"] as? String }.joined()
    }
}
