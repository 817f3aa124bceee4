import ChatbotTestSupport
import Foundation
import Testing

/// `chatbot scrape URL`: the binary fetching and crawling a site served on loopback by the test.
@Suite("chatbot scrape on URLs")
struct ScrapeURLCommandTests {
    static func article(_ title: String, _ text: String, links: String = "") -> LocalTestSite.Response {
        .html(
            """
            <html><head><title>\(title)</title></head><body><nav><a href="/">Home</a> \(links)</nav>
            <article><h1>\(title)</h1><p>\(text) This sentence gives the article enough words to be the main \
            content of its page rather than a teaser.</p></article><footer>Copyright the site</footer></body></html>
            """)
    }

    static func buildSite(_ site: LocalTestSite) {
        site.route("/robots.txt", .text("User-agent: *\nDisallow: /private/\n"))
        site.route(
            "/", article("Front page", "Welcome.", links: #"<a href="/a">A</a> <a href="/private/p">P</a>"#))
        site.route("/a", article("Story A", "Alpha news.", links: #"<a href="/a/deep">Deeper</a>"#))
        site.route("/a/deep", article("Story deep", "Too deep for depth 1."))
        site.route("/private/p", article("Private", "Disallowed by robots."))
        site.route("/moved", .redirect(to: "/a"))
        site.route("/pdf", .bytes(Array("%PDF-1.4".utf8), headers: [("content-type", "application/pdf")]))
    }

    @Test("a loopback URL is refused (exit 64) without --allow-private, also spelled as a number; nothing is fetched")
    func refusesLoopback() async throws {
        try await LocalTestSite.withRunning { site, base in
            Self.buildSite(site)
            let port = try #require(URL(string: base)?.port)
            try await CLISandbox.with { sandbox in
                for url in ["\(base)/", "http://2130706433:\(port)/", "http://0x7f.1:\(port)/"] {
                    let result = try await sandbox.run("scrape", url)
                    #expect(result.exitCode == 64, "\(url): \(result)")
                    #expect(result.stderr.contains("loopback"), "\(result)")
                    #expect(result.stderr.contains("--allow-private"))
                }
            }
            #expect(site.requests.isEmpty)
        }
    }

    @Test("one URL: redirect followed, NDJSON with url, final_url, status and the extracted article")
    func onePage() async throws {
        try await LocalTestSite.withRunning { site, base in
            Self.buildSite(site)
            try await CLISandbox.with { sandbox in
                let result = try await sandbox.run("scrape", "--allow-private", "--format", "ndjson", "\(base)/moved")
                #expect(result.exitCode == 0, "\(result)")
                let lines = result.stdout.split(separator: "\n")
                #expect(lines.count == 1)
                let object = try #require(
                    try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
                #expect(object["url"] as? String == "\(base)/moved")
                #expect(object["final_url"] as? String == "\(base)/a")
                #expect(object["status"] as? Int == 200)
                #expect(object["title"] as? String == "Story A")
                #expect((object["content"] as? String)?.contains("Alpha news.") == true)
                #expect((object["content"] as? String)?.contains("Copyright") == false)
                let agent = site.requests(for: "/moved").first?.headers["user-agent"] ?? ""
                #expect(agent.hasPrefix("chatbot/"), "\(agent)")
            }
        }
    }

    @Test("--depth 1 crawls within robots.txt; a disallowed or non-HTML seed fails the run, the rest print (exit 2)")
    func crawl() async throws {
        try await LocalTestSite.withRunning { site, base in
            Self.buildSite(site)
            try await CLISandbox.with { sandbox in
                let result = try await sandbox.run(
                    "scrape", "--allow-private", "--depth", "1", "--delay", "0", "--format", "ndjson", "\(base)/")
                #expect(result.exitCode == 0, "\(result)")
                let titles = result.stdout.split(separator: "\n").compactMap {
                    (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["title"] as? String
                }
                #expect(Set(titles) == ["Front page", "Story A"])
                #expect(site.requests(for: "/private/p").isEmpty)
                #expect(site.requests(for: "/a/deep").isEmpty)
                #expect(result.stderr.contains("disallowed by robots.txt"))

                let mixed = try await sandbox.run(
                    "scrape", "--allow-private", "--delay", "0", "\(base)/a", "\(base)/private/p", "\(base)/pdf")
                #expect(mixed.exitCode == 2, "\(mixed)")
                #expect(mixed.stdout.contains("# Story A"))
                #expect(mixed.stderr.contains("not an HTML page (application/pdf)"))
                #expect(mixed.stderr.contains("2 of 3 pages could not be extracted"), "\(mixed)")
            }
        }
    }
}
