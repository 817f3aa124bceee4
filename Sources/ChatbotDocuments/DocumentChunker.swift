import Foundation

/// How ``DocumentChunker`` cuts a document.
public struct ChunkingOptions: Sendable, Hashable {
    /// The longest chunk, in characters (about 300 tokens at the default).
    public var maxCharacters: Int
    /// How much of a chunk's end is repeated at the start of the next one when a section is cut
    /// for length (never across headings, pages, slides or sheets), in characters.
    public var overlapCharacters: Int

    /// Creates options; overlap is kept below half the maximum.
    public init(maxCharacters: Int = 1200, overlapCharacters: Int = 150) {
        self.maxCharacters = max(100, maxCharacters)
        self.overlapCharacters = min(max(0, overlapCharacters), self.maxCharacters / 2)
    }
}

/// A piece of a document for search and citation.
public struct DocumentChunk: Sendable, Hashable {
    /// The text (a section's heading is the first line of its first chunk).
    public var text: String
    /// Where it starts: page, slide, sheet or chapter, and the headings above it.
    public var location: DocumentLocation
}

/// Cuts a document into chunks that follow its structure: a heading, a new page, slide, sheet or
/// chapter always starts a new chunk; blocks join while they fit; a block too long for one chunk
/// is cut between sentences (between words for a sentence that is itself too long), with the end
/// of each piece repeated at the start of the next.
public enum DocumentChunker {
    /// The chunks of `document`, in reading order; blocks with no text are skipped.
    public static func chunks(of document: ExtractedDocument, options: ChunkingOptions = ChunkingOptions())
        -> [DocumentChunk]
    {
        var chunks: [DocumentChunk] = []
        var current: [String] = []
        var currentLength = 0
        var location: DocumentLocation?
        // Whether `current` holds nothing but headings (a title above a section heading): those
        // lead into the next section's chunk instead of standing alone.
        var onlyHeadings = false

        func flush() {
            let text = current.joined(separator: "\n\n").trimmedWhitespace
            if !text.isEmpty, let location { chunks.append(DocumentChunk(text: text, location: location)) }
            current = []
            currentLength = 0
            onlyHeadings = false
        }

        for block in document.blocks {
            let text = rendered(block).trimmedWhitespace
            guard !text.isEmpty else { continue }
            let sameUnit = location.map { sameContainer($0, block.location) } ?? false
            let boundary = block.kind == .heading || !sameUnit
            if boundary {
                // Headings directly above this one (a title) lead into its chunk.
                if !(block.kind == .heading && sameUnit && onlyHeadings) { flush() }
                // A chunk that starts at a heading is cited by that heading too.
                location = block.kind == .heading ? Self.including(block) : block.location
            }
            if currentLength > 0 && currentLength + 2 + text.count > options.maxCharacters {
                // Full: cut here, and carry the end of what was written into the next chunk.
                let carried = overlap(of: current.joined(separator: "\n\n"), characters: options.overlapCharacters)
                flush()
                location = block.location
                if !carried.isEmpty {
                    current = [carried]
                    currentLength = carried.count
                }
            }
            onlyHeadings = block.kind == .heading && (current.isEmpty || onlyHeadings)
            if text.count <= options.maxCharacters - currentLength - (currentLength > 0 ? 2 : 0) {
                current.append(text)
                currentLength += text.count + (currentLength > 0 ? 2 : 0)
                continue
            }
            // One block longer than a chunk: pieces of whole sentences, each overlapping the last.
            flush()
            location = block.location
            for piece in pieces(of: text, options: options) {
                chunks.append(DocumentChunk(text: piece, location: block.location))
            }
        }
        flush()
        return chunks
    }

    /// A block as it reads in a chunk: headings as Markdown headings, list items with a marker.
    private static func rendered(_ block: DocumentBlock) -> String {
        switch block.kind {
        case .heading: String(repeating: "#", count: min(6, max(1, block.level))) + " " + block.text
        case .listItem:
            String(repeating: "  ", count: max(0, block.level - 1)) + (block.ordered ? "1. " : "- ") + block.text
        case .notes: "Notes: " + block.text
        default: block.text
        }
    }

    /// A heading's location with the heading itself at the end of the path.
    private static func including(_ heading: DocumentBlock) -> DocumentLocation {
        var location = heading.location
        if location.headingPath.last != heading.text { location.headingPath.append(heading.text) }
        return location
    }

    /// Whether two blocks sit on the same page, slide, sheet and chapter.
    private static func sameContainer(_ a: DocumentLocation, _ b: DocumentLocation) -> Bool {
        a.page == b.page && a.slide == b.slide && a.sheet == b.sheet && a.chapter == b.chapter
    }

    /// Up to `characters` of whole sentences from the end of `text`.
    static func overlap(of text: String, characters: Int) -> String {
        guard characters > 0 else { return "" }
        var kept: [String] = []
        var length = 0
        for sentence in sentences(of: text).reversed() {
            guard length + sentence.count <= characters else { break }
            kept.insert(sentence, at: 0)
            length += sentence.count + 1
        }
        return kept.joined(separator: " ")
    }

    /// `text` cut into pieces of at most `maxCharacters`, between sentences where possible.
    static func pieces(of text: String, options: ChunkingOptions) -> [String] {
        var units: [String] = []
        for sentence in sentences(of: text) {
            if sentence.count <= options.maxCharacters {
                units.append(sentence)
            } else {
                units += words(of: sentence, maxCharacters: options.maxCharacters)
            }
        }
        var pieces: [String] = []
        var current: [String] = []
        var length = 0
        for unit in units {
            if length > 0 && length + 1 + unit.count > options.maxCharacters {
                let piece = current.joined(separator: " ")
                pieces.append(piece)
                let carried = overlap(of: piece, characters: options.overlapCharacters)
                current = carried.isEmpty || carried.count + 1 + unit.count > options.maxCharacters ? [] : [carried]
                length = current.first?.count ?? 0
            }
            current.append(unit)
            length += unit.count + (length > 0 ? 1 : 0)
        }
        if !current.isEmpty { pieces.append(current.joined(separator: " ")) }
        return pieces
    }

    /// Sentences: cut after `.`, `!`, `?` (and their CJK forms) followed by white space, and at
    /// line breaks.
    static func sentences(of text: String) -> [String] {
        // By Unicode scalars (not Characters): a break is a newline, white space after . ! or ?,
        // or right after 。！？; the break's white space is dropped, the pieces trimmed.
        var sentences: [String] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var index = start
        var previous: Unicode.Scalar?
        func take(_ range: Range<String.UnicodeScalarView.Index>) {
            let piece = text[range].trimmedWhitespace
            if !piece.isEmpty { sentences.append(piece) }
        }
        while index != scalars.endIndex {
            let scalar = scalars[index]
            let next = scalars.index(after: index)
            if scalar.properties.isWhitespace
                && (Self.isNewline(scalar) || previous.map { $0 == "." || $0 == "!" || $0 == "?" } == true)
            {
                take(start..<index)
                start = next
            } else if scalar == "。" || scalar == "！" || scalar == "？" {
                take(start..<next)
                start = next
            }
            previous = scalar
            index = next
        }
        take(start..<scalars.endIndex)
        return sentences
    }

    private static func isNewline(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// A sentence longer than a chunk, cut between words (inside a word only when one word is).
    private static func words(of sentence: String, maxCharacters: Int) -> [String] {
        var parts: [String] = []
        var current = ""
        for word in sentence.split(separator: " ", omittingEmptySubsequences: true) {
            var word = Substring(word)
            while word.count > maxCharacters {
                if !current.isEmpty {
                    parts.append(current)
                    current = ""
                }
                parts.append(String(word.prefix(maxCharacters)))
                word = word.dropFirst(maxCharacters)
            }
            if current.count + 1 + word.count > maxCharacters, !current.isEmpty {
                parts.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { parts.append(current) }
        return parts
    }
}
