import Testing

@testable import ChatbotWeb

@Suite("robots.txt (RFC 9309)")
struct RobotsRulesTests {
    /// The example file of RFC 9309 §5.1.
    static let rfcExample = """
        User-Agent: *
        Disallow: *.gif$
        Disallow: /example/
        Allow: /publications/

        User-Agent: foobot
        Disallow:/
        Allow:/example/page.html
        Allow:/example/allowed.gif

        User-Agent: barbot
        User-Agent: bazbot
        Disallow: /example/page.html

        User-Agent: quxbot

        EOF
        """

    @Test("RFC 9309 §5.1: groups, merged user agents, * fallback, empty group")
    func rfcExample() {
        let rules = RobotsRules(parsing: Self.rfcExample)
        // foobot: its own group only.
        #expect(rules.isAllowed("/example/page.html", userAgent: "foobot"))
        #expect(rules.isAllowed("/example/allowed.gif", userAgent: "foobot"))
        #expect(!rules.isAllowed("/example/other.html", userAgent: "foobot"))
        #expect(!rules.isAllowed("/", userAgent: "FooBot"))
        // barbot and bazbot share a group.
        #expect(!rules.isAllowed("/example/page.html", userAgent: "barbot"))
        #expect(!rules.isAllowed("/example/page.html", userAgent: "bazbot"))
        #expect(rules.isAllowed("/example/other.html", userAgent: "bazbot"))
        // quxbot: a group with no rules allows everything.
        #expect(rules.isAllowed("/example/page.html", userAgent: "quxbot"))
        // Anyone else falls back to *.
        #expect(!rules.isAllowed("/example/x", userAgent: "chatbot"))
        #expect(!rules.isAllowed("/a/picture.gif", userAgent: "chatbot"))
        #expect(rules.isAllowed("/a/picture.gif?size=1", userAgent: "chatbot"))
        #expect(rules.isAllowed("/publications/a", userAgent: "chatbot"))
    }

    @Test("RFC 9309 §2.2.2 / §5.2: longest match wins, allow wins ties")
    func longestMatch() {
        let rules = RobotsRules(
            parsing: """
                User-agent: *
                Allow: /example/page/
                Disallow: /example/page/disallowed.gif
                Allow: /tie
                Disallow: /tie
                Disallow: /folder
                Allow: /folder/public
                """)
        #expect(rules.isAllowed("/example/page/"))
        #expect(rules.isAllowed("/example/page/other.gif"))
        #expect(!rules.isAllowed("/example/page/disallowed.gif"))
        #expect(rules.isAllowed("/tie"))
        #expect(!rules.isAllowed("/folder/private"))
        #expect(rules.isAllowed("/folder/public/x"))
    }

    @Test(
        "wildcards * and $",
        arguments: [
            ("/fish", "/fish", true), ("/fish", "/fish.html", true), ("/fish", "/fishheads/yummy.html", true),
            ("/fish", "/Fish.asp", false), ("/fish", "/catfish", false), ("/fish*", "/fish.php?id=1", true),
            ("/fish/", "/fish", false), ("/fish/", "/fish/salmon.htm", true),
            ("/*.php", "/folder/filename.php?x", true),
            ("/*.php", "/windows.PHP", false), ("/*.php$", "/filename.php", true),
            ("/*.php$", "/filename.php?x", false),
            ("/*.php$", "/filename.php5", false), ("/fish*.php", "/fishheads/catfish.php?p", true),
            ("/fish*.php", "/Fish.PHP", false), ("*", "/anything", true), ("/", "/", true),
            ("/a*b*c$", "/axxbyyc", true),
            ("/a*b*c$", "/axxbyycd", false), ("/$", "/", true), ("/$", "/x", false),
        ] as [(String, String, Bool)])
    func wildcards(_ pattern: String, _ path: String, _ expected: Bool) {
        #expect(RobotsRules.matches(RobotsRules.normalizePath(pattern), RobotsRules.normalizePath(path)) == expected)
    }

    @Test("percent-encoding is normalised on both sides")
    func percentEncoding() {
        let rules = RobotsRules(
            parsing: """
                User-agent: *
                Disallow: /foo/bar?baz=quz
                Disallow: /%7Etilde
                Disallow: /ünicode
                Disallow: /a%2fb
                """)
        #expect(!rules.isAllowed("/foo/bar?baz=quz"))
        #expect(!rules.isAllowed("/~tilde"))
        #expect(!rules.isAllowed("/%7etilde"))
        #expect(!rules.isAllowed("/%C3%BCnicode"))
        #expect(!rules.isAllowed("/a%2Fb"))
        #expect(rules.isAllowed("/a/b"))
    }

    @Test("crawl-delay, sitemaps, comments, odd spacing and junk lines")
    func extras() {
        let rules = RobotsRules(
            parsing: """
                # comment
                Sitemap: https://example.com/sitemap.xml
                user-agent: chatbot/1.0 # our group
                crawl-delay: 2.5
                disallow: /private   # trailing comment
                this line is junk
                disallow

                User-agent: *
                Crawl-delay: 10
                Disallow: /
                """)
        #expect(rules.crawlDelay(userAgent: "chatbot") == 2.5)
        #expect(rules.crawlDelay(userAgent: "otherbot") == 10)
        #expect(rules.sitemaps == ["https://example.com/sitemap.xml"])
        #expect(!rules.isAllowed("/private/x"))
        #expect(rules.isAllowed("/public"))
        #expect(!rules.isAllowed("/public", userAgent: "otherbot"))
        #expect(rules.isAllowed("/robots.txt", userAgent: "otherbot"))
    }

    @Test("groups naming the same agent twice are merged")
    func mergedGroups() {
        let rules = RobotsRules(
            parsing: """
                User-agent: chatbot
                Disallow: /a

                User-agent: other
                Disallow: /

                User-agent: chatbot
                Disallow: /b
                """)
        #expect(!rules.isAllowed("/a"))
        #expect(!rules.isAllowed("/b"))
        #expect(rules.isAllowed("/c"))
    }

    @Test("allow-all and disallow-all")
    func fixedRules() {
        #expect(RobotsRules.allowAll.isAllowed("/anything"))
        #expect(!RobotsRules.disallowAll.isAllowed("/anything"))
        #expect(RobotsRules(parsing: "").isAllowed("/x"))
    }
}

@Suite("hostile robots.txt and sitemap input")
struct HostileInputTests {
    @Test("binary junk, a pattern of ten thousand wildcards and a megabyte line are handled")
    func hostileRobots() {
        let junk = String(decoding: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }, as: UTF8.self)
        let wildcards = "User-agent: *\nDisallow: /" + String(repeating: "*a", count: 10_000) + "$\n"
        let longLine = "User-agent: *\nDisallow: /" + String(repeating: "x", count: 1_000_000) + "\n"
        #expect(RobotsRules(parsing: junk).isAllowed("/anything"))
        let wild = RobotsRules(parsing: wildcards)
        #expect(!wild.isAllowed("/" + String(repeating: "a", count: 10_000)))
        #expect(wild.isAllowed("/" + String(repeating: "a", count: 9_999) + "b"))
        #expect(RobotsRules(parsing: longLine).isAllowed("/x"))
    }

    @Test("truncated and malformed sitemaps do not crash")
    func hostileSitemaps() throws {
        for text in [
            "loc><urlset>", "<urlset><loc>https://a.example/", "<urlset><url><loc></loc></url>", "<urlset>&#xFFFFFFFF;",
            "<urlset><loc>&#x110000;</loc>", "<urlset><loc>&amp</loc>", "<sitemapindex><loc><![CDATA[</loc>",
        ] {
            let sitemap = try Sitemap(parsing: Array(text.utf8), source: "hostile")
            #expect(sitemap.locations.count <= 1)
        }
    }
}
