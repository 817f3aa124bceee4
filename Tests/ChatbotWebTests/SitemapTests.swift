import ChatbotCore
import Foundation
import Testing

@testable import ChatbotWeb

@Suite("sitemap parsing")
struct SitemapTests {
    @Test("urlset with entities, CDATA and a namespace prefix")
    func urlSet() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
              <sm:url><sm:loc>https://example.com/a?x=1&amp;y=2</sm:loc><sm:lastmod>2026-01-01</sm:lastmod></sm:url>
              <sm:url><sm:loc><![CDATA[https://example.com/b]]></sm:loc></sm:url>
              <sm:url><sm:loc>&xxe;</sm:loc></sm:url>
              <sm:url><sm:loc>ftp://example.com/c</sm:loc></sm:url>
            </sm:urlset>
            """
        let sitemap = try Sitemap(parsing: Array(xml.utf8), source: "test")
        #expect(sitemap.kind == .urlSet)
        #expect(sitemap.locations.map(\.absoluteString) == ["https://example.com/a?x=1&y=2", "https://example.com/b"])
    }

    @Test("sitemap index, gzipped")
    func gzippedIndex() throws {
        let xml = """
            <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <sitemap><loc>https://example.com/one.xml</loc></sitemap>
              <sitemap><loc> https://example.com/two.xml.gz </loc></sitemap>
            </sitemapindex>
            """
        let sitemap = try Sitemap(parsing: try Fixtures.gzip(Array(xml.utf8)), source: "index.xml.gz")
        #expect(sitemap.kind == .index)
        #expect(
            sitemap.locations.map(\.absoluteString) == [
                "https://example.com/one.xml", "https://example.com/two.xml.gz",
            ])
    }

    @Test("not a sitemap, and a gzip bomb, are clear errors")
    func errors() throws {
        let notSitemap = #expect(throws: ChatbotError.self) {
            try Sitemap(parsing: Array("<html></html>".utf8), source: "page.html")
        }
        #expect(notSitemap?.message.contains("page.html is not a sitemap") == true)
        let bomb = try Fixtures.gzipBomb(megabytes: 16)
        let tooLarge = #expect(throws: ChatbotError.self) {
            try Sitemap(parsing: bomb, source: "bomb.xml.gz", maxBytes: 1024 * 1024)
        }
        #expect(tooLarge?.message.contains("bomb.xml.gz") == true)
    }
}
