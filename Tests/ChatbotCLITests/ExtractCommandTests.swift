import Foundation
import Testing
import ZIPFoundation

@Suite("chatbot extract")
struct ExtractCommandTests {
    static func corpus() -> URL? {
        var candidates: [URL] = []
        if let dir = ProcessInfo.processInfo.environment["CHATBOT_CORPORA_DIR"] {
            candidates.append(URL(fileURLWithPath: dir))
        }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates += [
            package.deletingLastPathComponent().appendingPathComponent("shared/corpora"),
            URL(fileURLWithPath: "/work/shared/corpora"),
        ]
        return candidates.map { $0.appendingPathComponent("pdf-samples") }
            .first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("files.json").path) }
    }

    static func docx(extra: [(String, String)] = []) throws -> Data {
        let ns = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
        let document = """
            <?xml version="1.0"?><w:document \(ns)><w:body><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>\
            <w:r><w:t>Minutes</w:t></w:r></w:p><w:p><w:r><w:t>All present.</w:t></w:r></w:p></w:body></w:document>
            """
        let entries = [("[Content_Types].xml", "<Types/>"), ("word/document.xml", document)] + extra
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, text) in entries {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
            ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
        }
        return archive.data ?? Data()
    }

    @Test("a DOCX to Markdown, text and JSON with locations")
    func docx() async throws {
        try await CLISandbox.with { sandbox in
            let path = sandbox.root.appendingPathComponent("minutes.docx").path
            try Self.docx().write(to: URL(fileURLWithPath: path))
            let markdown = try await sandbox.run("extract", path)
            #expect(markdown.exitCode == 0, "\(markdown)")
            #expect(markdown.stdout == "# Minutes\n\nAll present.\n")
            let text = try await sandbox.run("extract", path, "--format", "text")
            #expect(text.stdout == "Minutes\n\nAll present.\n")
            let json = try await sandbox.run("extract", path, "--format", "json")
            let object = try json.jsonObject()
            #expect(object["format"] as? String == "docx")
            #expect(object["title"] as? String == "Minutes")
            let blocks = try #require(object["blocks"] as? [[String: Any]])
            let location = try #require(blocks.last?["location"] as? [String: Any])
            #expect(location["heading_path"] as? [String] == ["Minutes"])
        }
    }

    @Test("several files in one run: NDJSON one line each; a bad one is named and the rest printed (exit 2)")
    func severalFiles() async throws {
        try await CLISandbox.with { sandbox in
            let notes = try sandbox.writeFile("notes.md", "# Notes\n\nFirst note.\n")
            let table = try sandbox.writeFile("table.csv", "name,amount\npear,3\n")
            let result = try await sandbox.run("extract", "--format", "ndjson", notes, table)
            #expect(result.exitCode == 0, "\(result)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.count == 2)
            let formats = try lines.map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["format"]
                    as? String
            }
            #expect(formats == ["markdown", "csv"])

            let missing = sandbox.root.appendingPathComponent("missing.docx").path
            let partial = try await sandbox.run("extract", notes, missing, table)
            #expect(partial.exitCode == 2, "\(partial)")
            #expect(partial.stdout.contains("First note.") && partial.stdout.contains("pear"))
            #expect(partial.stderr.contains("missing.docx"))
            #expect(partial.stderr.contains("1 of 3 documents could not be read"))
        }
    }

    @Test("stdin CSV becomes a Markdown table")
    func stdinCSV() async throws {
        try await CLISandbox.with { sandbox in
            let result = try await sandbox.run(
                "extract", "-", "--filename", "t.csv", stdin: .bytes(Data("city,pop\nOslo,700000\n".utf8)))
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout == "| city | pop |\n| --- | --- |\n| Oslo | 700000 |\n")
        }
    }

    @Test("hostile archives, oversize input and missing files fail with the file and the reason")
    func failures() async throws {
        try await CLISandbox.with { sandbox in
            let evil = sandbox.root.appendingPathComponent("evil.docx").path
            try Self.docx(extra: [("../evil", "x")]).write(to: URL(fileURLWithPath: evil))
            let traversal = try await sandbox.run("extract", evil)
            #expect(traversal.exitCode == 1)
            #expect(traversal.stderr.contains("evil.docx"))
            #expect(traversal.stderr.contains("unsafe"))

            let big = try sandbox.writeFile("big.txt", String(repeating: "a", count: 2_000))
            let oversize = try await sandbox.run("extract", big, "--max-bytes", "1000")
            #expect(oversize.exitCode == 1)
            #expect(oversize.stderr.contains("big.txt: the file is 2000 bytes, over the limit of 1000 bytes"))

            let missing = try await sandbox.run("extract", sandbox.root.appendingPathComponent("nope.pdf").path)
            #expect(missing.exitCode == 1)
            #expect(missing.stderr.contains("nope.pdf: no such file"))
        }
    }

    @Test(
        "a PDF page by page; an encrypted PDF needs --password",
        .enabled(if: corpus() != nil, "PDF corpus not found: set CHATBOT_CORPORA_DIR to the folder holding pdf-samples")
    )
    func pdf() async throws {
        let corpus = try #require(Self.corpus())
        try await CLISandbox.with { sandbox in
            let four = corpus.appendingPathComponent("004-pdflatex-4-pages/pdflatex-4-pages.pdf").path
            let result = try await sandbox.run("extract", four)
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout.hasPrefix("<!-- page 1 -->\n\nHello, here is some text without a meaning."))
            #expect(result.stdout.contains("<!-- page 4 -->"))
            let json = try await sandbox.run("extract", four, "--format", "json")
            let metadata = try #require(try json.jsonObject()["metadata"] as? [String: Any])
            #expect(metadata["page_count"] as? Int == 4)

            let locked = corpus.appendingPathComponent(
                "005-libreoffice-writer-password/libreoffice-writer-password.pdf"
            ).path
            let refused = try await sandbox.run("extract", locked)
            #expect(refused.exitCode == 1)
            #expect(refused.stderr.contains("encrypted and needs a password"))
            let opened = try await sandbox.run("extract", locked, "--password", "openpassword")
            #expect(opened.exitCode == 0, "\(opened)")
            #expect(opened.stdout.contains("Lorem ipsum"))
        }
    }
}
