import Foundation

/// Bytes to text for the charsets pages declare. UTF-8, ISO-8859-1 and Windows-1252 are decoded
/// here; other labels go through Foundation's converters.
enum TextDecoding {
    private static let windows1252High: [UInt16] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
        0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122,
        0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]

    static func decode(_ bytes: [UInt8], charset: String?) -> String {
        switch charset ?? "utf-8" {
        case "utf-8", "utf8", "unicode-1-1-utf-8":
            let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
            return String(decoding: body, as: UTF8.self)
        // As the WHATWG Encoding standard says, iso-8859-1 and us-ascii labels mean windows-1252.
        case "iso-8859-1", "latin1", "l1", "iso8859-1", "iso_8859-1", "windows-1252", "cp1252", "us-ascii", "ascii":
            var scalars = String.UnicodeScalarView()
            for byte in bytes {
                let value = (0x80...0x9F).contains(byte) ? windows1252High[Int(byte) - 0x80] : UInt16(byte)
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            }
            return String(scalars)
        case let label:
            if let encoding = foundationEncoding(label),
                let text = String(data: Data(bytes), encoding: encoding)
            {
                return text
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    private static func foundationEncoding(_ label: String) -> String.Encoding? {
        switch label {
        case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j", "cp932": .shiftJIS
        case "euc-jp": .japaneseEUC
        case "iso-2022-jp": .iso2022JP
        case "utf-16le": .utf16LittleEndian
        case "utf-16be": .utf16BigEndian
        case "utf-16": .utf16
        case "iso-8859-2", "latin2": .isoLatin2
        case "windows-1250": .windowsCP1250
        case "windows-1251": .windowsCP1251
        case "windows-1253": .windowsCP1253
        case "windows-1254": .windowsCP1254
        default: nil
        }
    }
}
