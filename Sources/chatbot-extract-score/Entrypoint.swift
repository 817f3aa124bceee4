import ChatbotHTML
import Foundation

/// `chatbot-extract-score`: scores extracted article texts against the corpus ground truth with
/// ``ShingleScorer`` (the corpus README's metric), so chatbot and its peers are judged alike.
///
///     chatbot-extract-score --ground-truth ground-truth.json --texts DIR      # DIR/<id>.txt
///     chatbot-extract-score --ground-truth ground-truth.json --ndjson FILE    # chatbot scrape --format ndjson
///     chatbot-extract-score --ground-truth ground-truth.json --extract DIR    # DIR/<id>.html, extracted here
///
/// `--dump DIR` writes the texts scored to DIR/<id>.txt. Add `--pages` to list per-page precision and recall, worst first.
@main
struct Entrypoint {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        func value(_ flag: String) -> String? {
            guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
            let found = arguments[index + 1]
            arguments.removeSubrange(index...(index + 1))
            return found
        }
        let listPages = arguments.contains("--pages")
        guard let truthPath = value("--ground-truth") else { fail("missing --ground-truth FILE") }
        let texts = value("--texts")
        let ndjson = value("--ndjson")
        let extract = value("--extract")
        let label = value("--label") ?? "extractor"
        let dump = value("--dump")

        guard let truthData = FileManager.default.contents(atPath: truthPath),
            let truth = try? JSONSerialization.jsonObject(with: truthData) as? [String: [String: Any]]
        else { fail("\(truthPath): cannot read the ground truth (expected a JSON object of id → {articleBody})") }

        var extracted: [String: String] = [:]
        if let texts {
            for id in truth.keys {
                if let data = FileManager.default.contents(atPath: texts + "/" + id + ".txt") {
                    extracted[id] = String(decoding: data, as: UTF8.self)
                }
            }
        } else if let ndjson {
            guard let data = FileManager.default.contents(atPath: ndjson) else { fail("\(ndjson): cannot read") }
            for line in data.split(separator: UInt8(ascii: "\n")) {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                    let source = object["source"] as? String
                else { continue }
                let id = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
                extracted[id] = object["text"] as? String ?? object["content"] as? String ?? ""
            }
        } else if let extract {
            let extractor = HTMLExtractor()
            for (id, entry) in truth {
                guard let data = FileManager.default.contents(atPath: extract + "/" + id + ".html") else { continue }
                let base = (entry["url"] as? String).flatMap(URL.init(string:))
                extracted[id] = (try? extractor.extract(data: data, baseURL: base, source: id))?.text ?? ""
            }
        } else {
            fail("give --texts DIR, --ndjson FILE or --extract DIR")
        }

        if let dump {
            for (id, text) in extracted {
                _ = FileManager.default.createFile(atPath: dump + "/" + id + ".txt", contents: Data(text.utf8))
            }
        }
        let scorer = ShingleScorer()
        var scores: [(String, ShingleScorer.PageScore)] = []
        for (id, entry) in truth.sorted(by: { $0.key < $1.key }) {
            let expected = entry["articleBody"] as? String ?? ""
            scores.append((id, scorer.score(extracted: extracted[id] ?? "", expected: expected)))
        }
        let summary = scorer.summarize(scores.map(\.1))
        if listPages {
            for (id, score) in scores.sorted(by: { f1($0.1) < f1($1.1) }) {
                print(
                    String(
                        format: "%@  P=%.3f R=%.3f F1=%.3f", String(id.prefix(12)), score.precision ?? -1,
                        score.recall ?? -1, f1(score)))
            }
        }
        print(
            String(
                format: "%@: pages=%d precision=%.4f recall=%.4f f1=%.4f", label, summary.pages, summary.precision,
                summary.recall, summary.f1))
    }

    static func f1(_ score: ShingleScorer.PageScore) -> Double {
        let p = score.precision ?? 0
        let r = score.recall ?? 0
        return p + r > 0 ? 2 * p * r / (p + r) : 0
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("chatbot-extract-score: \(message)\n".utf8))
        exit(64)
    }
}
