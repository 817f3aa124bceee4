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

    @Test("texts of every length, with escapes at every offset, match the generic path byte for byte")
    func textsMatchTheGenericPath() throws {
        // Long runs go through the eight-bytes-at-a-time scan; what needs escaping can sit at any
        // offset inside or across a word, next to multi-byte UTF-8.
        let alphabet: [String] = [
            "a", "b", " ", "\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{1F}", "\u{7F}", "é", "日", "🙂", "~",
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let transcoder = CopyTextTranscoder(table: Self.table)
        for round in 0..<400 {
            let length = round < 40 ? round : next(120)
            let plain = (0..<length).map { _ in next(4) == 0 ? alphabet[next(alphabet.count)] : "x" }.joined()
            // The server's COPY text form: backslash, \b, \f, \n, \r, \t and \v escaped, other bytes as they are.
            var copyText: [UInt8] = []
            for byte in plain.utf8 {
                switch byte {
                case 0x5C: copyText += Array("\\\\".utf8)
                case 0x08: copyText += Array("\\b".utf8)
                case 0x0C: copyText += Array("\\f".utf8)
                case 0x0A: copyText += Array("\\n".utf8)
                case 0x0D: copyText += Array("\\r".utf8)
                case 0x09: copyText += Array("\\t".utf8)
                case 0x0B: copyText += Array("\\v".utf8)
                default: copyText.append(byte)
                }
            }
            var row = Array("1\t".utf8) + copyText + Array("\t2.5\tf\n".utf8)
            var line: [UInt8] = []
            try row.withUnsafeMutableBytes { try transcoder.append(row: .init($0), to: &line) }
            var generic: [UInt8] = []
            TableRows.appendLine([.int(1), .text(plain), .double(2.5), .bool(false)], table: Self.table, to: &generic)
            #expect(line == generic, "\(plain.debugDescription)")
        }
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
