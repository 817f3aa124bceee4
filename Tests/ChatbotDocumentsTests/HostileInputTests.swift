import ChatbotCore
import ChatbotDocuments
import Foundation
import Testing

@Suite("Hostile input")
struct HostileInputTests {
    let extractor = DocumentExtractor()

    private func failure(_ data: Data, _ name: String = "evil.docx", options: ExtractionOptions = ExtractionOptions())
        async throws -> String
    {
        let error = try await #require(throws: ChatbotError.self) {
            try await DocumentExtractor(options: options).extract(data: data, filename: name)
        }
        #expect(error.message.hasPrefix(name))
        return error.message
    }

    @Test("A zip bomb is stopped while inflating, by ratio and by size")
    func zipBomb() async throws {
        // 200 MB of zeros deflate to about 200 KB: refused by the compression ratio cap.
        let zeros = Data(count: 200 << 20)
        let bomb = try Fixtures.zip([
            ("[Content_Types].xml", Data(Fixtures.contentTypes.utf8)), ("word/document.xml", zeros),
        ])
        #expect(bomb.count < 1 << 20)
        let message = try await failure(bomb)
        #expect(message.contains("zip bomb"))
        #expect(message.contains("word/document.xml"))

        // A total cap below the entries' sum is enforced across entries.
        var options = ExtractionOptions()
        options.maxTotalInflatedBytes = 10_000
        options.maxCompressionRatio = 1_000_000
        let body = String(repeating: Fixtures.paragraph("text text text"), count: 400)
        let total = try await failure(Fixtures.docx(body: body), options: options)
        #expect(total.contains("in all"))
    }

    @Test("An archive with too many entries is refused before inflating")
    func tooManyEntries() async throws {
        let entries = (0..<10_000).map { ("f\($0).xml", Data()) }
        let archive = try Fixtures.zip([("[Content_Types].xml", Data())] + entries, stored: true)
        let message = try await failure(archive)
        #expect(message.contains("more than 5000 entries"))
    }

    @Test(
        "Entry names with .., absolute paths or backslashes are refused",
        arguments: ["../evil", "/etc/evil", "a\\..\\b"])
    func traversal(name: String) async throws {
        let archive = try Fixtures.zip([("[Content_Types].xml", "<x/>"), ("word/document.xml", "<x/>"), (name, "boom")])
        let message = try await failure(archive)
        #expect(message.contains("unsafe"))
    }

    @Test("XXE and billion laughs in document.xml are refused")
    func entities() async throws {
        let xxe = """
            <?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>\
            <w:document \(Fixtures.wordNS)><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>
            """
        let laughs = """
            <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;">\
            <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\
            <w:document \(Fixtures.wordNS)><w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>
            """
        for xml in [xxe, laughs] {
            let archive = try Fixtures.zip([("[Content_Types].xml", Fixtures.contentTypes), ("word/document.xml", xml)])
            let message = try await failure(archive)
            #expect(message.contains("word/document.xml"))
            #expect(message.contains("entities") || message.contains("internal subset"))
            #expect(!message.contains("root:"))
        }
    }

    @Test("Truncated and corrupt archives get a clear error")
    func truncated() async throws {
        let docx = try Fixtures.docx(body: Fixtures.sampleDocxBody)
        for length in [docx.count / 2, docx.count - 30, 10] {
            let message = try await failure(docx.prefix(length))
            #expect(message.contains("truncated") || message.contains("corrupt"))
        }
        // A valid directory whose entry data is damaged.
        var damaged = docx
        let start = 60
        damaged.replaceSubrange(start..<(start + 200), with: Data(repeating: 0x41, count: 200))
        _ = try await failure(damaged)
    }

    @Test("Central-directory offsets and sizes pointing past the end give an error, not a trap")
    func corruptDirectory() async throws {
        let docx = try Fixtures.docx(body: Fixtures.sampleDocxBody)
        let signature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
        let starts = docx.indices.dropLast(4).filter { docx[$0..<($0 + 4)].elementsEqual(signature) }
        #expect(starts.count == 5)
        func damage(_ field: Int) -> Data {
            var damaged = docx
            for start in starts {
                damaged.replaceSubrange((start + field)..<(start + field + 4), with: [0x00, 0xFF, 0xFF, 0x7F])
            }
            return damaged
        }
        // Local header offsets past the end: an error.
        #expect(try await failure(damage(42)).contains("corrupt"))
        // The directory's sizes are not trusted (the deflate stream ends itself and the inflated
        // bytes are counted), so these may extract; they must not trap.
        for field in [20, 24] { _ = try? await extractor.extract(data: damage(field), filename: "evil.docx") }
    }

    @Test("Inputs over the size limit are refused before reading")
    func oversize() async throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("big.txt")
        try Data(repeating: 0x61, count: 5_000).write(to: url)
        var options = ExtractionOptions()
        options.maxBytes = 4_096
        let error = try await #require(throws: ChatbotError.self) {
            try await DocumentExtractor(options: options).extract(fileAt: url)
        }
        #expect(error.message.contains("big.txt"))
        #expect(error.message.contains("over the limit of 4096 bytes"))
        _ = try await failure(Data(count: 5_000), "mem.bin", options: options)
    }

    @Test("Binary junk and unknown zips are refused")
    func unknown() async throws {
        var junk = Data((0..<4_096).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
        junk[0] = 0x01
        #expect(try await failure(junk, "junk.bin").contains("unrecognised binary format"))
        let zip = try Fixtures.zip([("readme.txt", "hi")])
        #expect(try await failure(zip, "a.zip").contains("not a DOCX"))
    }
}
