import Testing

@testable import ChatbotDocuments

@Suite("DocumentChunker")
struct DocumentChunkerTests {
    static func paragraph(_ text: String, page: Int? = nil, headings: [String] = []) -> DocumentBlock {
        DocumentBlock(kind: .paragraph, text: text, location: DocumentLocation(page: page, headingPath: headings))
    }

    static func heading(_ text: String, level: Int = 1, page: Int? = nil) -> DocumentBlock {
        DocumentBlock(
            kind: .heading, level: level, text: text, location: DocumentLocation(page: page, headingPath: [text]))
    }

    @Test("a heading starts a chunk that begins with it; short blocks of a section join; empty blocks are skipped")
    func sections() {
        let document = ExtractedDocument(
            format: .markdown, metadata: DocumentMetadata(),
            blocks: [
                Self.heading("Tides"), Self.paragraph("High water twice a day.", headings: ["Tides"]),
                Self.paragraph("   ", headings: ["Tides"]),
                Self.paragraph("Springs follow the full moon.", headings: ["Tides"]),
                Self.heading("Storms", level: 2), Self.paragraph("Westerly gales in autumn.", headings: ["Storms"]),
            ])
        let chunks = DocumentChunker.chunks(of: document)
        #expect(
            chunks.map(\.text) == [
                "# Tides\n\nHigh water twice a day.\n\nSprings follow the full moon.",
                "## Storms\n\nWesterly gales in autumn.",
            ])
        #expect(chunks.map(\.location.headingPath) == [["Tides"], ["Storms"]])
    }

    @Test("a new page starts a new chunk, and each chunk cites the page it starts on")
    func pages() {
        let document = ExtractedDocument(
            format: .pdf, metadata: DocumentMetadata(),
            blocks: [
                Self.paragraph("One.", page: 1), Self.paragraph("Two.", page: 1), Self.paragraph("Three.", page: 2),
            ])
        let chunks = DocumentChunker.chunks(of: document)
        #expect(chunks.map(\.text) == ["One.\n\nTwo.", "Three."])
        #expect(chunks.map(\.location.page) == [1, 2])
    }

    @Test("a long block is cut between sentences, every piece fits, and each repeats the end of the last")
    func longBlock() {
        let sentences = (1...60).map { "Sentence number \($0) says something about the harbour." }
        let document = ExtractedDocument(
            format: .text, metadata: DocumentMetadata(), blocks: [Self.paragraph(sentences.joined(separator: " "))])
        let options = ChunkingOptions(maxCharacters: 400, overlapCharacters: 120)
        let chunks = DocumentChunker.chunks(of: document, options: options)
        #expect(chunks.count > 5)
        #expect(chunks.allSatisfy { $0.text.count <= 400 })
        for sentence in sentences { #expect(chunks.contains { $0.text.contains(sentence) }, "\(sentence)") }
        for (previous, next) in zip(chunks, chunks.dropFirst()) {
            // The next piece starts with the whole sentences that fit in the overlap, the last one included.
            let carried = DocumentChunker.overlap(of: previous.text, characters: 120)
            #expect(!carried.isEmpty && carried.count <= 120)
            #expect(carried.hasSuffix(DocumentChunker.sentences(of: previous.text).last ?? "?"))
            #expect(next.text.hasPrefix(carried), "overlap missing before: \(next.text.prefix(60))")
        }
    }

    @Test("blocks that together pass the limit are split between blocks; a word longer than a chunk is cut")
    func limits() {
        let long = String(repeating: "x", count: 250)
        let document = ExtractedDocument(
            format: .text, metadata: DocumentMetadata(),
            blocks: [
                Self.paragraph(String(repeating: "a ", count: 80)), Self.paragraph(String(repeating: "b ", count: 80)),
                Self.paragraph(long),
            ])
        let chunks = DocumentChunker.chunks(
            of: document, options: ChunkingOptions(maxCharacters: 200, overlapCharacters: 0))
        #expect(chunks.allSatisfy { $0.text.count <= 200 })
        #expect(chunks.first?.text.hasPrefix("a a") == true)
        #expect(chunks.contains { $0.text.hasPrefix("b b") })
        #expect(chunks.map(\.text).joined().filter { $0 == "x" }.count == 250)
    }
}
