public import ChatbotCore
public import Foundation

/// Turns what a person attaches to a question (a file, piped bytes, an upload) into text for the
/// prompt: text as it is (UTF-8, UTF-16 with a byte-order mark, else Windows-1252), documents
/// recognised by content and extracted to Markdown, audio and video transcribed by the injected
/// transcription. Anything else is refused with a message saying what is accepted, and text
/// over the cap is refused rather than silently cut.
public struct PromptInput: Sendable {
    /// Transcribes the media file at a URL (a private temporary copy); the string names the input.
    public typealias Transcription = @Sendable (_ file: URL, _ source: String) async throws -> Transcript

    /// Text (the input, or what extraction gives) larger than this is refused.
    public var maxTextBytes: Int
    /// Documents and media larger than this are refused before they are read whole.
    public var maxBinaryBytes: Int
    /// Transcribes audio and video; without it they are refused.
    public var transcribe: Transcription?

    /// Creates a reader with the default caps: 8 MiB of text, 100 MiB of binary input.
    public init(maxTextBytes: Int = 8 << 20, maxBinaryBytes: Int = 100 << 20, transcribe: Transcription? = nil) {
        self.maxTextBytes = maxTextBytes
        self.maxBinaryBytes = maxBinaryBytes
        self.transcribe = transcribe
    }

    /// The text of one input called `source` (a path, `stdin`, an upload's name); `filename`
    /// helps tell text formats apart.
    ///
    /// - Throws: ``ChatbotError`` `.usage` for binary data, unreadable documents, media without a
    ///   transcription, and text over the cap.
    public func text(of data: Data, source: String, filename: String?) async throws -> String {
        if MediaSniffer.isMedia(data.prefix(64)) {
            guard let transcribe else {
                throw ChatbotError(.usage, "\(source) is audio or video and no speech provider is configured")
            }
            let file = try Self.spool(data)
            defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
            let transcript = try await transcribe(file, source)
            return try capped(transcript.text, source: source)
        }
        guard Self.isDocument(data) else { return try Self.decodeText(data, source: source, limit: maxTextBytes) }
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
        return try capped(document.markdown, source: source)
    }

    /// Reads the file at `path`, refusing one over ``maxBinaryBytes`` before reading it.
    ///
    /// - Throws: ``ChatbotError`` `.usage` when it is too large or cannot be read.
    public func readFile(_ path: String) throws -> Data {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = (attributes?[.size] as? NSNumber)?.intValue, size > maxBinaryBytes {
            throw ChatbotError(
                .usage, "\(path) is \(size >> 20) MiB; the limit for input is \(maxBinaryBytes >> 20) MiB")
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ChatbotError(.usage, "cannot read \(path): \((error as NSError).localizedDescription)")
        }
    }

    private func capped(_ text: String, source: String) throws -> String {
        guard text.utf8.count <= maxTextBytes else {
            throw ChatbotError(
                .usage, "\(source) holds more than \(maxTextBytes / 1_048_576) MiB of text; the limit for input")
        }
        return text
    }

    /// PDF and zip containers (OOXML, ODF, EPUB) are documents even when their bytes decode.
    private static func isDocument(_ data: Data) -> Bool {
        data.starts(with: Array("%PDF".utf8)) || data.starts(with: [0x50, 0x4B, 0x03, 0x04])
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

    /// Decodes text: UTF-8 (BOM stripped), UTF-16 with a BOM, else Windows-1252. Binary data is
    /// refused.
    ///
    /// - Throws: ``ChatbotError`` `.usage` for binary data or text over `limit` bytes.
    public static func decodeText(_ data: Data, source: String, limit: Int) throws -> String {
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
