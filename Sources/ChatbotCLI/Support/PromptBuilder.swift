import ChatbotCore
import Foundation

/// Builds the user message from the arguments, attached files and stdin.
struct PromptBuilder {
    var words: [String]
    var files: [String]
    var readStandardInput: Bool = isatty(STDIN_FILENO) == 0
    /// Text attachments larger than this are refused rather than silently truncated.
    var maxAttachmentBytes = 8 * 1024 * 1024

    func build() throws -> String {
        var parts: [String] = []
        let question = words.joined(separator: " ").trimmingCharacters(in: .whitespacesAndNewlines)
        if !question.isEmpty { parts.append(question) }
        for path in files {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw ChatbotError(.usage, "cannot read \(path): \((error as NSError).localizedDescription)")
            }
            let text = try Self.text(from: data, source: path, limit: maxAttachmentBytes)
            parts.append("File: \((path as NSString).lastPathComponent)\n```\n\(text)\n```")
        }
        if readStandardInput {
            let data = try Self.readStandardInput(limit: maxAttachmentBytes + 1)
            if !data.isEmpty {
                let text = try Self.text(from: data, source: "stdin", limit: maxAttachmentBytes)
                if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { parts.append(text) }
            }
        }
        guard !parts.isEmpty else {
            throw ChatbotError(.usage, "no question given", hint: "chatbot ask \"your question\", or pipe text into it")
        }
        return parts.joined(separator: "\n\n")
    }

    /// Reads stdin to its end (at most `limit` bytes). A closed or unreadable stdin reads as empty.
    static func readStandardInput(limit: Int) throws -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while data.count < limit {
            let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        return data
    }

    /// Decodes text: UTF-8 (BOM stripped), UTF-16 with a BOM, else Windows-1252. Binary data is refused.
    static func text(from data: Data, source: String, limit: Int) throws -> String {
        guard data.count <= limit else {
            throw ChatbotError(
                .usage,
                "\(source) is \(data.count / 1_048_576) MiB; the limit for text input is \(limit / 1_048_576) MiB")
        }
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]),
            let text = String(data: data, encoding: .utf16)
        {
            return text
        }
        if bytes.contains(0) {
            throw ChatbotError(
                .usage, "\(source) looks like binary data, not text",
                hint: "ask accepts text for now; extract text first (e.g. pdftotext file.pdf -)")
        }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        if let text = String(validating: body, as: UTF8.self) { return text }
        return String(data: Data(body), encoding: .windowsCP1252) ?? String(decoding: body, as: UTF8.self)
    }
}
