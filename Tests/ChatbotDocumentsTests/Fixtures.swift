import ChatbotDocuments
import Foundation
import ZIPFoundation

/// Builds OOXML/ODF/EPUB/zip fixtures in memory at test time.
enum Fixtures {
    /// A zip archive of the entries (deflated unless `stored`), in the order given.
    static func zip(_ entries: [(String, Data)], stored: Bool = false) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, data) in entries {
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count),
                compressionMethod: stored ? .none : .deflate
            ) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return archive.data ?? Data()
    }

    static func zip(_ entries: [(String, String)]) throws -> Data {
        try zip(entries.map { ($0.0, Data($0.1.utf8)) })
    }

    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>
        """

    static let core = """
        <?xml version="1.0" encoding="UTF-8"?>
        <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
        xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">\
        <dc:title>Quarterly Report</dc:title><dc:creator>Ada Lovelace</dc:creator>\
        <dcterms:created>2024-03-01T10:00:00Z</dcterms:created></cp:coreProperties>
        """

    static let wordNS = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

    static func docx(body: String) throws -> Data {
        let styles = """
            <?xml version="1.0" encoding="UTF-8"?>
            <w:styles \(wordNS)>\
            <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>\
            <w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>\
            <w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style></w:styles>
            """
        let numbering = """
            <?xml version="1.0" encoding="UTF-8"?>
            <w:numbering \(wordNS)>\
            <w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl>\
            <w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>\
            <w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl></w:abstractNum>\
            <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>\
            <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>
            """
        let document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <w:document \(wordNS)><w:body>\(body)</w:body></w:document>
            """
        return try zip([
            ("[Content_Types].xml", contentTypes), ("docProps/core.xml", core), ("word/styles.xml", styles),
            ("word/numbering.xml", numbering), ("word/document.xml", document),
        ])
    }

    static func paragraph(_ text: String, style: String? = nil, list: (num: Int, level: Int)? = nil) -> String {
        var properties = ""
        if let style { properties += "<w:pStyle w:val=\"\(style)\"/>" }
        if let list {
            properties += "<w:numPr><w:ilvl w:val=\"\(list.level)\"/><w:numId w:val=\"\(list.num)\"/></w:numPr>"
        }
        return "<w:p><w:pPr>\(properties)</w:pPr><w:r><w:t xml:space=\"preserve\">\(text)</w:t></w:r></w:p>"
    }

    static let sampleDocxBody =
        paragraph("Quarterly Report", style: "Title")
        + paragraph("Introduction", style: "Heading1")
        + paragraph("Revenue grew in every region.")
        + paragraph("Details", style: "Heading2")
        + paragraph("First point", list: (1, 0)) + paragraph("Sub point", list: (1, 1))
        + paragraph("Step one", list: (2, 0))
        + "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Region</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Sales</w:t></w:r></w:p></w:tc></w:tr>"
        + "<w:tr><w:tc><w:p><w:r><w:t>North</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>42</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"

    static func pptx() throws -> Data {
        let ns = """
            xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" \
            xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"
            """
        let relNS = "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\""
        func slide(_ title: String, _ body: [String]) -> String {
            let paragraphs = body.map { "<a:p><a:r><a:t>\($0)</a:t></a:r></a:p>" }.joined()
            return """
                <?xml version="1.0" encoding="UTF-8"?>
                <p:sld \(ns)><p:cSld><p:spTree>\
                <p:sp><p:nvSpPr><p:cNvPr id="1" name="Title"/><p:cNvSpPr/><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr>\
                <p:txBody><a:p><a:r><a:t>\(title)</a:t></a:r></a:p></p:txBody></p:sp>\
                <p:sp><p:nvSpPr><p:cNvPr id="2" name="Body"/><p:cNvSpPr/><p:nvPr><p:ph idx="1"/></p:nvPr></p:nvSpPr>\
                <p:txBody>\(paragraphs)</p:txBody></p:sp></p:spTree></p:cSld></p:sld>
                """
        }
        let notes = """
            <?xml version="1.0" encoding="UTF-8"?>
            <p:notes \(ns)><p:cSld><p:spTree><p:sp><p:nvSpPr><p:cNvPr id="2" name="Notes"/><p:cNvSpPr/>\
            <p:nvPr><p:ph type="body" idx="1"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>Mention the budget</a:t>\
            </a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:notes>
            """
        return try zip([
            ("[Content_Types].xml", contentTypes),
            (
                "ppt/presentation.xml",
                cat(
                    "<?xml version=\"1.0\"?><p:presentation \(ns)><p:sldIdLst><p:sldId id=\"256\" r:id=\"rId2\"/>",
                    "<p:sldId id=\"257\" r:id=\"rId3\"/></p:sldIdLst></p:presentation>"
                )
            ),
            (
                "ppt/_rels/presentation.xml.rels",
                cat(
                    "<?xml version=\"1.0\"?><Relationships \(relNS)><Relationship Id=\"rId3\" Type=\"t/slide\" Target=\"slides/slide1.xml\"/>",
                    "<Relationship Id=\"rId2\" Type=\"t/slide\" Target=\"slides/slide2.xml\"/></Relationships>"
                )
            ),
            // Slide order comes from sldIdLst: rId2 (slide2.xml) is the first slide.
            ("ppt/slides/slide2.xml", slide("Welcome", ["Agenda for today"])),
            ("ppt/slides/slide1.xml", slide("Budget", ["Costs are down"])),
            (
                "ppt/slides/_rels/slide1.xml.rels",
                cat(
                    "<?xml version=\"1.0\"?><Relationships \(relNS)><Relationship Id=\"rId1\" ",
                    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/notesSlide\" ",
                    "Target=\"../notesSlides/notesSlide1.xml\"/></Relationships>"
                )
            ),
            ("ppt/notesSlides/notesSlide1.xml", notes),
        ])
    }

    static func xlsx() throws -> Data {
        let ns = """
            xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"
            """
        let relNS = "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\""
        return try zip([
            ("[Content_Types].xml", contentTypes),
            (
                "xl/workbook.xml",
                cat(
                    "<?xml version=\"1.0\"?><workbook \(ns)><sheets><sheet name=\"Sales\" sheetId=\"1\" r:id=\"rId1\"/>",
                    "<sheet name=\"Notes\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>"
                )
            ),
            (
                "xl/_rels/workbook.xml.rels",
                cat(
                    "<?xml version=\"1.0\"?><Relationships \(relNS)><Relationship Id=\"rId1\" Type=\"w\" Target=\"worksheets/sheet1.xml\"/>",
                    "<Relationship Id=\"rId2\" Type=\"w\" Target=\"/xl/worksheets/sheet2.xml\"/></Relationships>"
                )
            ),
            (
                "xl/sharedStrings.xml",
                cat(
                    "<?xml version=\"1.0\"?><sst \(ns)><si><t>Region</t></si><si><t>Date</t></si><si><t>Amount</t></si>",
                    "<si><r><t>No</t></r><r><t>rth</t></r></si><si><t>Remember Q3</t></si></sst>"
                )
            ),
            (
                "xl/styles.xml",
                "<?xml version=\"1.0\"?><styleSheet \(ns)><cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>"
            ),
            (
                "xl/worksheets/sheet1.xml",
                cat(
                    "<?xml version=\"1.0\"?><worksheet \(ns)><sheetData>",
                    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c></row>",
                    "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>3</v></c><c r=\"B2\" s=\"1\"><v>45306</v></c><c r=\"C2\"><v>1234.5</v></c></row>",
                    "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>South</t></is></c><c r=\"C3\"><v>0.1</v></c></row>",
                    "</sheetData></worksheet>"
                )
            ),
            (
                "xl/worksheets/sheet2.xml",
                "<?xml version=\"1.0\"?><worksheet \(ns)><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>4</v></c></row></sheetData></worksheet>"
            ),
        ])
    }

    static func odf(mimetype: String, body: String, meta: Bool = true) throws -> Data {
        let ns = """
            xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
            xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" \
            xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
            xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" \
            xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" \
            xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" \
            xmlns:dc="http://purl.org/dc/elements/1.1/"
            """
        var entries: [(String, Data)] = [("mimetype", Data(mimetype.utf8))]
        entries.append(
            (
                "content.xml",
                Data(
                    "<?xml version=\"1.0\"?><office:document-content \(ns)><office:body>\(body)</office:body></office:document-content>"
                        .utf8)
            ))
        if meta {
            entries.append(
                (
                    "meta.xml",
                    Data(
                        ("<?xml version=\"1.0\"?><office:document-meta \(ns)><office:meta><dc:title>Field Notes</dc:title>"
                            + "<meta:initial-creator>Grace Hopper</meta:initial-creator>"
                            + "<meta:creation-date>2024-05-02T09:00:00</meta:creation-date></office:meta></office:document-meta>")
                            .utf8)
                ))
        }
        return try zip(entries, stored: false)
    }

    static func epub() throws -> Data {
        func chapter(_ title: String, _ body: String) -> String {
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml"><head><title>\(title)</title></head>\
            <body><h1>\(title)</h1>\(body)</body></html>
            """
        }
        return try zip([
            ("mimetype", "application/epub+zip"),
            (
                "META-INF/container.xml",
                cat(
                    "<?xml version=\"1.0\"?><container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">",
                    "<rootfiles><rootfile full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/></rootfiles></container>"
                )
            ),
            (
                "OEBPS/content.opf",
                cat(
                    "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\">",
                    "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>The Voyage</dc:title>",
                    "<dc:creator>Jules Verne</dc:creator><dc:date>1870-01-01</dc:date></metadata>",
                    "<manifest><item id=\"c1\" href=\"text/one.xhtml\" media-type=\"application/xhtml+xml\"/>",
                    "<item id=\"c2\" href=\"text/two.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>",
                    "<spine><itemref idref=\"c2\"/><itemref idref=\"c1\"/></spine></package>"
                )
            ),
            (
                "OEBPS/text/one.xhtml",
                chapter("Departure", "<p>The ship left at dawn.</p><ul><li>Captain</li><li>Crew</li></ul>")
            ),
            ("OEBPS/text/two.xhtml", chapter("Prologue", "<p>It began with a letter.</p>")),
        ])
    }

    /// Concatenates literal parts (keeps the type checker fast).
    static func cat(_ parts: String...) -> String { parts.joined() }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chatbot-docs-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The PDF corpus folder: `CHATBOT_CORPORA_DIR`, `<package>/../shared/corpora`, `/work/shared/corpora`.
    static func pdfCorpus() -> URL? {
        var candidates: [URL] = []
        if let dir = ProcessInfo.processInfo.environment["CHATBOT_CORPORA_DIR"] {
            candidates.append(URL(fileURLWithPath: dir))
        }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(package.deletingLastPathComponent().appendingPathComponent("shared/corpora"))
        candidates.append(URL(fileURLWithPath: "/work/shared/corpora"))
        for candidate in candidates {
            let folder = candidate.appendingPathComponent("pdf-samples")
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("files.json").path) {
                return folder
            }
        }
        return nil
    }
}
