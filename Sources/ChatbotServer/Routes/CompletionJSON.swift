import ChatbotCore

/// The JSON of `/v1/chat/completions` answers, written directly: they have a fixed shape, and
/// building dictionaries for JSONSerialization took an eighth of the endpoint's CPU time.
enum CompletionJSON {
    /// What a chunk's `delta` carries.
    enum Delta {
        /// The first chunk: the role, with empty content.
        case role
        /// A piece of the answer.
        case content(String)
        /// Nothing (the chunk with the finish reason).
        case none
    }

    /// A `chat.completion.chunk`; `usage` alone makes the usage chunk (no choices).
    static func chunk(
        id: String, created: Int, model: String, delta: Delta, finish: String? = nil, usage: ChatUsage? = nil
    ) -> String {
        var out = head(id: id, created: created, model: model, object: "chat.completion.chunk")
        if let usage {
            out += #""choices":[],"usage":"#
            out += usageObject(usage)
        } else {
            out += #""choices":[{"delta":"#
            switch delta {
            case .role: out += #"{"content":"","role":"assistant"}"#
            case .content(let text): out += #"{"content":"# + quoted(text) + "}"
            case .none: out += "{}"
            }
            out += #","finish_reason":"# + (finish.map(quoted) ?? "null") + #","index":0}]"#
        }
        return out + "}"
    }

    /// A whole `chat.completion`.
    static func completion(
        id: String, created: Int, model: String, text: String, finish: String, usage: ChatUsage?
    ) -> String {
        var out = head(id: id, created: created, model: model, object: "chat.completion")
        out += #""choices":[{"finish_reason":"# + quoted(finish)
        out += #","index":0,"message":{"content":"# + quoted(text) + #","role":"assistant"}}]"#
        if let usage { out += #","usage":"# + usageObject(usage) }
        return out + "}"
    }

    /// `{"completion_tokens":…,"prompt_tokens":…,"total_tokens":…}`.
    static func usageObject(_ usage: ChatUsage) -> String {
        #"{"completion_tokens":\#(usage.completionTokens),"prompt_tokens":\#(usage.promptTokens),"#
            + #""total_tokens":\#(usage.promptTokens + usage.completionTokens)}"#
    }

    /// A JSON string literal of `text` (RFC 8259: quotes, backslashes and control characters
    /// escaped; everything else as UTF-8).
    static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        var plainStart = text.unicodeScalars.startIndex
        var index = plainStart
        let scalars = text.unicodeScalars
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let escape: String? =
                switch scalar {
                case "\"": "\\\""
                case "\\": "\\\\"
                case "\n": "\\n"
                case "\r": "\\r"
                case "\t": "\\t"
                case _ where scalar.value < 0x20: "\\u00" + hex(scalar.value >> 4) + hex(scalar.value & 0xF)
                default: nil
                }
            if let escape {
                out.unicodeScalars.append(contentsOf: scalars[plainStart..<index])
                out += escape
                plainStart = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        out.unicodeScalars.append(contentsOf: scalars[plainStart..<scalars.endIndex])
        return out + "\""
    }

    private static func head(id: String, created: Int, model: String, object: String) -> String {
        "{" + #""created":\#(created),"id":"# + quoted(id) + #","model":"# + quoted(model) + #","object":""#
            + object + #"","#
    }

    private static func hex(_ value: UInt32) -> String {
        String(UnicodeScalar(UInt8(value < 10 ? 48 + value : 87 + value)))
    }
}
