import Foundation

/// The deliberately simple text matching of the in-memory stores, documented here so tests know
/// what they can rely on: no stemming and no BM25, only words and substrings.
enum InMemoryTextSearch {
    /// The lowercased words of `text`: runs of letters and digits.
    static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }

    /// Common English words left out of any-word chunk queries (the same list as the SQLite
    /// store's, which PostgreSQL's english configuration resembles).
    static let stopWords: Set<String> = [
        "a", "about", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for", "from", "how",
        "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or", "so", "that", "the",
        "their", "then", "there", "these", "they", "this", "to", "was", "we", "were", "what", "when", "where",
        "which", "who", "why", "will", "with", "you", "your",
    ]

    /// The ranges of `text` where any of `terms` occurs, case-insensitively, merged where they
    /// overlap, in order.
    static func occurrences(of terms: [String], in text: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        for term in terms where !term.isEmpty {
            var searchStart = text.startIndex
            while searchStart < text.endIndex,
                let found = text.range(of: term, options: [.caseInsensitive], range: searchStart..<text.endIndex)
            {
                ranges.append(found)
                searchStart = found.upperBound
            }
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var merged: [Range<String.Index>] = []
        for range in ranges {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// `text` with every range in `ranges` (sorted, disjoint) wrapped in `[` `]`.
    static func marked(_ text: String, _ ranges: [Range<String.Index>]) -> String {
        var result = ""
        var position = text.startIndex
        for range in ranges {
            result += text[position..<range.lowerBound]
            result += "[" + text[range] + "]"
            position = range.upperBound
        }
        result += text[position...]
        return result
    }
}
