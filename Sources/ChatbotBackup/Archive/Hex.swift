/// Lowercase hex of digests.
enum Hex {
    static func string(_ bytes: some Sequence<UInt8>) -> String {
        var text = ""
        for byte in bytes {
            let hex = String(byte, radix: 16)
            text += byte < 16 ? "0" + hex : hex
        }
        return text
    }
}
