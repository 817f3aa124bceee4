import ChatbotCore
import ChatbotDocuments
import Foundation

/// Builds the user message from the arguments, attached files and stdin; each input is read by
/// the library's ``PromptInput`` (text as it is, documents extracted, media transcribed).
struct PromptBuilder {
    var words: [String]
    var files: [String]
    var readStandardInput: Bool = isatty(STDIN_FILENO) == 0
    /// Reads and decodes each input, under its caps.
    var input = PromptInput()

    /// The message, and the question alone (the words, or the piped text when there are none),
    /// which retrieval searches with.
    struct Prompt {
        var message: String
        var question: String
    }

    func build() async throws -> Prompt {
        var parts: [String] = []
        let question = words.joined(separator: " ").trimmingCharacters(in: .whitespacesAndNewlines)
        if !question.isEmpty { parts.append(question) }
        for path in files {
            let data = try input.readFile(path)
            let name = (path as NSString).lastPathComponent
            let text = try await input.text(of: data, source: path, filename: name)
            parts.append("File: \(name)\n```\n\(text)\n```")
        }
        var piped: String?
        if readStandardInput {
            let data = try StandardInput.read(limit: input.maxBinaryBytes + 1)
            if data.count > input.maxBinaryBytes {
                throw ChatbotError(.usage, "stdin is over the \(input.maxBinaryBytes >> 20) MiB limit for input")
            }
            if !data.isEmpty {
                let text = try await input.text(of: data, source: "stdin", filename: nil)
                if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    parts.append(text)
                    piped = text
                }
            }
        }
        guard !parts.isEmpty else {
            throw ChatbotError(.usage, "no question given", hint: "chatbot ask \"your question\", or pipe text into it")
        }
        return Prompt(
            message: parts.joined(separator: "\n\n"),
            question: question.isEmpty ? String((piped ?? parts[0]).prefix(2000)) : question)
    }
}
