import ChatbotCore
import ChatbotDocuments
import Foundation
import Testing

/// Real OOXML/ODF/EPUB/PDF files written by LibreOffice from HTML and CSV sources at test time.
enum LibreOfficeFixtures {
    static let soffice: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        for folder in path.split(separator: ":") + ["/usr/lib/libreoffice/program"] {
            let candidate = "\(folder)/soffice"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    static let html = """
        <html><head><title>Lab Notes</title></head><body><h1>Method</h1><p>We measured the samples twice.</p>
        <h2>Results</h2><ul><li>First finding</li><li>Second finding</li></ul>
        <table><tr><td>Sample</td><td>Value</td></tr><tr><td>A</td><td>3</td></tr></table></body></html>
        """

    /// The converted files, made once per test run: notes.docx/.odt/.epub, cities.xlsx/.ods, notes.pdf.
    static var folder: Result<URL, CLIFailure> {
        get async { await conversion.value }
    }

    /// The conversion, on a thread of its own: soffice takes seconds, and the tests waiting for it
    /// must not hold the threads of the cooperative pool (nor stall the other tests) meanwhile.
    private static let conversion = Task<Result<URL, CLIFailure>, Never> {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: convert()) }.start()
        }
    }

    private static func convert() -> Result<URL, CLIFailure> {
        guard let soffice else { return .failure(CLIFailure(message: "soffice not found")) }
        do {
            let folder = try Fixtures.temporaryFolder()
            try Data(html.utf8).write(to: folder.appendingPathComponent("notes.html"))
            try Data("city,pop\nOslo,700000\nBergen,290000\n".utf8).write(
                to: folder.appendingPathComponent("cities.csv"))
            let profile = "file://" + folder.appendingPathComponent("profile").path
            let jobs: [[String]] = [
                ["--infilter=HTML (StarWriter)", "--convert-to", "docx", "--outdir", folder.path, "notes.html"],
                ["--infilter=HTML (StarWriter)", "--convert-to", "odt", "--outdir", folder.path, "notes.html"],
                ["--infilter=HTML (StarWriter)", "--convert-to", "epub", "--outdir", folder.path, "notes.html"],
                ["--convert-to", "xlsx", "--outdir", folder.path, "cities.csv"],
                ["--convert-to", "ods", "--outdir", folder.path, "cities.csv"],
                ["--convert-to", "pdf", "--outdir", folder.path, "notes.odt"],
            ]
            for job in jobs {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: soffice)
                process.arguments = ["-env:UserInstallation=\(profile)", "--headless"] + job
                process.currentDirectoryURL = folder
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                process.waitUntilExit()
                guard process.terminationStatus == 0 else {
                    return .failure(CLIFailure(message: "soffice \(job.joined(separator: " ")) failed"))
                }
            }
            return .success(folder)
        } catch {
            return .failure(CLIFailure(message: "\(error)"))
        }
    }

    struct CLIFailure: Error { let message: String }
}

@Suite(
    "LibreOffice-written documents",
    .enabled(if: LibreOfficeFixtures.soffice != nil, "soffice (LibreOffice) is not installed: see Scripts/setup"))
struct LibreOfficeTests {
    func extract(_ name: String) async throws -> ExtractedDocument {
        let folder = try await LibreOfficeFixtures.folder.get()
        return try await DocumentExtractor().extract(fileAt: folder.appendingPathComponent(name))
    }

    @Test("DOCX and ODT from HTML keep headings, lists and tables", arguments: ["notes.docx", "notes.odt"])
    func writer(name: String) async throws {
        let document = try await extract(name)
        #expect(document.format == (name.hasSuffix("docx") ? .docx : .odt))
        #expect(document.blocks.filter { $0.kind == .heading }.map(\.text) == ["Method", "Results"])
        #expect(document.markdown.contains("- First finding\n- Second finding"))
        #expect(document.markdown.contains("| Sample | Value |\n| --- | --- |\n| A | 3 |"))
        #expect(document.blocks.first { $0.kind == .table }?.location.headingPath == ["Method", "Results"])
    }

    @Test("EPUB from HTML: the chapter text and table in spine order")
    func epub() async throws {
        let document = try await extract("notes.epub")
        #expect(document.format == .epub)
        #expect(document.metadata.chapterCount ?? 0 >= 1)
        #expect(document.text.contains("We measured the samples twice."))
        #expect(document.markdown.contains("| A | 3 |"))
    }

    @Test("XLSX and ODS from CSV: one table per sheet", arguments: ["cities.xlsx", "cities.ods"])
    func sheets(name: String) async throws {
        let document = try await extract(name)
        #expect(document.metadata.sheetCount == 1)
        let table = try #require(document.blocks.first { $0.kind == .table })
        #expect(table.location.sheet == "cities")
        #expect(table.text == "| city | pop |\n| --- | --- |\n| Oslo | 700000 |\n| Bergen | 290000 |")
    }

    @Test("PDF written by LibreOffice: one page with the text")
    func pdf() async throws {
        let document = try await extract("notes.pdf")
        #expect(document.format == .pdf)
        #expect(document.metadata.pageCount == 1)
        #expect(document.text.contains("We measured the samples twice."))
    }
}
