import ChatbotCore
import ChatbotDocuments
import Foundation
import Testing

@Suite("Document formats")
struct FormatTests {
    let extractor = DocumentExtractor()

    @Test("DOCX: title, headings by style, lists, tables, metadata and heading paths")
    func docx() async throws {
        let document = try await extractor.extract(
            data: Fixtures.docx(body: Fixtures.sampleDocxBody), filename: "r.docx")
        #expect(document.format == .docx)
        #expect(document.metadata.title == "Quarterly Report")
        #expect(document.metadata.author == "Ada Lovelace")
        #expect(document.metadata.created == "2024-03-01T10:00:00Z")
        let markdown = document.markdown
        #expect(markdown.contains("# Quarterly Report\n"))
        #expect(markdown.contains("## Details\n"))
        #expect(markdown.contains("- First point\n  - Sub point"))
        #expect(markdown.contains("1. Step one"))
        #expect(markdown.contains("| Region | Sales |\n| --- | --- |\n| North | 42 |"))
        let paragraph = try #require(document.blocks.first { $0.text == "Revenue grew in every region." })
        // The title and Heading 1 are both level 1: the path restarts at "Introduction".
        #expect(paragraph.location.headingPath == ["Introduction"])
        let table = try #require(document.blocks.first { $0.kind == .table })
        #expect(table.location.headingPath == ["Introduction", "Details"])
        #expect(document.text.contains("Region\tSales"))
    }

    @Test("PPTX: slides in presentation order, titles, body text, speaker notes")
    func pptx() async throws {
        let document = try await extractor.extract(data: Fixtures.pptx(), filename: nil)
        #expect(document.format == .pptx)
        #expect(document.metadata.slideCount == 2)
        let welcome = try #require(document.blocks.first { $0.text == "Welcome" })
        #expect(welcome.kind == .heading)
        #expect(welcome.location.slide == 1)
        let notes = try #require(document.blocks.first { $0.kind == .notes })
        #expect(notes.text == "Mention the budget")
        #expect(notes.location.slide == 2)
        #expect(document.blocks.first { $0.text == "Costs are down" }?.location.slide == 2)
        #expect(document.markdown.contains("<!-- slide 2 -->"))
    }

    @Test("XLSX: sheets as Markdown tables with shared strings, dates and numbers")
    func xlsx() async throws {
        let document = try await extractor.extract(data: Fixtures.xlsx(), filename: "book.xlsx")
        #expect(document.format == .xlsx)
        #expect(document.metadata.sheetCount == 2)
        let tables = document.blocks.filter { $0.kind == .table }
        #expect(tables.count == 2)
        #expect(tables[0].location.sheet == "Sales")
        #expect(tables[0].text.contains("| Region | Date | Amount |"))
        #expect(tables[0].text.contains("| North | 2024-01-15 | 1234.5 |"))
        #expect(tables[0].text.contains("| South |  | 0.1 |"))
        #expect(tables[1].location.sheet == "Notes")
        #expect(tables[1].text.contains("Remember Q3"))
    }

    @Test("ODT: headings, paragraphs, nested lists, tables and meta.xml")
    func odt() async throws {
        let body = """
            <office:text><text:h text:outline-level="1">Survey</text:h><text:p>Birds were <text:span>counted</text:span>\
            <text:s text:c="2"/>daily.</text:p><text:list><text:list-item><text:p>Herons</text:p><text:list>\
            <text:list-item><text:p>Grey heron</text:p></text:list-item></text:list></text:list-item></text:list>\
            <table:table table:name="T"><table:table-row><table:table-cell><text:p>Species</text:p></table:table-cell>\
            <table:table-cell><text:p>Count</text:p></table:table-cell></table:table-row></table:table></office:text>
            """
        let document = try await extractor.extract(
            data: Fixtures.odf(mimetype: "application/vnd.oasis.opendocument.text", body: body), filename: "n.odt")
        #expect(document.format == .odt)
        #expect(document.metadata.title == "Field Notes")
        #expect(document.metadata.author == "Grace Hopper")
        #expect(document.markdown.contains("# Survey\n\nBirds were counted daily."))
        #expect(document.markdown.contains("- Herons\n  - Grey heron"))
        #expect(document.markdown.contains("| Species | Count |"))
        #expect(document.blocks.last?.location.headingPath == ["Survey"])
    }

    @Test("ODS and ODP: sheet names, repeated cells, dates, slides and notes")
    func odsAndOdp() async throws {
        let sheet = """
            <office:spreadsheet><table:table table:name="Budget"><table:table-row>\
            <table:table-cell office:value-type="string"><text:p>Item</text:p></table:table-cell>\
            <table:table-cell office:value-type="string"><text:p>Due</text:p></table:table-cell></table:table-row>\
            <table:table-row><table:table-cell><text:p>Rent</text:p></table:table-cell><table:table-cell \
            office:value-type="date" office:date-value="2024-02-01T00:00:00"><text:p>01/02/24</text:p></table:table-cell>\
            <table:table-cell table:number-columns-repeated="1000000"/></table:table-row>\
            <table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/>\
            </table:table-row></table:table></office:spreadsheet>
            """
        let ods = try await extractor.extract(
            data: Fixtures.odf(mimetype: "application/vnd.oasis.opendocument.spreadsheet", body: sheet), filename: nil)
        #expect(ods.format == .ods)
        #expect(ods.metadata.sheetCount == 1)
        let table = try #require(ods.blocks.first { $0.kind == .table })
        #expect(table.location.sheet == "Budget")
        #expect(table.text == "| Item | Due |\n| --- | --- |\n| Rent | 2024-02-01 |")

        let slides = """
            <office:presentation><draw:page draw:name="p1"><draw:frame presentation:class="title"><draw:text-box>\
            <text:p>Kickoff</text:p></draw:text-box></draw:frame><draw:frame presentation:class="outline"><draw:text-box>\
            <text:p>Goals for spring</text:p></draw:text-box></draw:frame><presentation:notes><draw:frame \
            presentation:class="notes"><draw:text-box><text:p>Speak slowly</text:p></draw:text-box></draw:frame>\
            </presentation:notes></draw:page><draw:page draw:name="p2"><draw:frame presentation:class="title">\
            <draw:text-box><text:p>Plan</text:p></draw:text-box></draw:frame></draw:page></office:presentation>
            """
        let odp = try await extractor.extract(
            data: Fixtures.odf(mimetype: "application/vnd.oasis.opendocument.presentation", body: slides), filename: nil
        )
        #expect(odp.format == .odp)
        #expect(odp.metadata.slideCount == 2)
        #expect(odp.blocks.first { $0.kind == .notes }?.text == "Speak slowly")
        #expect(odp.blocks.first { $0.text == "Plan" }?.location.slide == 2)
        #expect(odp.blocks.first { $0.text == "Goals for spring" }?.location.headingPath == ["Kickoff"])
    }

    @Test("EPUB: spine order, chapter locations, OPF metadata")
    func epub() async throws {
        let document = try await extractor.extract(data: Fixtures.epub(), filename: "book.epub")
        #expect(document.format == .epub)
        #expect(document.metadata.title == "The Voyage")
        #expect(document.metadata.author == "Jules Verne")
        #expect(document.metadata.chapterCount == 2)
        let headings = document.blocks.filter { $0.kind == .heading }.map(\.text)
        #expect(headings == ["Prologue", "Departure"])
        #expect(document.blocks.first { $0.text == "Crew" }?.location.chapter == "OEBPS/text/one.xhtml")
        #expect(document.markdown.contains("# Departure\n\nThe ship left at dawn.\n\n- Captain\n- Crew"))
    }

    @Test("HTML: the whole document with headings, lists, tables and links")
    func html() async throws {
        let html = """
            <!doctype html><html><head><title>Guide</title><meta name="author" content="Tim"></head><body>
            <nav><a href="/">Home</a></nav><h1>Setup</h1><p>Read the <a href="https://example.org/docs">docs</a> first.</p>
            <h2>Steps</h2><ol><li>Install</li><li>Run</li></ol><table><tr><th>Key</th><th>Value</th></tr>
            <tr><td>port</td><td>8080</td></tr></table><script>alert(1)</script></body></html>
            """
        let document = try await extractor.extract(data: Data(html.utf8), filename: "page.bin")
        #expect(document.format == .html)
        #expect(document.metadata.title == "Guide")
        let markdown = document.markdown
        #expect(markdown.contains("# Setup\n\nRead the [docs](https://example.org/docs) first."))
        #expect(markdown.contains("1. Install\n2. Run"))
        #expect(markdown.contains("| Key | Value |\n| --- | --- |\n| port | 8080 |"))
        #expect(!markdown.contains("alert"))
        #expect(!markdown.contains("Home"))
        #expect(document.blocks.first { $0.kind == .table }?.location.headingPath == ["Setup", "Steps"])
    }

    @Test("Text in UTF-8, UTF-16 with BOM and Windows-1252")
    func encodings() async throws {
        var utf16 = Data([0xFF, 0xFE])
        utf16.append("Grüße aus Köln\n\nZweiter Absatz".data(using: .utf16LittleEndian)!)
        let fromUTF16 = try await extractor.extract(data: utf16, filename: "a.txt")
        #expect(fromUTF16.format == .text)
        #expect(fromUTF16.metadata.encoding == "utf-16le")
        #expect(fromUTF16.blocks.map(\.text) == ["Grüße aus Köln", "Zweiter Absatz"])

        let cp1252 = Data([0x43, 0x61, 0x66, 0xE9, 0x20, 0x80, 0x35, 0x20, 0x93, 0x71, 0x94])  // Café €5 “q”
        let fromCP1252 = try await extractor.extract(data: cp1252, filename: nil)
        #expect(fromCP1252.metadata.encoding == "windows-1252")
        #expect(fromCP1252.text == "Café €5 “q”\n")

        let bom = Data([0xEF, 0xBB, 0xBF]) + Data("plain".utf8)
        #expect(try await extractor.extract(data: bom, filename: nil).text == "plain\n")
    }

    @Test("CSV, TSV, JSON and Markdown")
    func textFormats() async throws {
        let csv = "name,quote\nAda,\"said \"\"hi\"\", then left\"\nBob,\"two\nlines\"\n"
        let table = try await extractor.extract(data: Data(csv.utf8), filename: "people.csv")
        #expect(table.format == .csv)
        #expect(
            table.markdown == "| name | quote |\n| --- | --- |\n| Ada | said \"hi\", then left |\n| Bob | two lines |\n"
        )

        let tsv = try await extractor.extract(data: Data("a\tb\n1\t2\n".utf8), filename: nil)
        #expect(tsv.format == .tsv)
        #expect(tsv.markdown.contains("| 1 | 2 |"))

        let json = try await extractor.extract(data: Data(#"{"k":[1,2]}"#.utf8), filename: "x.dat")
        #expect(json.format == .json)
        #expect(json.markdown.hasPrefix("```json\n{\n"))

        let markdown = "# Title\n\nIntro *text*.\n\n## Part\n\n- a\n- b\n\n```\n# not a heading\n```\n"
        let document = try await extractor.extract(data: Data(markdown.utf8), filename: "notes.md")
        #expect(document.format == .markdown)
        #expect(document.blocks.filter { $0.kind == .heading }.map(\.text) == ["Title", "Part"])
        #expect(document.blocks.last?.location.headingPath == ["Title", "Part"])
        #expect(document.markdown == markdown)
    }

    @Test("Files are read from disk with the name in errors")
    func fileInput() async throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("r.docx")
        try Fixtures.docx(body: Fixtures.sampleDocxBody).write(to: url)
        #expect(try await extractor.extract(fileAt: url).format == .docx)
        let missing = folder.appendingPathComponent("missing.pdf")
        let error = try await #require(throws: ChatbotError.self) { try await extractor.extract(fileAt: missing) }
        #expect(error.message.contains("missing.pdf"))
    }
}
