import ChatbotCore
import ChatbotDocuments
import ChatbotRetrieval
import Foundation

/// Builds the user message from the arguments, attached files and stdin. Text is taken as it is;
/// documents (PDF, DOCX, PPTX, XLSX, ODF, EPUB, …) are extracted to Markdown; audio and video are
/// transcribed when a transcriber is given.
struct PromptBuilder {
    var words: [String]
    var files: [String]
    var readStandardInput: Bool = isatty(STDIN_FILENO) == 0
    /// Text (the input, or what extraction gives) larger than this is refused rather than
    /// silently truncated.
    var maxAttachmentBytes = 8 * 1024 * 1024
    /// Documents and media larger than this are refused before they are read whole.
    var maxBinaryBytes = 100 * 1024 * 1024
    /// Transcribes audio and video attachments; without it they are refused with a hint.
    var transcribe: MediaTranscription?

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
            let data = try Self.readFile(path, limit: maxBinaryBytes)
            let text = try await content(of: data, source: path, filename: (path as NSString).lastPathComponent)
            parts.append("File: \((path as NSString).lastPathComponent)\n```\n\(text)\n```")
        }
        var piped: String?
        if readStandardInput {
            let data = try Self.readStandardInput(limit: maxBinaryBytes + 1)
            if data.count > maxBinaryBytes {
                throw ChatbotError(.usage, "stdin is over the \(maxBinaryBytes >> 20) MiB limit for input")
            }
            if !data.isEmpty {
                let text = try await content(of: data, source: "stdin", filename: nil)
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

    /// The text of one input: text as it is, documents extracted, media transcribed.
    private func content(of data: Data, source: String, filename: String?) async throws -> String {
        if MediaSniffer.isMedia(data.prefix(64)) {
            guard let transcribe else {
                throw ChatbotError(.usage, "\(source) is audio or video and no speech provider is configured")
            }
            let file = try Self.spool(data)
            defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
            let transcript = try await transcribe(file, source)
            return try Self.capped(transcript.text, source: source, limit: maxAttachmentBytes)
        }
        guard Self.isDocument(data) else { return try Self.text(from: data, source: source, limit: maxAttachmentBytes) }
        var options = ExtractionOptions()
        options.maxBytes = maxBinaryBytes
        let document: ExtractedDocument
        do {
            document = try await DocumentExtractor(options: options).extract(data: data, filename: filename)
        } catch let error as ChatbotError {
            throw ChatbotError(
                .usage, error.message.hasPrefix(source) ? error.message : "\(source): \(error.message)",
                hint: error.hint)
        }
        return try Self.capped(document.markdown, source: source, limit: maxAttachmentBytes)
    }

    private static func capped(_ text: String, source: String, limit: Int) throws -> String {
        guard text.utf8.count <= limit else {
            throw ChatbotError(
                .usage, "\(source) holds more than \(limit / 1_048_576) MiB of text; the limit for input")
        }
        return text
    }

    /// PDF and zip containers (OOXML, ODF, EPUB) are documents even when their bytes decode.
    private static func isDocument(_ data: Data) -> Bool {
        data.starts(with: Array("%PDF".utf8)) || data.starts(with: [0x50, 0x4B, 0x03, 0x04])
    }

    private static func readFile(_ path: String, limit: Int) throws -> Data {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = (attributes?[.size] as? NSNumber)?.intValue, size > limit {
            throw ChatbotError(.usage, "\(path) is \(size >> 20) MiB; the limit for input is \(limit >> 20) MiB")
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ChatbotError(.usage, "cannot read \(path): \((error as NSError).localizedDescription)")
        }
    }

    private static func spool(_ data: Data) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chatbot-ask-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = folder.appendingPathComponent("input")
        try data.write(to: file)
        return file
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
                .usage, "\(source) looks like binary data, not text or a document chatbot can read",
                hint: "supported: text, PDF, DOCX, PPTX, XLSX, ODT/ODS/ODP, EPUB, HTML, CSV, JSON, audio and video")
        }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        if let text = String(validating: body, as: UTF8.self) { return text }
        return String(data: Data(body), encoding: .windowsCP1252) ?? String(decoding: body, as: UTF8.self)
    }
}
