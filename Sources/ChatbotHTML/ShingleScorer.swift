/// The article-extraction metric of the benchmark corpus: texts are split into word tokens (runs of
/// Unicode letters, digits and underscore), turned into 4-token shingles and compared as multisets.
public struct ShingleScorer: Sendable {
    /// One page's counts, normalised so that they add up to 1.
    public struct PageScore: Sendable, Hashable {
        /// Shingles both texts share.
        public var truePositives: Double
        /// Shingles only the extracted text has.
        public var falsePositives: Double
        /// Shingles only the expected text has.
        public var falseNegatives: Double

        /// Precision of the page, or `nil` when nothing was extracted.
        public var precision: Double? {
            truePositives + falsePositives > 0 ? truePositives / (truePositives + falsePositives) : nil
        }

        /// Recall of the page, or `nil` when nothing was expected.
        public var recall: Double? {
            truePositives + falseNegatives > 0 ? truePositives / (truePositives + falseNegatives) : nil
        }
    }

    /// The corpus-level result.
    public struct Summary: Sendable, Hashable {
        /// Mean precision over pages that produced anything.
        public var precision: Double
        /// Mean recall over pages that expected anything.
        public var recall: Double
        /// Pages scored.
        public var pages: Int

        /// The harmonic mean of precision and recall.
        public var f1: Double {
            precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        }
    }

    /// Shingle length in tokens.
    public let shingleLength: Int

    /// Creates a scorer.
    public init(shingleLength: Int = 4) {
        self.shingleLength = shingleLength
    }

    /// The word tokens of `text`: maximal runs of Unicode letters, digits and underscore.
    public func tokens(_ text: String) -> [Substring] {
        var result: [Substring] = []
        var start: String.Index?
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let isWord =
                character == "_" || character.unicodeScalars.contains { $0.properties.isAlphabetic }
                || character.isNumber
            if isWord {
                if start == nil { start = index }
            } else if let begin = start {
                result.append(text[begin..<index])
                start = nil
            }
            index = text.index(after: index)
        }
        if let begin = start { result.append(text[begin..<text.endIndex]) }
        return result
    }

    /// The shingle multiset of `text` (a text shorter than one shingle is one shingle).
    public func shingles(_ text: String) -> [String: Int] {
        let words = tokens(text)
        var counts: [String: Int] = [:]
        guard !words.isEmpty else { return counts }
        if words.count < shingleLength {
            counts[words.joined(separator: " "), default: 0] += 1
            return counts
        }
        for start in 0...(words.count - shingleLength) {
            counts[words[start..<(start + shingleLength)].joined(separator: " "), default: 0] += 1
        }
        return counts
    }

    /// Scores one page.
    public func score(extracted: String, expected: String) -> PageScore {
        let got = shingles(extracted)
        let want = shingles(expected)
        var truePositives = 0
        var falsePositives = 0
        for (shingle, count) in got {
            let shared = min(count, want[shingle] ?? 0)
            truePositives += shared
            falsePositives += count - shared
        }
        let falseNegatives = want.values.reduce(0, +) - truePositives
        let total = Double(truePositives + falsePositives + falseNegatives)
        guard total > 0 else { return PageScore(truePositives: 0, falsePositives: 0, falseNegatives: 0) }
        return PageScore(
            truePositives: Double(truePositives) / total, falsePositives: Double(falsePositives) / total,
            falseNegatives: Double(falseNegatives) / total)
    }

    /// Precision, recall and F1 over pages.
    public func summarize(_ pages: [PageScore]) -> Summary {
        let precisions = pages.compactMap(\.precision)
        let recalls = pages.compactMap(\.recall)
        let precision = precisions.isEmpty ? 0 : precisions.reduce(0, +) / Double(precisions.count)
        let recall = recalls.isEmpty ? 0 : recalls.reduce(0, +) / Double(recalls.count)
        return Summary(precision: precision, recall: recall, pages: pages.count)
    }
}
