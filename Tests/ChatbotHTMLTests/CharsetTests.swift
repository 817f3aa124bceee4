import ChatbotCore
import ChatbotHTML
import Foundation
import Testing

@Suite("Charset detection and decoding")
struct CharsetTests {
    /// Encodes `text` with the `iconv` tool (a real converter, not our decoder).
    func iconv(_ text: String, to charset: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        process.arguments = ["-f", "UTF-8", "-t", charset]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "iconv to \(charset) failed")
        return data
    }

    func text(of data: Data, contentType: String? = nil, charset: String? = nil) throws -> (String, String) {
        let page = try HTMLExtractor().extract(data: data, contentType: contentType, charset: charset)
        return (page.text, page.charset)
    }

    let russian = "Москва - столица России, крупнейший по численности населения город страны и её культурный центр."
    let japanese = "東京は日本の首都であり、世界で最も人口の多い都市圏の一つです。多くの人々がここで働いています。"

    @Test("<meta charset> declares a legacy charset (KOI8-R)")
    func metaCharset() throws {
        let html = "<html><head><meta charset=\"koi8-r\"></head><body><p>\(russian)</p></body></html>"
        let (text, charset) = try text(of: iconv(html, to: "KOI8-R"))
        #expect(charset == "KOI8-R")
        #expect(text == russian)
    }

    @Test("<meta http-equiv=Content-Type> declares Shift_JIS")
    func httpEquiv() throws {
        let html = """
            <html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"></head>
            <body><p>\(japanese)</p></body></html>
            """
        let (text, charset) = try text(of: iconv(html, to: "SHIFT_JIS"))
        #expect(charset == "SHIFT_JIS")
        #expect(text == japanese)
    }

    @Test("the HTTP header wins over <meta>")
    func headerWins() throws {
        let html = "<html><head><meta charset=\"utf-8\"></head><body><p>\(russian)</p></body></html>"
        let (text, charset) = try text(
            of: iconv(html, to: "WINDOWS-1251"), contentType: "text/html; charset=windows-1251")
        #expect(charset == "WINDOWS-1251")
        #expect(text == russian)
    }

    @Test("a byte-order mark wins over <meta>: UTF-16LE and UTF-8")
    func byteOrderMark() throws {
        let html = "<html><head><meta charset=\"iso-8859-1\"></head><body><p>\(japanese)</p></body></html>"
        var utf16 = Data([0xFF, 0xFE])
        utf16.append(try iconv(html, to: "UTF-16LE"))
        #expect(try text(of: utf16) == (japanese, "UTF-16LE"))
        var utf8 = Data([0xEF, 0xBB, 0xBF])
        utf8.append(Data(html.utf8))
        #expect(try text(of: utf8) == (japanese, "UTF-8"))
    }

    @Test("undeclared: valid UTF-8 is UTF-8, anything else Windows-1252 (curly quotes, euro sign)")
    func fallback() throws {
        let utf8 = "<p>\(japanese)</p>"
        #expect(try text(of: Data(utf8.utf8)) == (japanese, "UTF-8"))
        let cp1252 = Data([0x3C, 0x70, 0x3E, 0x93, 0x51, 0x94, 0x20, 0x80, 0x35, 0x20, 0xE9, 0x3C, 0x2F, 0x70, 0x3E])
        #expect(try text(of: cp1252) == ("“Q” €5 é", "windows-1252"))
    }

    @Test("latin1 labels mean Windows-1252 (WHATWG)")
    func latin1Label() throws {
        let html =
            Data([0x3C, 0x6D, 0x65, 0x74, 0x61, 0x20, 0x63, 0x68, 0x61, 0x72, 0x73, 0x65, 0x74, 0x3D])
            + Data("iso-8859-1><p>".utf8) + Data([0x93, 0x68, 0x69, 0x94]) + Data("</p>".utf8)
        #expect(try text(of: html) == ("“hi”", "windows-1252"))
    }

    @Test("--charset overrides detection; an unknown charset is a usage error naming the input")
    func override() throws {
        let html = "<html><head><meta charset=\"utf-8\"></head><body><p>\(russian)</p></body></html>"
        #expect(try text(of: iconv(html, to: "ISO-8859-5"), charset: "iso-8859-5").0 == russian)
        let error = try #require(throws: ChatbotError.self) {
            try HTMLExtractor().extract(data: Data(html.utf8), charset: "no-such-charset", source: "page.html")
        }
        #expect(error.kind == .usage)
        #expect(error.message.contains("page.html"))
        #expect(error.message.contains("no-such-charset"))
    }

    @Test("detect() reads the header parameter, BOMs and meta declarations")
    func detect() {
        #expect(CharsetDetector.detect(Data("x".utf8), contentType: "text/html;charset=\"ISO-8859-2\"") == "ISO-8859-2")
        #expect(CharsetDetector.detect(Data([0xFE, 0xFF, 0, 0x3C])) == "UTF-16BE")
        #expect(CharsetDetector.detect(Data("<META CHARSET='gb2312'>".utf8)) == "GBK")
        // A <meta> claiming UTF-16 was readable as ASCII, so it is not UTF-16.
        #expect(CharsetDetector.detect(Data("<meta charset=utf-16>".utf8)) == "UTF-8")
    }
}
