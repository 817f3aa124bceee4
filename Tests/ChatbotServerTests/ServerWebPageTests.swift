import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The chat page's files: served without credentials, under the server's CSP, with no inline
/// script or style, and no HTML parsing of strings in the scripts (the browser test,
/// Scripts/check-web, drives the page itself in Chromium).
@Suite("chatbot serve: the web page")
struct ServerWebPageTests {
    @Test("/ and its three files are served with their types, the CSP and no caching without revalidation")
    func files() async throws {
        try await ServerFixture.with { fixture in
            for (path, type) in [
                ("/", "text/html; charset=utf-8"), ("/app.js", "text/javascript; charset=utf-8"),
                ("/markdown.js", "text/javascript; charset=utf-8"), ("/app.css", "text/css; charset=utf-8"),
            ] {
                try await fixture.client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType] == type, "\(path)")
                    #expect(response.headers[.cacheControl] == "no-cache", "\(path)")
                    let policy = try #require(response.headers[.contentSecurityPolicy])
                    #expect(policy.contains("script-src 'self'") && policy.contains("style-src 'self'"))
                    #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
                    #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                    #expect(response.headers[HTTPField.Name("Strict-Transport-Security")!] == nil, "HSTS over HTTP")
                    #expect(response.body.readableBytes > 100, "\(path)")
                }
            }
            try await fixture.client.execute(uri: "/", method: .head) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("the page has no inline script, handler or style; the scripts never turn strings into HTML")
    func noInlineCode() async throws {
        try await ServerFixture.with { fixture in
            let html = try await fixture.client.execute(uri: "/", method: .get) { String(buffer: $0.body) }
            #expect(html.contains(#"<script type="module" src="/app.js"></script>"#))
            #expect(html.components(separatedBy: "<script").count == 2, "one script element, loaded from a file")
            #expect(html.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil, "no inline handler")
            #expect(!html.contains("style=") && !html.contains("<style"), "no inline style")
            for path in ["/app.js", "/markdown.js"] {
                let script = try await fixture.client.execute(uri: path, method: .get) { String(buffer: $0.body) }
                for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"]
                {
                    #expect(!script.contains(sink), "\(path) uses \(sink)")
                }
                #expect(!script.contains("localStorage.set") && !script.contains("sessionStorage.set"))
            }
        }
    }
}
