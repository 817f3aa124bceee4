import ChatbotCore
import ChatbotDocuments
import ChatbotRetrieval
import ChatbotStorage
import Foundation
import Testing

@Suite("Ingestor")
struct IngestorTests {
    static let guide = """
        # Installing

        Run the installer and choose a folder. The installer needs two gigabytes of free space.

        # Upgrading

        Upgrades keep your settings. Read the release notes about the zebra migration first.
        """

    @Test("a folder is added, a second identical run changes nothing")
    func idempotent() async throws {
        try await StoreSandbox.with { sandbox in
            try sandbox.write("guide.md", Self.guide)
            try sandbox.write("notes/todo.txt", "Buy milk. Call the plumber about the leaking tap.")
            let ingestor = sandbox.ingestor(embedder: HashingEmbedder())
            let first = try await sandbox.ingestFolder(ingestor)
            #expect(first.count(.added) == 2, "\(first.items)")
            #expect(first.chunks >= 3)
            #expect(first.embedded == first.chunks)
            let objects = try await sandbox.objectKeys()
            #expect(objects.count == 2)

            let second = try await sandbox.ingestFolder(ingestor)
            #expect(second.count(.unchanged) == 2, "\(second.items)")
            #expect(second.chunks == 0)
            #expect(second.embedded == 0)
            let summary = try #require(try await sandbox.store.documents.collections().first)
            #expect(summary.documents == 2)
            #expect(summary.chunks == first.chunks)
            #expect(summary.vectors == first.chunks)
            #expect(try await sandbox.objectKeys() == objects)
        }
    }

    @Test("a changed file has its chunks replaced; the old text is no longer found, the old original goes")
    func changedSource() async throws {
        try await StoreSandbox.with { sandbox in
            let file = try sandbox.write("guide.md", Self.guide)
            let ingestor = sandbox.ingestor(embedder: HashingEmbedder())
            _ = try await sandbox.ingestFolder(ingestor)
            #expect(try await sandbox.store.documents.search("zebra", collection: "test", limit: 5).count == 1)
            let before = try await sandbox.objectKeys()

            try Self.guide.replacingOccurrences(of: "zebra", with: "giraffe").write(
                to: file, atomically: true, encoding: .utf8)
            let report = try await sandbox.ingestFolder(ingestor)
            #expect(report.count(.updated) == 1)
            #expect(try await sandbox.store.documents.search("zebra", collection: "test", limit: 5).isEmpty)
            #expect(try await sandbox.store.documents.search("giraffe", collection: "test", limit: 5).count == 1)
            let after = try await sandbox.objectKeys()
            #expect(after.count == 1)
            #expect(after != before)
            // Vectors of the old chunks went with them; the new ones were embedded.
            let summary = try #require(try await sandbox.store.documents.collections().first)
            #expect(summary.vectors == summary.chunks)
        }
    }

    @Test("a source that fails leaves the stored version untouched")
    func failureKeepsStored() async throws {
        try await StoreSandbox.with { sandbox in
            let file = try sandbox.write("report.pdf", Data("%PDF-1.4\nnot really".utf8))
            try sandbox.write("guide.md", Self.guide)
            let ingestor = sandbox.ingestor()
            let first = try await sandbox.ingestFolder(ingestor)
            #expect(first.count(.failed) == 1)
            let failure = try #require(first.items.first { $0.status == .failed })
            #expect(failure.source == file.path)
            #expect(failure.reason?.contains("PDF") == true, "\(failure)")
            #expect(failure.reason?.hasPrefix("report.pdf") == false, "the report names the source once")

            // A good document replaced by garbage: the good version stays searchable.
            let guide = sandbox.sources.appendingPathComponent("guide.md")
            try Data([0x50, 0x4B, 0x03, 0x04, 0x00, 0x01, 0x02]).write(to: guide)
            let second = try await sandbox.ingestFolder(ingestor)
            #expect(second.items.first { $0.source == guide.path }?.status == .failed, "\(second.items)")
            #expect(try await sandbox.store.documents.search("installer", collection: "test", limit: 5).count == 1)
            #expect(try await sandbox.objectKeys().count == 1)
        }
    }

    @Test("--prune removes documents whose file is gone, with their chunks, vectors and original")
    func prune() async throws {
        try await StoreSandbox.with { sandbox in
            try sandbox.write("guide.md", Self.guide)
            let gone = try sandbox.write("old.txt", "An obsolete memo about the quarterly aardvark census.")
            let ingestor = sandbox.ingestor(embedder: HashingEmbedder())
            _ = try await sandbox.ingestFolder(ingestor)
            try FileManager.default.removeItem(at: gone)

            let dry = try await sandbox.ingestFolder(
                sandbox.ingestor(embedder: HashingEmbedder(), dryRun: true), prune: true)
            #expect(dry.count(.pruned) == 1)
            #expect(try await sandbox.store.documents.documents(collection: "test").count == 2)

            let report = try await sandbox.ingestFolder(ingestor, prune: true)
            #expect(report.items.filter { $0.status == .pruned }.map(\.source) == [gone.path])
            #expect(try await sandbox.store.documents.search("aardvark", collection: "test", limit: 5).isEmpty)
            let summary = try #require(try await sandbox.store.documents.collections().first)
            #expect(summary.documents == 1)
            #expect(summary.vectors == summary.chunks)
            #expect(try await sandbox.objectKeys().count == 1)
        }
    }

    @Test("a dry run writes nothing")
    func dryRun() async throws {
        try await StoreSandbox.with { sandbox in
            try sandbox.write("guide.md", Self.guide)
            let report = try await sandbox.ingestFolder(sandbox.ingestor(embedder: HashingEmbedder(), dryRun: true))
            #expect(report.count(.added) == 1)
            #expect(try await sandbox.store.documents.collections().isEmpty)
            #expect(try await sandbox.objectKeys().isEmpty)
        }
    }

    @Test("a run killed while embedding resumes without embedding anything twice")
    func resumeEmbedding() async throws {
        try await StoreSandbox.with { sandbox in
            for index in 0..<6 {
                try sandbox.write("doc\(index).md", "# Part \(index)\n\nSome text about topic number \(index).")
            }
            let failing = HashingEmbedder(failAfter: 2)
            let options = IngestOptions(collection: "test", embeddingRound: 2)
            let first = Ingestor(
                store: sandbox.store, objects: sandbox.objects, embedder: failing, options: options,
                logger: .retrievalTests)
            let scan = try SourceScanner().scan(sandbox.sources.path)
            for file in scan.files { _ = await first.ingest(IngestSource(id: file.path, content: .file(file))) }
            await #expect(throws: ChatbotError.self) { try await first.embedPending() }
            #expect(try await sandbox.store.documents.collections().first?.vectors == 2)

            let working = HashingEmbedder()
            let second = Ingestor(
                store: sandbox.store, objects: sandbox.objects, embedder: working, options: options,
                logger: .retrievalTests)
            let report = try await sandbox.ingestFolder(second)
            #expect(report.count(.unchanged) == 6)
            #expect(report.embedded == 4)
            #expect(working.textsEmbedded == 4)
            #expect(try await sandbox.store.documents.collections().first?.vectors == 6)
        }
    }

    @Test("stdin NDJSON-style markdown pages and web HTML keep their URL and headings")
    func webAndMarkdown() async throws {
        try await StoreSandbox.with { sandbox in
            let ingestor = sandbox.ingestor()
            let html = """
                <html><head><title>Tides</title></head><body><nav><a href="/">Home</a></nav>
                <article><h1>Tides</h1><h2>Spring tides</h2><p>Spring tides happen at new and full moon, when the \
                sun and the moon pull in a line and the range between high and low water is largest.</p>
                <p>See <a href="/neap">neap tides</a> for the opposite case, when the range is smallest.</p></article>
                </body></html>
                """
            let page = await ingestor.ingest(
                IngestSource(
                    id: "https://example.org/tides",
                    content: .web(
                        body: Data(html.utf8), url: URL(string: "https://example.org/tides")!,
                        contentType: "text/html; charset=utf-8")))
            #expect(page.status == .added, "\(page)")
            #expect(page.format == "html")
            let hit = try #require(
                try await sandbox.store.documents.search("moon", collection: "test", limit: 1).first)
            #expect(hit.source == "https://example.org/tides")
            #expect(!hit.chunk.text.contains("Home"))
            let location = ChunkLocation(json: hit.chunk.location)
            #expect(location.headingPath?.last == "Spring tides", "\(hit.chunk.location)")
            let stored = try #require(
                try await sandbox.store.documents.document(collection: "test", source: "https://example.org/tides"))
            #expect(stored.metadata.contains("https://example.org/neap"))

            let markdown = await ingestor.ingest(
                IngestSource(
                    id: "https://example.org/a", content: .markdown("Body about otters.", title: "Otters", url: nil)))
            #expect(markdown.status == .added)
            #expect(markdown.title == "Otters")
        }
    }

    @Test("audio is transcribed and chunked by time; without a transcriber it fails clearly")
    func media() async throws {
        try await StoreSandbox.with { sandbox in
            // A WAV header is enough for the sniffer; the injected transcriber stands in for
            // Whisper here (the CLI tests use the real server).
            var wav = Data("RIFF".utf8) + Data([0x24, 0, 0, 0]) + Data("WAVEfmt ".utf8)
            wav.append(Data(repeating: 0, count: 64))
            let file = try sandbox.write("talk.wav", wav)
            let failing = await sandbox.ingestor().ingest(IngestSource(id: file.path, content: .file(file)))
            #expect(failing.status == .failed)
            #expect(failing.reason?.contains("speech") == true)

            let transcript = Transcript(
                text: "",
                segments: (0..<40).map {
                    TranscriptSegment(
                        start: Double($0) * 30, end: Double($0) * 30 + 29,
                        text: "Segment \($0) talks about subject \($0) at some length so that chunks fill up.")
                }, language: "en", duration: 1200)
            let ingestor = sandbox.ingestor(transcribe: { _, _ in transcript })
            let result = await ingestor.ingest(IngestSource(id: file.path, content: .file(file)))
            #expect(result.status == .added, "\(result)")
            #expect(result.format == "media")
            #expect(result.chunks > 1)
            let hit = try #require(
                try await sandbox.store.documents.search("Segment 25", collection: "test", limit: 1).first)
            let location = ChunkLocation(json: hit.chunk.location)
            let start = try #require(location.start)
            let end = try #require(location.end)
            #expect(start <= 25 * 30 && end >= 25 * 30 + 29)
            #expect(
                RetrievedChunk(hit: hit, rank: 1).citation.hasPrefix("talk.wav @ "),
                "\(RetrievedChunk(hit: hit, rank: 1).citation)")
        }
    }

    @Test("two runs on one collection exclude each other; another collection is free")
    func lock() async throws {
        try await StoreSandbox.with { sandbox in
            let store = sandbox.store
            let name = Ingestor.lockName(collection: "test")
            try await store.withNamedLock(name) {
                do {
                    try await store.withNamedLock(name) {}
                    Issue.record("the second holder got the lock")
                } catch let error as ChatbotError {
                    #expect(error.kind == .temporary)
                }
                try await store.withNamedLock(Ingestor.lockName(collection: "other")) {}
            }
            try await store.withNamedLock(name) {}  // released
        }
    }
}
