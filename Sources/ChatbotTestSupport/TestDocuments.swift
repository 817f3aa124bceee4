public import Foundation
import ZIPFoundation

/// Real documents made at test time: a PDF with text (Helvetica, one line per text line), a DOCX
/// with paragraphs, an HTML page, and a DOCX zip bomb (a few hundred KB that inflate to 200 MB).
public enum TestDocuments {
    /// A one-page PDF showing `lines`, with a correct cross-reference table.
    public static func pdf(_ lines: [String]) -> Data {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(")
                .replacingOccurrences(of: ")", with: "\\)")
        }
        var content = "BT /F1 12 Tf 72 720 Td 16 TL\n"
        for line in lines { content += "(\(escape(line))) Tj T*\n" }
        content += "ET\n"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
                + "/Contents 5 0 R >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            "<< /Length \(content.utf8.count) >>\nstream\n\(content)endstream",
        ]
        var output = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(output.utf8.count)
            output += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = output.utf8.count
        output += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { output += String(format: "%010d 00000 n \n", offset) }
        output += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(output.utf8)
    }

    /// A DOCX with one paragraph per element of `paragraphs`.
    public static func docx(_ paragraphs: [String]) throws -> Data {
        let body = paragraphs.map { text in
            let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            return "<w:p><w:r><w:t xml:space=\"preserve\">\(escaped)</w:t></w:r></w:p>"
        }.joined()
        let document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>\(body)</w:body></w:document>
            """
        return try zip([("[Content_Types].xml", Data(contentTypes.utf8)), ("word/document.xml", Data(document.utf8))])
    }

    /// A DOCX whose document part is 200 MB of zeros deflated to a few hundred KB.
    public static func zipBombDocx() throws -> Data {
        try zip([("[Content_Types].xml", Data(contentTypes.utf8)), ("word/document.xml", Data(count: 200 << 20))])
    }

    /// An HTML article with a title and paragraphs.
    public static func html(title: String, _ paragraphs: [String]) -> Data {
        let body = paragraphs.map { "<p>\($0)</p>" }.joined(separator: "\n")
        return Data(
            """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(title)</title></head>
            <body><main><article><h1>\(title)</h1>
            \(body)
            </article></main></body></html>
            """.utf8)
    }

    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Override PartName="/word/document.xml" \
        ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>
        """

    static func zip(_ entries: [(String, Data)]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, data) in entries {
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
            ) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return archive.data ?? Data()
    }
}
