import ArgumentParser
import ChatbotCore
import ChatbotDocuments
import Foundation

/// `chatbot extract FILE | -`: a document's text as Markdown, plain text or JSON with locations.
struct ExtractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract the text, structure and metadata of a document as Markdown, text or JSON.",
        discussion: """
            Reads documents (or `-` for stdin) and prints their content; several files are read in \
            one process (with --format ndjson, one JSON object per line). The format is recognised \
            from the content, the file extension only breaking ties between text formats: PDF, DOCX, \
            PPTX, XLSX, ODT, ODS, ODP, EPUB, HTML/XHTML, Markdown, CSV/TSV, JSON and plain text \
            (UTF-8, UTF-16 with a byte-order mark, else Windows-1252).

            Headings, paragraphs, lists and tables (as Markdown tables) are kept; slides come with \
            their speaker notes, spreadsheets sheet by sheet, PDFs page by page (an HTML comment such \
            as <!-- page 3 --> marks each page, slide or sheet in Markdown).

            --format json prints one object with the keys format, title, metadata (title, author, \
            created, modified, page_count, slide_count, sheet_count, chapter_count, encoding), blocks \
            (kind, level, ordered, text, location with page, slide, sheet, chapter and heading_path), \
            markdown and source.

            PDFs are parsed by chatbot-pdf-worker, a child process with CPU and memory limits and a \
            timeout, found next to the chatbot binary or through CHATBOT_PDF_WORKER. An encrypted PDF \
            needs --password.

            Hostile input is refused with a message naming the file and the reason: files over \
            --max-bytes, zip bombs (entry count, inflated size and compression ratio are capped while \
            inflating), archive entries with '..', absolute paths or backslashes, XML that declares \
            entities or DTD subsets, and truncated or corrupt files.

            EXIT STATUS: 0 extracted; 1 the (only) document could not be read; 2 some of several \
            documents could not be read (the others are printed, the failures named on stderr); 64 \
            usage error; 69 the PDF worker is missing.
            """
    )

    /// Output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case markdown, text, json, ndjson
    }

    @Argument(help: ArgumentHelp("The documents to read; `-` reads stdin.", valueName: "file"))
    var inputs: [String]

    @Option(help: ArgumentHelp("Output format: markdown, text, json or ndjson.", valueName: "format"))
    var format: Format = .markdown

    @Option(help: ArgumentHelp("The password of an encrypted PDF.", valueName: "password"))
    var password: String?

    @Option(help: ArgumentHelp("Refuse inputs larger than this many bytes.", valueName: "bytes"))
    var maxBytes: Int = 100 * 1_048_576

    @Option(help: ArgumentHelp("The name of stdin input, for errors and format hints.", valueName: "name"))
    var filename: String?

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give a document file, or - for stdin") }
        if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("stdin (`-`) can be read only once") }
        guard maxBytes > 0 else { throw ValidationError("--max-bytes must be positive, got \(maxBytes)") }
    }

    func run() async throws {
        var options = ExtractionOptions(maxBytes: maxBytes)
        options.password = password
        let extractor = DocumentExtractor(options: options)
        var failures: [ChatbotError] = []
        var printed = 0
        // Several files are read a window at a time, so their PDFs share worker starts; output
        // stays in input order.
        var prepared: [Int: Result<ExtractedDocument, ChatbotError>] = [:]
        for (index, input) in inputs.enumerated() {
            do {
                let document: ExtractedDocument
                if inputs.count > 1, input != "-", !Self.isDirectory(input) {
                    if prepared[index] == nil {
                        let window = (index..<min(inputs.count, index + 16)).filter {
                            inputs[$0] != "-" && !Self.isDirectory(inputs[$0])
                        }
                        let results = await extractor.extract(filesAt: window.map { URL(fileURLWithPath: inputs[$0]) })
                        for (position, result) in zip(window, results) { prepared[position] = result }
                    }
                    document = try prepared.removeValue(forKey: index)!.get()
                } else {
                    document = try await extract(input, with: extractor).0
                }
                try emit(document, source: input == "-" ? (filename ?? "stdin") : input, separator: printed > 0)
                printed += 1
            } catch let error as ChatbotError where inputs.count > 1 {
                StandardError.write("chatbot: \(error.message)\n")
                failures.append(error)
            }
        }
        guard !failures.isEmpty else { return }
        if printed == 0 { throw ChatbotError(.runtime, "none of the \(failures.count) documents could be read") }
        throw ChatbotError(.partial, "\(failures.count) of \(inputs.count) documents could not be read")
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    private func extract(_ input: String, with extractor: DocumentExtractor) async throws -> (
        ExtractedDocument, String
    ) {
        if input == "-" {
            let source = filename ?? "stdin"
            let data = try StandardInput.read(limit: maxBytes + 1)
            return (try await extractor.extract(data: data, filename: source), source)
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ChatbotError(.usage, "\(input): is a directory; give a document file")
        }
        return (try await extractor.extract(fileAt: URL(fileURLWithPath: input)), input)
    }

    private func emit(_ document: ExtractedDocument, source: String, separator: Bool) throws {
        switch format {
        case .markdown:
            StandardOutput.write((separator ? "\n" : "") + document.markdown)
        case .text:
            StandardOutput.write((separator ? "\n" : "") + document.text)
        case .json, .ndjson:
            try JSONOutput.print(ExtractRecord(document: document, source: source), pretty: format == .json)
        }
    }
}

/// The JSON shape of `chatbot extract --format json`.
struct ExtractRecord: Encodable {
    let format: DocumentFormat
    let title: String?
    let metadata: DocumentMetadata
    let blocks: [DocumentBlock]
    let markdown: String
    let source: String

    init(document: ExtractedDocument, source: String) {
        format = document.format
        title = document.title
        metadata = document.metadata
        blocks = document.blocks
        markdown = document.markdown
        self.source = source
    }
}
