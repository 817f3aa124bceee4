import Foundation

/// The document formats the extractor recognises.
public enum DocumentFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// Portable Document Format.
    case pdf
    /// Word (Office Open XML).
    case docx
    /// PowerPoint (Office Open XML).
    case pptx
    /// Excel (Office Open XML).
    case xlsx
    /// OpenDocument text.
    case odt
    /// OpenDocument spreadsheet.
    case ods
    /// OpenDocument presentation.
    case odp
    /// EPUB e-book.
    case epub
    /// HTML or XHTML.
    case html
    /// Markdown.
    case markdown
    /// Plain text.
    case text
    /// Comma-separated values.
    case csv
    /// Tab-separated values.
    case tsv
    /// JSON.
    case json
}

/// Where a block sits in its document: the unit a citation points to.
public struct DocumentLocation: Sendable, Hashable, Codable {
    /// The 1-based page (PDF).
    public var page: Int?
    /// The 1-based slide (PPTX, ODP).
    public var slide: Int?
    /// The sheet name (XLSX, ODS).
    public var sheet: String?
    /// The chapter file or title (EPUB).
    public var chapter: String?
    /// The headings above the block, outermost first.
    public var headingPath: [String]

    /// Creates a location.
    public init(
        page: Int? = nil, slide: Int? = nil, sheet: String? = nil, chapter: String? = nil, headingPath: [String] = []
    ) {
        self.page = page
        self.slide = slide
        self.sheet = sheet
        self.chapter = chapter
        self.headingPath = headingPath
    }

    enum CodingKeys: String, CodingKey {
        case page, slide, sheet, chapter
        case headingPath = "heading_path"
    }
}

/// One block of extracted content.
public struct DocumentBlock: Sendable, Hashable, Codable {
    /// What a block is.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A heading; `level` gives its depth.
        case heading
        /// A paragraph of prose.
        case paragraph
        /// A list item; `level` gives its nesting (1 = top).
        case listItem = "list_item"
        /// A table, `text` holding it as a Markdown table.
        case table
        /// Preformatted text or code.
        case code
        /// Speaker notes of a slide.
        case notes
        /// Markdown passed through as written (Markdown sources).
        case markdown
    }

    /// The block's kind.
    public var kind: Kind
    /// Heading level (1–6) or list nesting (1…); 0 otherwise.
    public var level: Int
    /// Whether a list item belongs to a numbered list.
    public var ordered: Bool
    /// The block's text (Markdown tables for `table`, plain text otherwise).
    public var text: String
    /// Where the block sits.
    public var location: DocumentLocation

    /// Creates a block.
    public init(kind: Kind, level: Int = 0, ordered: Bool = false, text: String, location: DocumentLocation) {
        self.kind = kind
        self.level = level
        self.ordered = ordered
        self.text = text
        self.location = location
    }
}

/// What the document says about itself.
public struct DocumentMetadata: Sendable, Hashable, Codable {
    /// The title.
    public var title: String?
    /// The author or creator.
    public var author: String?
    /// The creation date as the document gives it (usually ISO 8601).
    public var created: String?
    /// The last modification date as the document gives it.
    public var modified: String?
    /// Pages (PDF).
    public var pageCount: Int?
    /// Slides (PPTX, ODP).
    public var slideCount: Int?
    /// Sheets (XLSX, ODS).
    public var sheetCount: Int?
    /// Chapters (EPUB spine items).
    public var chapterCount: Int?
    /// The text encoding a text file was read in.
    public var encoding: String?

    /// Creates metadata.
    public init(
        title: String? = nil, author: String? = nil, created: String? = nil, modified: String? = nil,
        pageCount: Int? = nil, slideCount: Int? = nil, sheetCount: Int? = nil, chapterCount: Int? = nil,
        encoding: String? = nil
    ) {
        self.title = title
        self.author = author
        self.created = created
        self.modified = modified
        self.pageCount = pageCount
        self.slideCount = slideCount
        self.sheetCount = sheetCount
        self.chapterCount = chapterCount
        self.encoding = encoding
    }

    enum CodingKeys: String, CodingKey {
        case title, author, created, modified, encoding
        case pageCount = "page_count"
        case slideCount = "slide_count"
        case sheetCount = "sheet_count"
        case chapterCount = "chapter_count"
    }
}

/// An extracted document: its format, metadata, blocks with locations and renderings.
public struct ExtractedDocument: Sendable, Hashable, Codable {
    /// The recognised format.
    public var format: DocumentFormat
    /// The metadata.
    public var metadata: DocumentMetadata
    /// The content blocks in reading order.
    public var blocks: [DocumentBlock]

    /// The title: the metadata title, else the first heading.
    public var title: String? {
        if let title = metadata.title, !title.isEmpty { return title }
        return blocks.first { $0.kind == .heading }?.text
    }

    /// Creates a document.
    public init(format: DocumentFormat, metadata: DocumentMetadata, blocks: [DocumentBlock]) {
        self.format = format
        self.metadata = metadata
        self.blocks = blocks
    }

    /// The document as Markdown.
    public var markdown: String { BlockRenderer.render(blocks, markdown: true) }

    /// The document as plain text.
    public var text: String { BlockRenderer.render(blocks, markdown: false) }
}

/// Limits and settings of one extraction.
public struct ExtractionOptions: Sendable {
    /// Inputs larger than this many bytes are refused.
    public var maxBytes: Int
    /// Archives (OOXML, ODF, EPUB) with more entries than this are refused.
    public var maxArchiveEntries: Int
    /// An archive entry inflating to more than this many bytes is refused.
    public var maxEntryBytes: Int
    /// An archive inflating to more than this many bytes in all is refused.
    public var maxTotalInflatedBytes: Int
    /// An entry whose inflated size exceeds its compressed size by more than this factor is refused.
    public var maxCompressionRatio: Int
    /// The password of an encrypted PDF.
    public var password: String?
    /// The wall-clock limit of the PDF worker, in seconds.
    public var pdfTimeoutSeconds: Int
    /// The address-space limit of the PDF worker, in bytes.
    public var pdfMemoryBytes: Int
    /// Extra environment variables for the PDF worker (tests use `CHATBOT_PDF_WORKER_TEST`).
    public var pdfWorkerEnvironment: [String: String] = [:]

    /// Creates options; the defaults suit documents up to a few hundred pages.
    public init(
        maxBytes: Int = 100 << 20, maxArchiveEntries: Int = 5_000, maxEntryBytes: Int = 64 << 20,
        maxTotalInflatedBytes: Int = 256 << 20, maxCompressionRatio: Int = 200, password: String? = nil,
        pdfTimeoutSeconds: Int = 60, pdfMemoryBytes: Int = 2 << 30
    ) {
        self.maxBytes = maxBytes
        self.maxArchiveEntries = maxArchiveEntries
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalInflatedBytes = maxTotalInflatedBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.password = password
        self.pdfTimeoutSeconds = pdfTimeoutSeconds
        self.pdfMemoryBytes = pdfMemoryBytes
    }
}
