import Foundation

/// Builds test pages: an article wrapped in the usual boilerplate of a news site.
enum PageFixture {
    static let paragraphs = [
        "The river rose four metres overnight, flooding the lower town and cutting the main road to the coast for the first time in thirty years.",
        "Residents were woken by sirens shortly after two in the morning, and most had left their homes before the water reached the market square.",
        "Engineers said the old embankment held better than expected, although a section near the railway bridge will have to be rebuilt this winter.",
        "The council has opened the school gymnasium as a shelter and asks anyone who can offer a spare room to contact the town hall directly.",
    ]

    /// A full page: header, navigation, sidebar, comments, footer and cookie banner around `article`.
    static func page(article: String, head: String = "<title>Flood closes coast road | Valley News</title>") -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">\(head)</head>
        <body>
        <header class="site-header"><a href="/">Valley News</a><p>Your town, every day since 1921</p></header>
        <nav><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav>
        <div class="layout">
          <main>
            <article>
              <h1>Flood closes coast road</h1>
              \(article)
            </article>
            <div class="share-buttons"><a href="https://social.example/share">Share this story with your friends on every network you use</a></div>
            <section id="comments"><h3>Comments</h3><div class="comment"><p>I have lived here for fifty years and never seen anything like it, truly remarkable scenes all over the valley.</p></div></section>
          </main>
          <aside class="sidebar"><h3>Most read</h3><p>A sidebar paragraph about the county fair that should never appear in the article text at all.</p></aside>
        </div>
        <footer><p>Copyright Valley News Ltd. All rights reserved. Registered in England and Wales, company number 0000000.</p></footer>
        <div id="cookie-banner"><p>We use cookies to improve your experience and to show you personalised advertising, accept them all?</p></div>
        </body></html>
        """
    }

    /// The article paragraphs as HTML.
    static var articleParagraphs: String {
        paragraphs.map { "<p>\($0)</p>" }.joined(separator: "\n")
    }
}
