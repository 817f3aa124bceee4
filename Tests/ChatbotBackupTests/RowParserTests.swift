import Foundation
import Testing

@testable import ChatbotBackup

@Suite("NDJSON rows")
struct RowParserTests {
    @Test("every value written is read back exactly, strings of every kind included")
    func roundTrip() throws {
        let table = BackupSchema.Table(
            name: "t",
            columns: [
                .init(name: "i", type: .int64, nullable: false), .init(name: "d", type: .double, nullable: true),
                .init(name: "s", type: .text, nullable: false), .init(name: "b", type: .bool, nullable: false),
                .init(name: "v", type: .vector, nullable: true),
            ],
            key: "i", keyIsSequence: false)
        let vectors: [[Float]] = [
            [], [0], [-0.0, 1e-45, 3.4028235e38, -1.1754944e-38], [0.1, 0.2, 0.3], (0..<384).map { Float($0) / 7 },
            [1.5], [-2],
        ]
        let strings = [
            "", "plain", "quote \" backslash \\ slash /", "\n\r\t\u{08}\u{0C}", "\u{00}\u{01}\u{1F}\u{7F}",
            "žluťoučký 日本語 🦊 \u{10FFFF}", String(repeating: "long ", count: 10_000),
        ]
        let doubles: [Double] = [0, -0.5, 0.1, 1e-300, 1.7976931348623157e308, 12345.678, 3]
        for (index, text) in strings.enumerated() {
            let values: [BackupValue] = [
                .int(index == 0 ? .min : .max - Int64(index)), .double(doubles[index]), .text(text),
                .bool(index % 2 == 0), .vector(vectors[index]),
            ]
            var line: [UInt8] = []
            TableRows.appendLine(values, table: table, to: &line)
            #expect(line.last == UInt8(ascii: "\n"))
            let parsed = try line.dropLast().withUnsafeBytes { try TableRows.parse($0, table: table) }
            #expect(parsed == values)
            // What we write is standard JSON.
            #expect((try? JSONSerialization.jsonObject(with: Data(line.dropLast()))) != nil)
        }
    }

    @Test("standard JSON spellings are accepted: whitespace, \\u escapes, surrogate pairs, exponents")
    func standardJSON() throws {
        let object = try RowParser.parse(
            Data(#" { "a" : "\u00e9\ud83e\udd8a\/" , "b":1E2, "c":-7, "d":null, "e":false } "#.utf8))
        #expect(object["a"] == .text("é🦊/"))
        #expect(object["b"] == .double(100))
        #expect(object["c"] == .int(-7))
        #expect(object["d"] == .null)
        #expect(object["e"] == .bool(false))
    }

    @Test(
        "malformed rows are refused",
        arguments: [
            "", "{", "{\"a\":1", "{\"a\":1}x", "{\"a\":[\"x\"]}", "{\"a\":[1,]}", "{\"a\":[1 2]}", "{\"a\":[1e99]}",
            "{\"a\":[[1]]}", "{\"a\":{}}", "{\"a\":tru}", "{\"a\":\"\\x\"}",
            "{\"a\":\"\\ud800\"}", "{\"a\":\"raw\ncontrol\"}", "{\"a\":1.}", "{\"a\":NaN}", "{a:1}", "[1]",
            "{\"a\":99999999999999999999}",
        ])
    func malformed(_ text: String) {
        #expect(throws: (any Error).self) { try RowParser.parse(Data(text.utf8)) }
    }
}
