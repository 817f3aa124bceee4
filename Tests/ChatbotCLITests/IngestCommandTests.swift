import ChatbotTestSupport
import Crypto
import Foundation
import Testing

/// `chatbot ingest`, `search`, `collections` and `ask --collection` through the binary.
@Suite("chatbot ingest, search, collections")
struct IngestCommandTests {
    static let fullTextOnly = ["CHATBOT_EMBEDDINGS_PROVIDER": "none"]

    static func writeDocs(_ sandbox: CLISandbox) throws -> String {
        let folder = sandbox.root.appendingPathComponent("docs")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try "# Kettles\n\n## Descaling\n\nDescale the kettle monthly with white vinegar and rinse it twice.\n".write(
            to: folder.appendingPathComponent("kettle.md"), atomically: true, encoding: .utf8)
        try "The orchard's apple harvest begins in late September when the seeds turn brown.\n".write(
            to: folder.appendingPathComponent("sub/orchard.txt"), atomically: true, encoding: .utf8)
        try "ignored binary".write(to: folder.appendingPathComponent("tool.exe"), atomically: true, encoding: .utf8)
        return folder.path
    }

    @Test("a folder is ingested, a second run changes nothing, search finds chunks, delete removes them")
    func lifecycle() async throws {
        try await CLISandbox.with { sandbox in
            let folder = try Self.writeDocs(sandbox)
            let first = try await sandbox.run("ingest", "-C", "home", "--json", folder, environment: Self.fullTextOnly)
            #expect(first.exitCode == 0, "\(first)")
            let report = try first.jsonObject()
            #expect(report["added"] as? Int == 2)
            #expect(report["failed"] as? Int == 0)
            #expect((report["chunks"] as? Int ?? 0) >= 2)

            let second = try await sandbox.run("ingest", "-C", "home", "--json", folder, environment: Self.fullTextOnly)
            #expect(second.exitCode == 0, "\(second)")
            #expect(try second.jsonObject()["unchanged"] as? Int == 2)
            #expect(try second.jsonObject()["chunks"] as? Int == 0)

            let search = try await sandbox.run(
                "search", "-C", "home", "--json", "how", "to", "descale", "a", "kettle", environment: Self.fullTextOnly)
            #expect(search.exitCode == 0, "\(search)")
            let results = try #require(try search.jsonObject()["results"] as? [[String: Any]])
            let top = try #require(results.first)
            #expect((top["source"] as? String)?.hasSuffix("/docs/kettle.md") == true)
            #expect((top["text"] as? String)?.contains("vinegar") == true)
            #expect(top["citation"] as? String == "kettle.md, § Kettles > Descaling")
            #expect(top["rank"] as? Int == 1)
            #expect(try search.jsonObject()["mode"] as? String == "full_text")

            let list = try await sandbox.run("collections", "list", "--json")
            let collections = try #require(try list.jsonArray() as? [[String: Any]])
            #expect(collections.first?["name"] as? String == "home")
            #expect(collections.first?["documents"] as? Int == 2)
            let show = try await sandbox.run("collections", "show", "home")
            #expect(show.stdout.contains("orchard.txt"), "\(show)")

            let objects = URL(fileURLWithPath: sandbox.dataDirectory).appendingPathComponent("objects")
            #expect(try Self.files(under: objects).count == 2)
            let deleted = try await sandbox.run("collections", "delete", "home")
            #expect(deleted.exitCode == 0, "\(deleted)")
            #expect(try Self.files(under: objects).isEmpty)
            let gone = try await sandbox.run("search", "-C", "home", "kettle", environment: Self.fullTextOnly)
            #expect(gone.exitCode == 64, "\(gone)")
            #expect(gone.stderr.contains("no collection 'home'"))
        }
    }

    @Test("a bad file is named, the others are stored, exit 2; --prune removes a deleted file")
    func partialAndPrune() async throws {
        try await CLISandbox.with { sandbox in
            let folder = try Self.writeDocs(sandbox)
            try Data("%PDF-1.7 truncated".utf8).write(to: URL(fileURLWithPath: folder + "/broken.pdf"))
            let partial = try await sandbox.run("ingest", folder, environment: Self.fullTextOnly)
            #expect(partial.exitCode == 2, "\(partial)")
            #expect(partial.stdout.contains("failed: \(folder)/broken.pdf"), "\(partial)")
            #expect(partial.stdout.contains("2 added"), "\(partial)")

            try FileManager.default.removeItem(atPath: folder + "/broken.pdf")
            try FileManager.default.removeItem(atPath: folder + "/sub/orchard.txt")
            let pruned = try await sandbox.run("ingest", "--prune", "--json", folder, environment: Self.fullTextOnly)
            #expect(pruned.exitCode == 0, "\(pruned)")
            #expect(try pruned.jsonObject()["pruned"] as? Int == 1)
            let search = try await sandbox.run("search", "--json", "apple harvest", environment: Self.fullTextOnly)
            #expect((try search.jsonObject()["results"] as? [Any])?.isEmpty == true, "\(search)")
        }
    }

    @Test("a second run on a busy collection exits 75 at once, and after --wait gives up")
    func busyCollection() async throws {
        try await CLISandbox.with { sandbox in
            let folder = try Self.writeDocs(sandbox)
            // Create the database, then hold the collection's lock as a running ingest would.
            #expect(try await sandbox.run("ingest", "-C", "busy", folder, environment: Self.fullTextOnly).exitCode == 0)
            let name = "ingest of collection 'busy'"
            let hash = SHA256.hash(data: Data(name.utf8)).map { String(format: "%02x", $0) }.joined()
            let lockPath = sandbox.databasePath + ".locks/\(hash).lock"
            let descriptor = open(lockPath, O_RDWR | O_CREAT, 0o600)
            #expect(descriptor >= 0)
            defer { close(descriptor) }
            #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)

            let refused = try await sandbox.run("ingest", "-C", "busy", folder, environment: Self.fullTextOnly)
            #expect(refused.exitCode == 75, "\(refused)")
            #expect(refused.stderr.contains("in use by another chatbot process"), "\(refused)")
            let waited = try await sandbox.run(
                "ingest", "-C", "busy", "--wait", "1", folder, environment: Self.fullTextOnly)
            #expect(waited.exitCode == 75, "\(waited)")
            // Another collection is not blocked.
            #expect(try await sandbox.run("ingest", "-C", "free", folder, environment: Self.fullTextOnly).exitCode == 0)
            flock(descriptor, LOCK_UN)
            let after = try await sandbox.run("ingest", "-C", "busy", "--json", folder, environment: Self.fullTextOnly)
            #expect(after.exitCode == 0, "\(after)")
        }
    }

    @Test("scrape NDJSON piped into ingest - keeps each page's URL; plain stdin is one document")
    func stdin() async throws {
        try await CLISandbox.with { sandbox in
            let page = try sandbox.writeFile(
                "page.html",
                """
                <html><head><title>Lighthouses</title></head><body><nav><a href="/">Home</a></nav><article>\
                <h1>Lighthouses</h1><p>A lighthouse keeper trimmed the lamp wicks every evening and logged the \
                weather each hour through the night, a job that lasted until automation.</p></article></body></html>
                """)
            let ndjson = try await sandbox.run(
                "scrape", "--format", "ndjson", "--base-url", "https://example.org/lights", page)
            #expect(ndjson.exitCode == 0, "\(ndjson)")
            let piped = try await sandbox.run(
                "ingest", "-", "--json", environment: Self.fullTextOnly, stdin: .bytes(Data(ndjson.stdout.utf8)))
            #expect(piped.exitCode == 0, "\(piped)")
            let items = try #require(try piped.jsonObject()["items"] as? [[String: Any]])
            #expect(items.first?["source"] as? String == "https://example.org/lights")

            let plain = try await sandbox.run(
                "ingest", "-", "--source", "memo", "--json", environment: Self.fullTextOnly,
                stdin: .bytes(Data("Memo: the boiler service is due in March.".utf8)))
            #expect(plain.exitCode == 0, "\(plain)")
            let search = try await sandbox.run("search", "--json", "boiler", environment: Self.fullTextOnly)
            let results = try #require(try search.jsonObject()["results"] as? [[String: Any]])
            #expect(results.first?["source"] as? String == "stdin:memo")
        }
    }

    @Test("ask --collection sends numbered sources, asks for citations and ends with the sources")
    func askWithCollection() async throws {
        try await CLISandbox.withFake(defaultBehaviour: .stream(["Use vinegar [1]."])) { sandbox, server in
            let folder = try Self.writeDocs(sandbox)
            #expect(try await sandbox.run("ingest", folder, environment: Self.fullTextOnly).exitCode == 0)
            let answer = try await sandbox.run(
                "ask", "-m", "fake:m", "-C", "default", "how do I descale my kettle", environment: Self.fullTextOnly)
            #expect(answer.exitCode == 0, "\(answer)")
            #expect(answer.stdout.hasPrefix("Use vinegar [1]."))
            #expect(answer.stdout.contains("Sources:\n[1] kettle.md, § Kettles > Descaling"), "\(answer)")
            let messages = try #require(server.requests.last?.chatMessages)
            #expect(messages.first?.role == "system")
            #expect(messages.first?.content.contains("[1]") == true)
            let user = try #require(messages.last?.content)
            #expect(user.contains("[1] kettle.md, § Kettles > Descaling"))
            #expect(user.contains("white vinegar"))
            #expect(user.hasSuffix("Question: how do I descale my kettle"))

            let json = try await sandbox.run(
                "ask", "-m", "fake:m", "-C", "default", "--json", "descale kettle", environment: Self.fullTextOnly)
            let sources = try #require(try json.jsonObject()["sources"] as? [[String: Any]])
            #expect(sources.first?["cited"] as? Bool == true)
            #expect(sources.first?["rank"] as? Int == 1)
            #expect(
                (sources.first?["location"] as? [String: Any])?["heading_path"] as? [String] == [
                    "Kettles", "Descaling",
                ])
        }
    }

    @Test("a DOCX piped into ask is extracted to text before it is sent")
    func askWithDocument() async throws {
        try await CLISandbox.withFake { sandbox, server in
            let result = try await sandbox.run(
                "ask", "-m", "fake:m", "summarise", stdin: .bytes(try ExtractCommandTests.docx()))
            #expect(result.exitCode == 0, "\(result)")
            let user = try #require(server.requests.last?.chatMessages.last?.content)
            #expect(user.contains("# Minutes"), "\(user)")
            #expect(user.contains("All present."))
        }
    }

    @Test(
        "with the real e5 server: vectors are stored and search is hybrid",
        .enabled(
            if: ProcessInfo.processInfo.environment["CHATBOT_TEST_EMBEDDINGS_URL"] != nil,
            "CHATBOT_TEST_EMBEDDINGS_URL is not set"))
    func hybrid() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["CHATBOT_TEST_EMBEDDINGS_URL"])
        try await CLISandbox.with { sandbox in
            let folder = try Self.writeDocs(sandbox)
            let environment = ["CHATBOT_EMBEDDINGS_BASE_URL": url]
            let ingest = try await sandbox.run("ingest", "--json", folder, environment: environment)
            #expect(ingest.exitCode == 0, "\(ingest)")
            let report = try ingest.jsonObject()
            #expect(report["embedded"] as? Int == report["chunks"] as? Int)
            #expect(report["embedding_model"] as? String == "multilingual-e5-small")
            let search = try await sandbox.run("search", "--json", "when are apples picked", environment: environment)
            #expect(try search.jsonObject()["mode"] as? String == "hybrid", "\(search)")
            let results = try #require(try search.jsonObject()["results"] as? [[String: Any]])
            #expect((results.first?["source"] as? String)?.hasSuffix("orchard.txt") == true, "\(results)")
        }
    }

    @Test(
        "a video is transcribed by the real Whisper server, searched and cited by time in ask --collection",
        .enabled(
            if: ProcessInfo.processInfo.environment["CHATBOT_TEST_WHISPER_URL"] != nil,
            "CHATBOT_TEST_WHISPER_URL is not set"))
    func media() async throws {
        let fixtures = try MediaFixtures.shared
        let url = try #require(ProcessInfo.processInfo.environment["CHATBOT_TEST_WHISPER_URL"])
        try await CLISandbox.withFake(defaultBehaviour: .stream(["At the station [1]."])) { sandbox, server in
            let environment = Self.fullTextOnly.merging(
                ["CHATBOT_SPEECH_BASE_URL": url, "CHATBOT_SPEECH_LANGUAGE": "en"]) { _, new in new }
            let ingest = try await sandbox.run(
                "ingest", "--json", fixtures.path("video.mp4"), environment: environment, timeout: .seconds(180))
            #expect(ingest.exitCode == 0, "\(ingest)")
            let items = try #require(try ingest.jsonObject()["items"] as? [[String: Any]])
            #expect(items.first?["format"] as? String == "media")
            let search = try await sandbox.run("search", "--json", "train station", environment: environment)
            let results = try #require(try search.jsonObject()["results"] as? [[String: Any]])
            let citation = try #require(results.first?["citation"] as? String)
            #expect(citation.hasPrefix("video.mp4 @ 0:0"), "\(citation)")
            // ask --collection sends the transcript chunk as a numbered source and cites its time.
            let answer = try await sandbox.run(
                "ask", "-m", "fake:m", "-C", "default", "where does the train leave", environment: environment)
            #expect(answer.exitCode == 0, "\(answer)")
            #expect(answer.stdout.contains("Sources:\n[1] video.mp4 @ 0:0"), "\(answer)")
            let user = try #require(server.requests.last?.chatMessages.last?.content)
            #expect(user.contains("[1] video.mp4 @ 0:0"))
        }
    }

    static func files(under folder: URL) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path, isDirectory: &isDirectory)
            return !isDirectory.boolValue
        }
    }
}

/// `chatbot scrape --ingest` against a site on loopback: a re-scrape costs 304s for unchanged
/// pages and replaces only the page that changed.
@Suite("chatbot scrape --ingest")
struct ScrapeIngestCommandTests {
    @Test("a crawl becomes a collection; a re-crawl updates only the changed page")
    func rescrape() async throws {
        try await LocalTestSite.withRunning { site, base in
            site.route("/robots.txt", .text("User-agent: *\nAllow: /\n"))
            func page(_ title: String, _ text: String, links: String = "") -> String {
                """
                <html><head><title>\(title)</title></head><body><nav>\(links)</nav><article><h1>\(title)</h1>\
                <p>\(text) This sentence gives the article enough words to be the main content of its page.</p>\
                </article></body></html>
                """
            }
            site.route(
                "/",
                .conditional(
                    page("Home", "Welcome to the bakery.", links: #"<a href="/rye">Rye</a>"#), etag: "\"h1\"",
                    lastModified: nil))
            site.route(
                "/rye",
                .conditional(page("Rye", "Rye bread needs a sourdough starter."), etag: "\"r1\"", lastModified: nil))
            try await CLISandbox.with { sandbox in
                let environment = IngestCommandTests.fullTextOnly
                let arguments = [
                    "scrape", "--ingest", "--json", "--allow-private", "--delay", "0", "--depth", "1", base + "/",
                ]
                let first = try await sandbox.start(arguments, environment: environment).finish(timeout: .seconds(60))
                #expect(first.exitCode == 0, "\(first)")
                #expect(try first.jsonObject()["added"] as? Int == 2, "\(first)")

                site.route(
                    "/rye",
                    .conditional(
                        page("Rye", "Rye bread needs a caraway seed topping."), etag: "\"r2\"", lastModified: nil))
                let second = try await sandbox.start(arguments, environment: environment).finish(timeout: .seconds(60))
                #expect(second.exitCode == 0, "\(second)")
                let report = try second.jsonObject()
                #expect(report["unchanged"] as? Int == 1, "\(report)")
                #expect(report["updated"] as? Int == 1, "\(report)")
                #expect(site.requests(for: "/").last?.status == 304)
                let search = try await sandbox.run("search", "--json", "caraway", environment: environment)
                let results = try #require(try search.jsonObject()["results"] as? [[String: Any]])
                #expect(results.first?["source"] as? String == base + "/rye")
                let old = try await sandbox.run("search", "--json", "sourdough", environment: environment)
                #expect((try old.jsonObject()["results"] as? [Any])?.isEmpty == true)
            }
        }
    }
}
