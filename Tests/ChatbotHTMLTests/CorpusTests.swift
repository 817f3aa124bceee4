import ChatbotHTML
import Foundation
import Testing

/// Scores the extractor on the article-extraction corpus (181 real pages with ground truth).
@Suite("Article-extraction corpus")
struct CorpusTests {
    /// The F1 this extractor reached when the floor was set (see docs/drafts/extract.md); the test
    /// fails if a change makes it drop below.
    static let f1Floor = 0.96

    /// `CHATBOT_CORPORA_DIR`, else `<package>/../shared/corpora`, else `/work/shared/corpora`.
    static var corpusDirectory: URL? {
        var candidates: [URL] = []
        if let dir = ProcessInfo.processInfo.environment["CHATBOT_CORPORA_DIR"], !dir.isEmpty {
            candidates.append(URL(fileURLWithPath: dir))
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora"))
        candidates.append(URL(fileURLWithPath: "/work/shared/corpora"))
        return candidates.map { $0.appendingPathComponent("article-extraction") }.first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("ground-truth.json").path)
        }
    }

    /// Decompresses a `.gz` file with the `gzip` tool.
    static func gunzip(_ url: URL) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", url.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CorpusError(message: "gzip -dc \(url.path) failed") }
        return data
    }

    struct CorpusError: Error { var message: String }

    @Test("F1 on the corpus stays above the floor", .enabled(if: corpusDirectory != nil, "corpus not found"))
    func corpusF1() throws {
        let directory = try #require(Self.corpusDirectory)
        let truthData = try Data(contentsOf: directory.appendingPathComponent("ground-truth.json"))
        let truth = try #require(try JSONSerialization.jsonObject(with: truthData) as? [String: [String: Any]])
        #expect(truth.count == 181)
        let extractor = HTMLExtractor()
        let scorer = ShingleScorer()
        var scores: [ShingleScorer.PageScore] = []
        for (id, entry) in truth {
            let html = try Self.gunzip(directory.appendingPathComponent("html/\(id).html.gz"))
            let base = (entry["url"] as? String).flatMap(URL.init(string:))
            let page = try extractor.extract(data: html, baseURL: base, source: id)
            scores.append(scorer.score(extracted: page.text, expected: entry["articleBody"] as? String ?? ""))
        }
        let summary = scorer.summarize(scores)
        print(
            String(
                format: "article-extraction corpus: pages=%d precision=%.4f recall=%.4f F1=%.4f", summary.pages,
                summary.precision, summary.recall, summary.f1))
        #expect(summary.pages == 181)
        #expect(summary.f1 >= Self.f1Floor, "F1 \(summary.f1) fell below \(Self.f1Floor)")
    }
}
