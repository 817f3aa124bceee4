public import ChatbotDocuments
import Foundation

/// Where a chunk sits in its source, as stored in `chunks.location` (JSON): the page, slide,
/// sheet or chapter of a document, the headings above it, or the time range of a recording.
public struct ChunkLocation: Sendable, Hashable, Codable {
    /// The 1-based page (PDF).
    public var page: Int?
    /// The 1-based slide (PPTX, ODP).
    public var slide: Int?
    /// The sheet name (XLSX, ODS).
    public var sheet: String?
    /// The chapter (EPUB).
    public var chapter: String?
    /// The headings above the chunk, outermost first.
    public var headingPath: [String]?
    /// Where the chunk starts in a recording, in seconds.
    public var start: Double?
    /// Where it ends, in seconds.
    public var end: Double?

    /// Creates a location.
    public init(
        page: Int? = nil, slide: Int? = nil, sheet: String? = nil, chapter: String? = nil,
        headingPath: [String]? = nil, start: Double? = nil, end: Double? = nil
    ) {
        self.page = page
        self.slide = slide
        self.sheet = sheet
        self.chapter = chapter
        self.headingPath = headingPath
        self.start = start
        self.end = end
    }

    /// The location of a document chunk.
    public init(_ location: DocumentLocation) {
        self.init(
            page: location.page, slide: location.slide, sheet: location.sheet, chapter: location.chapter,
            headingPath: location.headingPath.isEmpty ? nil : location.headingPath)
    }

    enum CodingKeys: String, CodingKey {
        case page, slide, sheet, chapter, start, end
        case headingPath = "heading_path"
    }

    /// The stored form: compact JSON with sorted keys, absent fields left out.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Parses a stored location; an unreadable one is empty.
    public init(json: String) {
        self = (try? JSONDecoder().decode(ChunkLocation.self, from: Data(json.utf8))) ?? ChunkLocation()
    }

    /// For people: `page 3`, `slide 2`, `sheet Sales`, `12:34–13:10`, `Install > Linux`; empty
    /// when nothing is known.
    public var label: String {
        var parts: [String] = []
        if let page { parts.append("page \(page)") }
        if let slide { parts.append("slide \(slide)") }
        if let sheet { parts.append("sheet \(sheet)") }
        if let chapter, headingPath?.isEmpty ?? true { parts.append(chapter) }
        if let start {
            parts.append("@ " + Self.clock(start) + (end.map { "–" + Self.clock($0) } ?? ""))
        }
        if let headingPath, !headingPath.isEmpty { parts.append("§ " + headingPath.joined(separator: " > ")) }
        return parts.joined(separator: ", ")
    }

    /// `m:ss`, or `h:mm:ss` from an hour on.
    public static func clock(_ seconds: Double) -> String {
        let total = max(0, Int(seconds.rounded(.down)))
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0
            ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
    }
}
