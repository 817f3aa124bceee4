import ChatbotWeb
import Foundation

/// `chatbot-web-bench URL [--depth N] [--max-pages N] [--concurrency N] [--per-host N]`: one crawl
/// with ``Crawler`` (private networks allowed, no delay), then `PAGES BYTES SECONDS` on stdout.
/// It exists for `Scripts/bench/crawl`; links are found with a small regex (the real scraper uses
/// ChatbotHTML's extractor).
@main
struct WebBench {
    static func main() async {
        do {
            print(try await run(Array(CommandLine.arguments.dropFirst())))
        } catch {
            FileHandle.standardError.write(Data("chatbot-web-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ arguments: [String]) async throws -> String {
        var positional: [String] = []
        var options = CrawlOptions(seeds: [], maxDepth: 3, maxPages: 10_000, delay: .zero)
        options.fetchPolicy = FetchPolicy(allowPrivateNetworks: true)
        var iterator = arguments.makeIterator()
        func number(_ flag: String) throws -> Int {
            guard let value = iterator.next().flatMap(Int.init), value >= 0 else {
                throw UsageError(description: "\(flag) needs a number")
            }
            return value
        }
        while let argument = iterator.next() {
            switch argument {
            case "--depth": options.maxDepth = try number(argument)
            case "--max-pages": options.maxPages = try number(argument)
            case "--concurrency": options.concurrency = try number(argument)
            case "--per-host": options.perHostConcurrency = try number(argument)
            default: positional.append(argument)
            }
        }
        guard positional.count == 1, let seed = URL(string: positional[0]) else {
            throw UsageError(
                description: "usage: chatbot-web-bench URL [--depth N] [--max-pages N] [--concurrency N] [--per-host N]"
            )
        }
        options.seeds = [seed]
        let fetcher = WebFetcher()
        let clock = ContinuousClock()
        let start = clock.now
        var bytes = 0
        let summary: CrawlSummary
        do {
            summary = try await Crawler(fetcher: fetcher, options: options, extractLinks: extractLinks).run { event in
                if case .page(let page) = event.outcome { bytes += page.body.count }
            }
        } catch {
            await fetcher.shutdown()
            throw error
        }
        await fetcher.shutdown()
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return "\(summary.pages) \(bytes) \(String(format: "%.3f", seconds))"
    }

    private static let href = try? NSRegularExpression(pattern: ##"href\s*=\s*"([^"#]*)"##, options: [.caseInsensitive])

    @Sendable static func extractLinks(_ page: FetchedPage) -> ExtractedLinks {
        guard let href else { return ExtractedLinks(links: []) }
        let html = page.text
        let links = href.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { match in
            Range(match.range(at: 1), in: html).flatMap { URL(string: String(html[$0]), relativeTo: page.finalURL) }
        }
        return ExtractedLinks(links: links.map(\.absoluteURL))
    }
}
