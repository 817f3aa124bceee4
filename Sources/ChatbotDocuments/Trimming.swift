extension StringProtocol {
    /// The text without leading and trailing white space (Unicode White_Space, newlines included),
    /// by Unicode scalars: much cheaper than Foundation's `trimmingCharacters(in:)`, which bridges
    /// through NSString and UTF-16 — the chunker trims every block and sentence.
    var trimmedWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(self[first...last])
    }

    /// Whether the text is empty or white space only.
    var isBlank: Bool { unicodeScalars.allSatisfy(\.properties.isWhitespace) }
}
