import ChatbotHTML
import Testing

@Suite("Shingle scorer (the corpus metric)")
struct ShingleScorerTests {
    let scorer = ShingleScorer()

    @Test("tokens are runs of Unicode letters, digits and underscore")
    func tokens() {
        #expect(scorer.tokens("Ünïcode-text, 42_x; 東京!") == ["Ünïcode", "text", "42_x", "東京"])
        #expect(scorer.tokens("  ...  ").isEmpty)
    }

    @Test("identical texts score 1; disjoint texts score 0")
    func extremes() {
        let text = "one two three four five six"
        let same = scorer.score(extracted: text, expected: text)
        #expect(same.precision == 1 && same.recall == 1)
        let disjoint = scorer.score(extracted: "a b c d e", expected: "v w x y z")
        #expect(disjoint.precision == 0 && disjoint.recall == 0)
    }

    @Test("counts are multisets, normalised per page")
    func counts() {
        // expected: 3 shingles (a b c d, b c d e, c d e f); extracted: 2 shared + 1 extra + a duplicate.
        let score = scorer.score(extracted: "a b c d e   x y z w   a b c d", expected: "a b c d e f")
        // extracted shingles: abcd, bcde, cdex, dexy, exyz, xyzw, yzwa, zwab, wabc, abcd → TP 2 (abcd once,
        // bcde), FP 8, FN 1 (cdef).
        #expect(score.truePositives == 2.0 / 11)
        #expect(score.falsePositives == 8.0 / 11)
        #expect(score.falseNegatives == 1.0 / 11)
    }

    @Test("precision is averaged over pages that produced text, recall over pages that expected text")
    func summary() {
        let pages = [
            scorer.score(extracted: "", expected: "a b c d e"),  // nothing produced: recall 0, no precision
            scorer.score(extracted: "a b c d e", expected: "a b c d e"),
        ]
        let summary = scorer.summarize(pages)
        #expect(summary.precision == 1)
        #expect(summary.recall == 0.5)
        #expect(abs(summary.f1 - 2.0 / 3) < 1e-12)
    }
}
