import ChatbotHTML
import Foundation
import Testing

@Suite("Main-content extraction")
struct ContentExtractionTests {
    let extractor = HTMLExtractor()

    func extract(_ html: String, base: String? = "https://news.example/2024/flood.html") throws -> ExtractedPage {
        try extractor.extract(data: Data(html.utf8), baseURL: base.flatMap(URL.init(string:)))
    }

    @Test("keeps every article paragraph and drops the page's boilerplate")
    func articleWithBoilerplate() throws {
        let page = try extract(PageFixture.page(article: PageFixture.articleParagraphs))
        for paragraph in PageFixture.paragraphs { #expect(page.text.contains(paragraph)) }
        for boilerplate in [
            "Your town, every day", "Sport", "Share this story", "fifty years", "county fair", "Copyright",
            "We use cookies",
        ] {
            #expect(!page.text.contains(boilerplate), "kept boilerplate: \(boilerplate)")
        }
    }

    @Test("the title heading is reported as the title, not repeated in the content")
    func titleHeading() throws {
        let page = try extract(PageFixture.page(article: PageFixture.articleParagraphs))
        #expect(page.title == "Flood closes coast road | Valley News")
        #expect(!page.text.contains("Flood closes coast road"))
    }

    @Test(
        "each pruning rule drops its block inside the article",
        arguments: [
            ("nav", #"<nav><p>Skip to the next story in this section of the site please</p></nav>"#),
            ("footer", #"<footer><p>Filed under weather and published by the newsroom staff writers</p></footer>"#),
            ("aside", #"<aside><p>Related reading about an unrelated flood in another country entirely</p></aside>"#),
            ("hidden", #"<div hidden><p>A hidden paragraph that no reader can ever see on the page</p></div>"#),
            ("style", #"<div style="display: none"><p>Invisible text styled away from every reader's view</p></div>"#),
            ("role", #"<div role="navigation"><p>Previous article and next article links for the section</p></div>"#),
            (
                "comments",
                #"<div class="comments-area"><p>Great article, thanks for writing it, I shared it widely</p></div>"#
            ),
            (
                "cookie",
                #"<div class="cookie-notice"><p>This site uses cookies to remember your settings for later</p></div>"#
            ),
            (
                "share",
                #"<div class="social-share"><p>Share on the networks and tell your friends about this story</p></div>"#
            ),
            (
                "ad",
                #"<div class="advertisement"><p>Buy the new car now with zero percent finance for six years</p></div>"#
            ),
            (
                "caption",
                #"<figure><img src="a.jpg"><figcaption>The flooded market square photographed from the church tower</figcaption></figure>"#
            ),
            ("form", #"<form><p>Sign up to our newsletter for the best stories every morning of the week</p></form>"#),
        ])
    func pruningRule(name: String, block: String) throws {
        let article = PageFixture.articleParagraphs.replacingOccurrences(
            of: "</p>\n<p>Engineers", with: "</p>\n\(block)\n<p>Engineers")
        let page = try extract(PageFixture.page(article: article))
        // The block's sentence: the text between its innermost tags.
        let sentence = try #require(
            block.components(separatedBy: ">").compactMap { $0.components(separatedBy: "<").first }.max {
                $0.count < $1.count
            })
        #expect(sentence.count > 30)
        #expect(!page.text.contains(sentence), "\(name): kept \(sentence)")
        for paragraph in PageFixture.paragraphs { #expect(page.text.contains(paragraph), "\(name) lost article text") }
    }

    @Test("a mislabelled container holding the article is kept")
    func mislabelledArticle() throws {
        let html = """
            <html><body><div class="sidebar-layout"><div class="related">\(PageFixture.articleParagraphs)</div></div>
            <nav><a href="/a">A</a></nav></body></html>
            """
        let page = try extract(html)
        for paragraph in PageFixture.paragraphs { #expect(page.text.contains(paragraph)) }
    }

    @Test("link-heavy blocks inside the article are dropped")
    func linkList() throws {
        let links = (1...6).map {
            #"<li><a href="/story/\#($0)">Another headline number \#($0) from the archive</a></li>"#
        }
        let article = PageFixture.articleParagraphs + "<ul>" + links.joined() + "</ul>"
        let page = try extract(PageFixture.page(article: article))
        #expect(!page.text.contains("Another headline"))
        #expect(page.text.contains(PageFixture.paragraphs[3]))
    }

    @Test("headings, nested lists, emphasis, links and code become Markdown")
    func markdownStructure() throws {
        let article = """
            \(PageFixture.articleParagraphs)
            <h2>What to do</h2>
            <p>Read the <a href="/advice">official <strong>advice</strong></a> and stay <em>calm</em>, use <code>112</code>.</p>
            <ul><li>Move valuables upstairs<ul><li>Documents first</li></ul></li><li>Turn off the gas</li></ul>
            <ol start="3"><li>Third step</li><li>Fourth step</li></ol>
            <pre><code class="language-bash">curl https://flood.example/levels
            echo done</code></pre>
            <blockquote><p>We will rebuild the embankment before the spring rains, said the mayor.</p></blockquote>
            """
        let page = try extract(PageFixture.page(article: article))
        let markdown = page.markdown
        #expect(markdown.contains("## What to do"))
        #expect(
            markdown.contains(
                "Read the [official **advice**](https://news.example/advice) and stay *calm*, use `112`."))
        #expect(markdown.contains("- Move valuables upstairs\n  - Documents first\n- Turn off the gas"))
        #expect(markdown.contains("3. Third step\n4. Fourth step"))
        #expect(markdown.contains("```bash\ncurl https://flood.example/levels\necho done\n```"))
        #expect(markdown.contains("> We will rebuild the embankment before the spring rains, said the mayor."))
        // Plain text carries the words without Markdown syntax.
        #expect(page.text.contains("Read the official advice and stay calm, use 112."))
        #expect(!page.text.contains("**"))
        #expect(!page.text.contains("]("))
    }

    @Test("a data table becomes a Markdown table; a layout table does not")
    func tables() throws {
        let table = """
            <table><thead><tr><th>Station</th><th>Level (m)</th></tr></thead>
            <tbody><tr><td>Upper weir</td><td>4.2</td></tr><tr><td>Old | bridge</td><td>3.9</td></tr></tbody></table>
            """
        let page = try extract(PageFixture.page(article: PageFixture.articleParagraphs + table))
        #expect(
            page.markdown.contains(
                "| Station | Level (m) |\n| --- | --- |\n| Upper weir | 4.2 |\n| Old \\| bridge | 3.9 |"))
        #expect(page.text.contains("Upper weir\t4.2"))

        let layout = "<table><tr><td>\(PageFixture.articleParagraphs)</td></tr></table>"
        let layoutPage = try extract("<html><body>\(layout)</body></html>")
        #expect(!layoutPage.markdown.contains("| ---"))
        #expect(layoutPage.markdown.contains(PageFixture.paragraphs[0] + "\n\n" + PageFixture.paragraphs[1]))
    }

    @Test("broken markup is repaired: unclosed tags, stray end tags, missing html and body")
    func brokenHTML() throws {
        let html =
            "<title>Broken</title><div><p>\(PageFixture.paragraphs[0])<p>\(PageFixture.paragraphs[1])</span></b>"
            + "<div><p>\(PageFixture.paragraphs[2]) &amp; more &copy; <unknown-tag>\(PageFixture.paragraphs[3])"
        let page = try extract(html)
        #expect(page.title == "Broken")
        for paragraph in PageFixture.paragraphs { #expect(page.text.contains(paragraph)) }
        #expect(page.text.contains("& more ©"))
    }

    @Test("hostile input: deep nesting, empty input, binary noise and huge attributes do not crash")
    func hostileInput() throws {
        // Deeper than our tree keeps (200): the text below is kept, flattened.
        let deep = String(repeating: "<div>", count: 250) + "<p>\(PageFixture.paragraphs[0])</p>"
        #expect(try extract(deep).text.contains("The river rose"))
        // Far deeper than libxml2 parses without XML_PARSE_HUGE (256): no crash, no runaway.
        _ = try extract(String(repeating: "<div>", count: 100_000) + "<p>x</p>")

        let empty = try extractor.extract(data: Data())
        #expect(empty.text.isEmpty)
        #expect(empty.title == nil)

        var noise = Data((0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) })
        noise.append(contentsOf: Array("<p>tail</p>".utf8))
        _ = try extractor.extract(data: noise)

        let huge = "<p class=\"" + String(repeating: "x", count: 1_000_000) + "\">\(PageFixture.paragraphs[0])</p>"
        #expect(try extract(huge).text.contains("The river rose"))
    }

    @Test("furniture labels (Advertisement, Back to top) are dropped; embedded tweets are kept")
    func labelsAndEmbeds() throws {
        let article = """
            <p>\(PageFixture.paragraphs[0])</p><div>Advertisement</div><p>\(PageFixture.paragraphs[1])</p>
            <div class="social-media-embed"><blockquote class="twitter-tweet"><p>The water is up to the church \
            steps now, stay safe everyone and keep away from the river path tonight.</p></blockquote></div>
            <p>\(PageFixture.paragraphs[2])</p><p>Back to top</p>
            """
        let page = try extract(PageFixture.page(article: article))
        #expect(!page.text.contains("Advertisement"))
        #expect(!page.text.contains("Back to top"))
        #expect(page.text.contains("The water is up to the church steps now"))
    }

    @Test("the same block repeated (responsive duplicates) is printed once")
    func duplicates() throws {
        let article = PageFixture.articleParagraphs + "<p>\(PageFixture.paragraphs[0])</p>"
        let page = try extract(PageFixture.page(article: article))
        #expect(page.text.components(separatedBy: "The river rose").count == 2)
    }
}
