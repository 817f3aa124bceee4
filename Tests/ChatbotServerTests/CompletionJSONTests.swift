import ChatbotCore
import Foundation
import Testing

@testable import ChatbotServer

/// The hand-written JSON of `/v1` answers parses, with every string intact.
@Suite("CompletionJSON")
struct CompletionJSONTests {
    static let awkward = [
        "", "plain", #"quote " and backslash \ and slash /"#, "line\nbreak\r\ttab", "\u{0}\u{1}\u{1F}\u{7F}",
        "é ü 中文 🦙 \u{2028}\u{2029}", #"\u0041 is not an escape here"#, String(repeating: "x\"", count: 500),
    ]

    @Test("a quoted string parses back to itself", arguments: awkward)
    func quoted(_ text: String) throws {
        let parsed = try JSONSerialization.jsonObject(
            with: Data(CompletionJSON.quoted(text).utf8), options: [.fragmentsAllowed])
        #expect(parsed as? String == text)
    }

    @Test("chunks and completions are the objects OpenAI sends")
    func shapes() throws {
        func object(_ text: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
        }
        let usage = ChatUsage(promptTokens: 12, completionTokens: 7)
        let first = try object(CompletionJSON.chunk(id: "c\"1", created: 5, model: "m\\x", delta: .role))
        #expect(first["id"] as? String == "c\"1")
        #expect(first["model"] as? String == "m\\x")
        #expect(first["created"] as? Int == 5)
        #expect(first["object"] as? String == "chat.completion.chunk")
        let firstChoice = try #require((first["choices"] as? [[String: Any]])?.first)
        #expect(firstChoice["delta"] as? [String: String] == ["role": "assistant", "content": ""])
        #expect(firstChoice["finish_reason"] is NSNull)
        #expect(firstChoice["index"] as? Int == 0)

        for text in Self.awkward {
            let piece = try object(CompletionJSON.chunk(id: "c", created: 5, model: "m", delta: .content(text)))
            let choice = try #require((piece["choices"] as? [[String: Any]])?.first)
            #expect((choice["delta"] as? [String: String])?["content"] == text)
        }

        let last = try object(CompletionJSON.chunk(id: "c", created: 5, model: "m", delta: .none, finish: "length"))
        let lastChoice = try #require((last["choices"] as? [[String: Any]])?.first)
        #expect((lastChoice["delta"] as? [String: Any])?.isEmpty == true)
        #expect(lastChoice["finish_reason"] as? String == "length")

        let counted = try object(CompletionJSON.chunk(id: "c", created: 5, model: "m", delta: .none, usage: usage))
        #expect((counted["choices"] as? [Any])?.isEmpty == true)
        #expect(
            counted["usage"] as? [String: Int] == ["prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19])

        let whole = try object(
            CompletionJSON.completion(
                id: "c", created: 5, model: "m", text: "Hi \"there\"\n", finish: "stop", usage: usage))
        #expect(whole["object"] as? String == "chat.completion")
        let choice = try #require((whole["choices"] as? [[String: Any]])?.first)
        #expect(choice["message"] as? [String: String] == ["role": "assistant", "content": "Hi \"there\"\n"])
        #expect(choice["finish_reason"] as? String == "stop")
        #expect((whole["usage"] as? [String: Int])?["total_tokens"] == 19)
        let bare = try object(
            CompletionJSON.completion(id: "c", created: 5, model: "m", text: "", finish: "stop", usage: nil))
        #expect(bare["usage"] == nil)
    }
}
