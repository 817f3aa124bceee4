import ChatbotCore
import ChatbotRetrieval
import ChatbotStorage
import Foundation
import Testing

@Suite("SourceScanner")
struct SourceScannerTests {
    private func names(_ scan: SourceScanner.Scan) -> [String] {
        scan.files.map { String($0.path.dropFirst(scan.root.count)) }
    }

    @Test("folders are walked in name order; hidden entries and unknown types are skipped")
    func defaults() async throws {
        try await StoreSandbox.with { sandbox in
            for name in ["b.md", "a.txt", "sub/c.pdf", ".git/config.txt", ".hidden.md", "tool.exe", "img.png"] {
                try sandbox.write(name, "x")
            }
            let scan = try SourceScanner().scan(sandbox.sources.path)
            #expect(scan.root == sandbox.sources.standardizedFileURL.path + "/")
            #expect(names(scan) == ["a.txt", "b.md", "sub/c.pdf"])
            #expect(names(try SourceScanner(hidden: true).scan(sandbox.sources.path)).contains(".hidden.md"))
        }
    }

    @Test("--include and --exclude globs, with ** and folder names")
    func patterns() async throws {
        try await StoreSandbox.with { sandbox in
            for name in ["a.md", "docs/b.md", "docs/deep/c.md", "docs/deep/d.txt", "build/e.md", "notes.rst"] {
                try sandbox.write(name, "x")
            }
            let path = sandbox.sources.path
            #expect(
                names(try SourceScanner(include: ["*.md"]).scan(path)) == [
                    "a.md", "build/e.md", "docs/b.md", "docs/deep/c.md",
                ])
            #expect(names(try SourceScanner(include: ["docs/**/*.md"]).scan(path)) == ["docs/b.md", "docs/deep/c.md"])
            #expect(
                names(try SourceScanner(exclude: ["build", "deep"]).scan(path)) == ["a.md", "docs/b.md", "notes.rst"])
        }
    }

    @Test(".chatbotignore works like .gitignore, per folder, with ! and trailing /")
    func ignoreFile() async throws {
        try await StoreSandbox.with { sandbox in
            for name in ["keep.md", "drafts/x.md", "logs/a.txt", "logs/important.txt", "sub/tmp.md", "sub/ok.md"] {
                try sandbox.write(name, "x")
            }
            try sandbox.write(".chatbotignore", "# comment\ndrafts/\nlogs/*.txt\n!logs/important.txt\n")
            try sandbox.write("sub/.chatbotignore", "/tmp.md\n")
            #expect(
                names(try SourceScanner().scan(sandbox.sources.path)) == [
                    "keep.md", "logs/important.txt", "sub/ok.md",
                ])
        }
    }

    @Test("symbolic links to folders are not followed (no loops); links to files are")
    func symlinks() async throws {
        try await StoreSandbox.with { sandbox in
            try sandbox.write("real/a.md", "x")
            let outside = sandbox.root.appendingPathComponent("outside.md")
            try "y".write(to: outside, atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(
                at: sandbox.sources.appendingPathComponent("real/loop"), withDestinationURL: sandbox.sources)
            try FileManager.default.createSymbolicLink(
                at: sandbox.sources.appendingPathComponent("linked.md"), withDestinationURL: outside)
            #expect(names(try SourceScanner().scan(sandbox.sources.path)) == ["linked.md", "real/a.md"])
        }
    }

    @Test("a missing path is a usage error; a file is its own root")
    func paths() async throws {
        try await StoreSandbox.with { sandbox in
            #expect(throws: ChatbotError.self) { try SourceScanner().scan(sandbox.root.path + "/nope") }
            let file = try sandbox.write("one.bin", "x")
            let scan = try SourceScanner().scan(file.path)
            #expect(scan.root == file.standardizedFileURL.path)
            #expect(scan.files.count == 1)  // named explicitly: taken whatever its type
        }
    }
}

@Suite("Citations")
struct CitationTests {
    @Test("locations read as people cite them")
    func labels() {
        #expect(
            RetrievedChunk.citation(source: "/a/b/report.pdf", location: ChunkLocation(page: 3)) == "report.pdf, page 3"
        )
        #expect(
            RetrievedChunk.citation(source: "/x/talk.mp4", location: ChunkLocation(start: 754, end: 790))
                == "talk.mp4 @ 12:34–13:10")
        #expect(ChunkLocation.clock(3723) == "1:02:03")
        #expect(
            RetrievedChunk.citation(
                source: "https://example.org/docs", location: ChunkLocation(headingPath: ["Install", "Linux"]))
                == "https://example.org/docs, § Install > Linux")
        #expect(
            RetrievedChunk.citation(source: "/d/deck.pptx", location: ChunkLocation(slide: 2)) == "deck.pptx, slide 2")
        #expect(RetrievedChunk.citation(source: "/d/notes.txt", location: ChunkLocation()) == "notes.txt")
        let round = ChunkLocation(json: ChunkLocation(page: 2, headingPath: ["A"], start: 1.5).json)
        #expect(round == ChunkLocation(page: 2, headingPath: ["A"], start: 1.5))
    }

    @Test("cited ranks are found in [1], [2][3] and [1, 4]; unknown ranks are ignored")
    func citedRanks() {
        let chunks = (1...4).map { rank in
            RetrievedChunk(
                hit: ChunkHitFixture.hit(id: "c\(rank)", source: "/s\(rank).md"), rank: rank)
        }
        #expect(CitedPrompt.citedRanks(in: "A [2][3]. B [1, 4]. C [9] [x]", among: chunks) == [2, 3, 1, 4])
        #expect(CitedPrompt.citedRanks(in: "no citations", among: chunks).isEmpty)
        let message = CitedPrompt.message(question: "Why?", chunks: chunks)
        #expect(message.hasPrefix("Sources:\n\n[1] s1.md\n"))
        #expect(message.hasSuffix("Question: Why?"))
        #expect(CitedPrompt.sourcesBlock(chunks).split(separator: "\n").count == 5)
    }
}

enum ChunkHitFixture {
    static func hit(id: String, source: String) -> ChunkHit {
        ChunkHit(
            chunk: ChunkRecord(id: id, ordinal: 0, text: "text of \(id)"), documentID: "d-" + id, source: source,
            title: nil, score: 1)
    }
}
