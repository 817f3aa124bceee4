import ChatbotCore
import Testing

@testable import ChatbotBackup

@Suite("COPY text rows to NDJSON")
struct CopyTextTranscoderTests {
    private static let table = BackupSchema.Table(
        name: "t",
        columns: [
            .init(name: "n", type: .int64, nullable: false), .init(name: "s", type: .text, nullable: true),
            .init(name: "d", type: .double, nullable: true), .init(name: "b", type: .bool, nullable: false),
        ],
        key: "n", keyIsSequence: false)

    private func transcode(_ row: String) throws -> String {
        var line: [UInt8] = []
        var bytes = Array(row.utf8)
        try bytes.withUnsafeMutableBytes { try CopyTextTranscoder(table: Self.table).append(row: .init($0), to: &line) }
        return String(decoding: line, as: UTF8.self)
    }

    @Test("every COPY escape becomes the same JSON the generic path writes, and parses back to the same text")
    func escapes() throws {
        let line = try transcode("-42\ta\\\\b\\tc\\nd\\re\\bf\\fg\\vh\"q\" \\001\\x7F日本\t1e-05\tt\n")
        #expect(
            line
                == #"{"n":-42,"s":"a\\b\tc\nd\re\u0008f\u000cg\u000bh\"q\" \u0001"# + "\u{7F}日本"
                + #"","d":1e-05,"b":true}"#
                + "\n")
        let values = try line.utf8CString.withUnsafeBytes { raw in
            try TableRows.parse(.init(rebasing: raw.dropLast(2)), table: Self.table)  // no newline, no NUL
        }
        #expect(
            values == [
                .int(-42), .text("a\\b\tc\nd\re\u{8}f\u{c}g\u{b}h\"q\" \u{1}\u{7F}日本"), .double(1e-05), .bool(true),
            ])

        // The generic path writes the same line for the same values (doubles aside, see the type).
        var generic: [UInt8] = []
        TableRows.appendLine(values, table: Self.table, to: &generic)
        #expect(String(decoding: generic, as: UTF8.self) == line)
    }

    @Test("NULL, booleans and non-finite doubles")
    func nullsAndSpecials() throws {
        #expect(try transcode("7\t\\N\t\\N\tf") == #"{"n":7,"s":null,"d":null,"b":false}"# + "\n")
        #expect(try transcode("7\t\tNaN\tt") == #"{"n":7,"s":"","d":null,"b":true}"# + "\n")
        #expect(try transcode("7\tx\t-Infinity\tt").contains(#""d":null"#))
        #expect(try transcode("7\tx\t12345.678\tt").contains(#""d":12345.678"#))
    }

    @Test("malformed rows are refused with the table's name: column count, NOT NULL, bad numbers and booleans")
    func malformed() {
        for row in ["7\tx\t1", "7\tx\t1\tt\textra", "\\N\tx\t1\tt", "7x\tx\t1\tt", "7\tx\t1\tmaybe", "\tx\t1\tt"] {
            #expect(throws: ChatbotError.self, "\(row)") { try transcode(row) }
        }
    }
}
