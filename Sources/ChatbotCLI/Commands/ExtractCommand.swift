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
            Reads one document (or `-` for stdin) and prints its content. The format is recognised \
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

            EXIT STATUS: 0 extracted; 1 the document could not be read; 64 usage error; 69 the PDF \
            worker is missing.
            """
    )

    /// Output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case markdown, text, json
    }

    @Argument(help: ArgumentHelp("The document to read; `-` reads stdin.", valueName: "file"))
    var input: String

    @Option(help: ArgumentHelp("Output format: markdown, text or json.", valueName: "format"))
    var format: Format = .markdown

    @Option(help: ArgumentHelp("The password of an encrypted PDF.", valueName: "password"))
    var password: String?

    @Option(help: ArgumentHelp("Refuse inputs larger than this many bytes.", valueName: "bytes"))
    var maxBytes: Int = 100 * 1_048_576

    @Option(help: ArgumentHelp("The name of stdin input, for errors and format hints.", valueName: "name"))
    var filename: String?

    func validate() throws {
        guard maxBytes > 0 else { throw ValidationError("--max-bytes must be positive, got \(maxBytes)") }
    }

    func run() async throws {
        var options = ExtractionOptions(maxBytes: maxBytes)
        options.password = password
        let extractor = DocumentExtractor(options: options)
        let document: ExtractedDocument
        let source: String
        if input == "-" {
            source = filename ?? "stdin"
            let data = try PromptBuilder.readStandardInput(limit: maxBytes + 1)
            document = try extractor.extract(data: data, filename: source)
        } else {
            source = input
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
                throw ChatbotError(.usage, "\(input): is a directory; give a document file")
            }
            document = try extractor.extract(fileAt: URL(fileURLWithPath: input))
        }
        switch format {
        case .markdown:
            StandardOutput.write(document.markdown)
        case .text:
            StandardOutput.write(document.text)
        case .json:
            try JSONOutput.print(ExtractRecord(document: document, source: source))
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
