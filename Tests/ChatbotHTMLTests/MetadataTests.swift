import ChatbotHTML
import Foundation
import Testing

@Suite("Metadata and links")
struct MetadataTests {
    func document(_ html: String) throws -> HTMLDocument {
        try HTMLDocument(data: Data(html.utf8))
    }

    let base = URL(string: "https://news.example/world/story.html")!

    @Test("meta tags and <title>")
    func metaTags() throws {
        let doc = try document(
            """
            <html lang="de-AT"><head><title> Plain   title </title>
            <meta name="author" content="Ada Example"><meta name="description" content="What happened.">
            <meta name="date" content="2024-03-01"><link rel="canonical" href="/world/story">
            </head><body></body></html>
            """)
        let meta = MetadataExtractor.metadata(of: doc, baseURL: base)
        #expect(meta.title == "Plain title")
        #expect(meta.author == "Ada Example")
        #expect(meta.description == "What happened.")
        #expect(meta.date == "2024-03-01")
        #expect(meta.language == "de-AT")
        #expect(meta.canonicalURL == "https://news.example/world/story")
    }

    @Test("OpenGraph wins over <title>; article:published_time gives the date")
    func openGraph() throws {
        let doc = try document(
            """
            <html><head><title>Story | Site</title><meta property="og:title" content="Story">
            <meta property="og:site_name" content="The Site"><meta property="og:url" content="https://news.example/s">
            <meta property="og:image" content="/img/a.jpg"><meta property="og:locale" content="en_GB">
            <meta property="article:published_time" content="2024-02-02T10:00:00Z"></head><body></body></html>
            """)
        let meta = MetadataExtractor.metadata(of: doc, baseURL: base)
        #expect(meta.title == "Story")
        #expect(meta.siteName == "The Site")
        #expect(meta.canonicalURL == "https://news.example/s")
        #expect(meta.image == "https://news.example/img/a.jpg")
        #expect(meta.language == "en-GB")
        #expect(meta.date == "2024-02-02T10:00:00Z")
    }

    @Test("JSON-LD with an @graph array: headline, authors, dates, publisher, language")
    func jsonLDGraph() throws {
        let doc = try document(
            """
            <html><head><script type="application/ld+json">
            {"@context":"https://schema.org","@graph":[
              {"@type":"WebSite","name":"Graph Site","url":"https://news.example/"},
              {"@type":["NewsArticle"],"headline":"Graph headline","datePublished":"2023-12-24T08:00:00+01:00",
               "dateModified":"2023-12-25","author":[{"@type":"Person","name":"Ann One"},{"@type":"Person","name":"Bob Two"}],
               "publisher":{"@type":"Organization","name":"Graph Publisher"},"inLanguage":"fr",
               "description":"Graph description","url":"https://news.example/graph"}]}
            </script><script type="application/ld+json">{ not json</script></head><body><p>x</p></body></html>
            """)
        let meta = MetadataExtractor.metadata(of: doc, baseURL: base)
        #expect(meta.title == "Graph headline")
        #expect(meta.author == "Ann One, Bob Two")
        #expect(meta.date == "2023-12-24T08:00:00+01:00")
        #expect(meta.siteName == "Graph Publisher")
        #expect(meta.language == "fr")
        #expect(meta.description == "Graph description")
        #expect(meta.canonicalURL == "https://news.example/graph")
    }

    @Test("a <time datetime> is the date of last resort")
    func timeElement() throws {
        let doc = try document(#"<html><body><p>Posted <time datetime="2022-05-06">May 6</time></p></body></html>"#)
        #expect(MetadataExtractor.metadata(of: doc).date == "2022-05-06")
    }

    @Test("links resolve against the base URL, <base href> first; scripts, fragments and duplicates are left out")
    func links() throws {
        let doc = try document(
            """
            <html><body><a href="other.html">Other</a> <a href="/root">Root</a> <a href="#top">Top</a>
            <a href="javascript:void(0)">JS</a> <a href="https://elsewhere.example/x" rel="nofollow sponsored">Ext</a>
            <a href="other.html">Other again</a> <a href="mailto:desk@news.example">Mail</a></body></html>
            """)
        let links = LinkExtractor.links(in: doc, baseURL: base)
        #expect(
            links.map(\.url) == [
                "https://news.example/world/other.html", "https://news.example/root", "https://elsewhere.example/x",
                "mailto:desk@news.example",
            ])
        #expect(links[0].text == "Other")
        #expect(links[2].nofollow)
        #expect(!links[0].nofollow)

        let withBase = try document(
            #"<html><head><base href="https://cdn.example/dir/"></head><body><a href="p">P</a></body></html>"#)
        #expect(LinkExtractor.links(in: withBase, baseURL: base).map(\.url) == ["https://cdn.example/dir/p"])
    }

    @Test("the canonical link is resolved")
    func canonical() throws {
        let doc = try document(#"<html><head><link rel="canonical" href="../a?b=1"></head></html>"#)
        #expect(LinkExtractor.canonicalURL(of: doc, baseURL: base)?.absoluteString == "https://news.example/a?b=1")
    }
}
