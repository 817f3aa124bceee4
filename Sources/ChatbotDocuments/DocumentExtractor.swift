public import ChatbotCore
import ChatbotHTML
public import Foundation

/// Extracts documents of any supported format to blocks with locations. Stateless; safe to share.
///
/// The format is recognised from the content (magic bytes, archive entries, BOMs, JSON/CSV
/// heuristics); the file name's extension only breaks ties between text formats. Hostile input
/// (oversized files, zip bombs, unsafe entry names, XML entities, truncated or corrupt files) is
/// refused with a ``ChatbotCore/ChatbotError`` naming the input and the reason. PDFs are parsed
/// in a child process with resource limits, see ``PDFWorkerClient``; the calling task suspends
/// while the worker runs and holds no thread of the cooperative pool.
public struct DocumentExtractor: Sendable {
    /// Limits and settings.
    public var options: ExtractionOptions

    /// Creates an extractor.
    public init(options: ExtractionOptions = ExtractionOptions()) {
        self.options = options
    }

    /// Reads and extracts several files, one result per file in order. PDFs among them share
    /// worker starts (see ``PDFWorkerClient``), each still under its own limits; everything else is
    /// as ``extract(fileAt:)``.
    public func extract(filesAt urls: [URL]) async -> [Result<ExtractedDocument, ChatbotError>] {
        var results = [Result<ExtractedDocument, ChatbotError>?](repeating: nil, count: urls.count)
        var pdfs: [(index: Int, data: Data, source: String)] = []
        for (index, url) in urls.enumerated() {
            do {
                let data = try read(url)
                if Self.isPDF(data) && data.count <= options.maxBytes {
                    pdfs.append((index, data, url.path))
                } else {
                    results[index] = .success(try await extract(data: data, filename: url.path))
                }
            } catch {
                results[index] = .failure(
                    error as? ChatbotError ?? ChatbotError(.runtime, "\(url.path): \(error)"))
            }
        }
        let extracted = await PDFWorkerClient(options: options).extractBatch(pdfs.map { ($0.data, $0.source) })
        for (pdf, result) in zip(pdfs, extracted) { results[pdf.index] = result }
        return results.map { $0 ?? .failure(ChatbotError(.runtime, "internal error: a file was not extracted")) }
    }

    /// Reads and extracts a file; its size is checked before it is read.
    ///
    /// - Throws: ``ChatbotCore/ChatbotError`` naming the file and the reason.
    public func extract(fileAt url: URL) async throws -> ExtractedDocument {
        try await extract(data: read(url), filename: url.path)
    }

    /// A file's bytes, its size checked before it is read.
    private func read(_ url: URL) throws -> Data {
        let path = url.path
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw ChatbotError(.notFound, "\(path): no such file")
        }
        if let size = (attributes[.size] as? NSNumber)?.intValue, size > options.maxBytes {
            throw ChatbotError(
                .runtime, "\(path): the file is \(size) bytes, over the limit of \(options.maxBytes) bytes",
                hint: "Raise the size limit.", reason: .inputTooLarge)
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw ChatbotError(.runtime, "\(path): cannot read the file: \(error.localizedDescription)")
        }
    }

    /// Extracts a document held in memory.
    ///
    /// - Parameters:
    ///   - data: The document's bytes.
    ///   - filename: The name (or path) of the input, used in errors and as a tie-breaker for text formats.
    /// - Throws: ``ChatbotCore/ChatbotError`` naming the input and the reason.
    public func extract(data: Data, filename: String? = nil) async throws -> ExtractedDocument {
        let source = filename ?? "input"
        if data.count > options.maxBytes {
            throw ChatbotError(
                .runtime, "\(source): the input is \(data.count) bytes, over the limit of \(options.maxBytes) bytes",
                hint: "Raise the size limit.", reason: .inputTooLarge)
        }
        guard !data.isEmpty else { throw ChatbotError(.runtime, "\(source): the file is empty") }
        let ext = filename.map { URL(fileURLWithPath: $0).pathExtension.lowercased() } ?? ""
        if Self.isPDF(data) {
            return try await PDFWorkerClient(options: options).extract(data: data, source: source)
        }
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return try extractArchive(data, source: source)
        }
        if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw ChatbotError(
                .runtime,
                "\(source): a legacy or password-protected Office file (OLE compound document), which is not supported")
        }
        guard let (text, encoding) = TextFormats.decode(data) else {
            throw ChatbotError(.runtime, "\(source): unrecognised binary format")
        }
        let format = Self.textFormat(text, ext: ext)
        var metadata = DocumentMetadata(encoding: encoding)
        let blocks: [DocumentBlock]
        switch format {
        case .html:
            let document = try HTMLDocument(data: data, source: source)
            let pageMetadata = MetadataExtractor.metadata(of: document)
            metadata.title = pageMetadata.title
            metadata.author = pageMetadata.author
            metadata.created = pageMetadata.date
            metadata.encoding = document.charset
            var builder = BlockBuilder()
            HTMLBlocks.walk(document.body, into: &builder)
            blocks = builder.blocks
        case .json: blocks = TextFormats.json(text)
        case .markdown: blocks = TextFormats.markdown(text)
        case .csv, .tsv:
            var builder = BlockBuilder()
            builder.table(TextFormats.delimited(text, separator: format == .csv ? "," : "\t"))
            blocks = builder.blocks
        default: blocks = TextFormats.plain(text)
        }
        return ExtractedDocument(format: format, metadata: metadata, blocks: blocks)
    }

    static func isPDF(_ data: Data) -> Bool {
        let head = data.prefix(1024)
        let marker: [UInt8] = Array("%PDF-".utf8)
        guard head.count >= marker.count else { return false }
        return head.indices.dropLast(marker.count - 1).contains { index in
            head[index..<(index + marker.count)].elementsEqual(marker)
        }
    }

    static func textFormat(_ text: String, ext: String) -> DocumentFormat {
        let start = text.drop { $0.isWhitespace }.prefix(512).lowercased()
        if start.hasPrefix("{") || start.hasPrefix("[") {
            if let data = text.data(using: .utf8), (try? JSONSerialization.jsonObject(with: data)) != nil {
                return .json
            }
        }
        let markupExtensions: Set<String> = ["html", "htm", "xhtml", "xht"]
        if start.hasPrefix("<!doctype html") || start.hasPrefix("<html") || start.contains("<html")
            || (start.hasPrefix("<") && (markupExtensions.contains(ext) || start.contains("<body")))
        {
            return .html
        }
        switch ext {
        case "md", "markdown", "mdown", "mkd": return .markdown
        case "csv": return .csv
        case "tsv", "tab": return .tsv
        case "txt", "text", "log": return .text
        default: break
        }
        if TextFormats.looksDelimited(text, separator: "\t") { return .tsv }
        if TextFormats.looksDelimited(text, separator: ",") && ext.isEmpty { return .csv }
        let lines = text.split(separator: "\n").prefix(200)
        if lines.contains(where: { $0.hasPrefix("# ") || $0.hasPrefix("## ") }) { return .markdown }
        return .text
    }

    private func extractArchive(_ data: Data, source: String) throws -> ExtractedDocument {
        let zip = try SafeZip(data: data, source: source, options: options)
        if zip.contains("mimetype"), let mimeData = try zip.read("mimetype") {
            let mime = String(decoding: mimeData.prefix(200), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            var reader = ODFReader(zip: zip, source: source)
            switch mime {
            case "application/epub+zip": return try EPUBReader(zip: zip, source: source).read()
            case "application/vnd.oasis.opendocument.text": return try reader.read(.odt)
            case "application/vnd.oasis.opendocument.spreadsheet": return try reader.read(.ods)
            case "application/vnd.oasis.opendocument.presentation": return try reader.read(.odp)
            default: break
            }
        }
        let reader = OOXMLReader(zip: zip, source: source)
        if zip.contains("[Content_Types].xml") {
            if zip.contains("word/document.xml") { return try reader.docx() }
            if zip.contains("ppt/presentation.xml") { return try reader.pptx() }
            if zip.contains("xl/workbook.xml") { return try reader.xlsx() }
        }
        throw ChatbotError(.runtime, "\(source): a zip archive that is not a DOCX, PPTX, XLSX, ODF or EPUB document")
    }
}
