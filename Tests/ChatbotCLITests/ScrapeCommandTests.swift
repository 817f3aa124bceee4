import Foundation
import Testing

@Suite("chatbot scrape on local HTML")
struct ScrapeCommandTests {
    static let article = """
        <html lang="en"><head><title>Harbour reopens</title><meta name="author" content="Kit Writer"></head><body>
        <nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
        <article><h1>Harbour reopens</h1>
        <p>The harbour reopened on Monday after three weeks of repairs to the storm-damaged sea wall and quay.</p>
        <p>Fishing boats were the first to sail out, followed by the morning ferry to the islands at nine.</p>
        <p>Read the <a href="notices/42">harbour notice</a> for the new mooring rules and the summer timetable.</p>
        </article>
        <footer><p>Copyright Harbour Gazette, all rights reserved, registered office on the quay.</p></footer>
        </body></html>
        """

    @Test("a file to Markdown: title heading, article, resolved links, no boilerplate")
    func markdown() async throws {
        try await CLISandbox.with { sandbox in
            let path = try sandbox.writeFile("page.html", Self.article)
            let result = try await sandbox.run("scrape", path, "--base-url", "https://gazette.example/2024/harbour")
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout.hasPrefix("# Harbour reopens\n\nThe harbour reopened on Monday"))
            #expect(result.stdout.contains("[harbour notice](https://gazette.example/2024/notices/42)"))
            #expect(!result.stdout.contains("Copyright"))
            #expect(!result.stdout.contains("Sport"))
        }
    }

    @Test("stdin with --format json: the documented keys, status null for local input")
    func jsonFromStdin() async throws {
        try await CLISandbox.with { sandbox in
            let result = try await sandbox.run(
                "scrape", "-", "--format", "json", "--base-url", "https://gazette.example/h",
                stdin: .bytes(Data(Self.article.utf8)))
            #expect(result.exitCode == 0, "\(result)")
            let object = try result.jsonObject()
            for key in ["url", "final_url", "status", "title", "metadata", "content", "text", "links"] {
                #expect(object.keys.contains(key), "missing \(key)")
            }
            #expect(object["url"] as? String == "https://gazette.example/h")
            #expect(object["final_url"] as? String == "https://gazette.example/h")
            #expect(object["status"] is NSNull)
            #expect(object["title"] as? String == "Harbour reopens")
            let metadata = try #require(object["metadata"] as? [String: Any])
            #expect(metadata["author"] as? String == "Kit Writer")
            #expect(metadata["language"] as? String == "en")
            #expect((object["text"] as? String)?.contains("Fishing boats were the first") == true)
            let links = try #require(object["links"] as? [[String: Any]])
            #expect(links.contains { $0["url"] as? String == "https://gazette.example/notices/42" })
        }
    }

    @Test("several files as ndjson: one line per file; text format has no Markdown")
    func ndjsonAndText() async throws {
        try await CLISandbox.with { sandbox in
            let first = try sandbox.writeFile("a.html", Self.article)
            let second = try sandbox.writeFile(
                "b.html", Self.article.replacingOccurrences(of: "Harbour reopens", with: "Second page"))
            let result = try await sandbox.run("scrape", "--format", "ndjson", first, second)
            #expect(result.exitCode == 0, "\(result)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.count == 2)
            let titles = try lines.map {
                try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["title"] as? String
            }
            #expect(titles == ["Harbour reopens", "Second page"])

            let text = try await sandbox.run("scrape", "--format", "text", first)
            #expect(text.exitCode == 0, "\(text)")
            #expect(text.stdout.contains("Read the harbour notice for the new mooring rules"))
            #expect(!text.stdout.contains("]("))
            #expect(!text.stdout.contains("# "))
        }
    }

    @Test("a URL whose host does not resolve is unavailable (69), named as such, not blamed on robots.txt")
    func unresolvableHost() async throws {
        try await CLISandbox.with { sandbox in
            let result = try await sandbox.run("scrape", "https://gazette.invalid/h")
            #expect(result.exitCode == 69, "\(result)")
            #expect(result.stderr.contains("cannot resolve gazette.invalid"), "\(result)")
            #expect(!result.stderr.contains("robots.txt"))
        }
    }

    @Test("bad input: a missing file, binary data, an unknown charset, a bad base URL")
    func badInput() async throws {
        try await CLISandbox.with { sandbox in
            let missing = try await sandbox.run("scrape", "/nonexistent/page.html")
            #expect(missing.exitCode == 1, "\(missing)")
            #expect(missing.stderr.contains("/nonexistent/page.html: no such file"))

            let binary = try await sandbox.run("scrape", "-", stdin: .bytes(Data([0x7F, 0x45, 0x4C, 0x46, 0, 0, 1])))
            #expect(binary.exitCode == 1, "\(binary)")
            #expect(binary.stderr.contains("stdin: does not look like HTML"))

            let path = try sandbox.writeFile("page.html", Self.article)
            let charset = try await sandbox.run("scrape", path, "--charset", "klingon-8")
            #expect(charset.exitCode == 64, "\(charset)")
            #expect(charset.stderr.contains("unknown charset 'klingon-8'"))

            let base = try await sandbox.run("scrape", path, "--base-url", "not a url")
            #expect(base.exitCode == 64, "\(base)")

            // One good file and one missing: the good one is printed, exit 2 (partial).
            let partial = try await sandbox.run("scrape", "--format", "ndjson", path, "/nonexistent/x.html")
            #expect(partial.exitCode == 2, "\(partial)")
            #expect(partial.stdout.split(separator: "\n").count == 1)
            #expect(partial.stderr.contains("/nonexistent/x.html: no such file"))
        }
    }

    @Test("--charset decodes a legacy page")
    func charsetOption() async throws {
        try await CLISandbox.with { sandbox in
            // "Café “quoted”" in Windows-1252, declared wrongly as UTF-8.
            var bytes = Data("<html><head><meta charset=utf-8></head><body><p>".utf8)
            bytes.append(contentsOf: [0x43, 0x61, 0x66, 0xE9, 0x20, 0x93, 0x71, 0x75, 0x6F, 0x74, 0x65, 0x64, 0x94])
            bytes.append(contentsOf: Array("</p></body></html>".utf8))
            let path = sandbox.root.appendingPathComponent("legacy.html").path
            try bytes.write(to: URL(fileURLWithPath: path))
            let result = try await sandbox.run("scrape", "--format", "text", "--charset", "windows-1252", path)
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout == "Café “quoted”\n")
        }
    }
}
