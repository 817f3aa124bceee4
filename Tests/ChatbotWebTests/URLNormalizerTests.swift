import Foundation
import Testing

@testable import ChatbotWeb

@Suite("URL normalisation")
struct URLNormalizerTests {
    @Test(
        "equivalent spellings normalise to one URL",
        arguments: [
            ("HTTP://Example.COM:80/a/./b/../c#frag", "http://example.com/a/c"),
            ("https://example.com:443", "https://example.com/"),
            ("https://example.com:8443/x", "https://example.com:8443/x"),
            ("http://example.com/%7efoo/%2f?q=%41%2f", "http://example.com/~foo/%2F?q=A%2F"),
            ("http://example.com/a/b/../../..", "http://example.com/"),
            ("http://example.com/a?b=2&a=1", "http://example.com/a?b=2&a=1"),
            ("http://example.com/dir/", "http://example.com/dir/"),
        ] as [(String, String)])
    func normalises(_ input: String, _ expected: String) throws {
        let url = try #require(URL(string: input))
        #expect(URLNormalizer.normalize(url)?.absoluteString == expected)
    }

    @Test("non-http URLs have no normal form")
    func rejects() throws {
        #expect(URLNormalizer.normalize(try #require(URL(string: "mailto:a@b.c"))) == nil)
        #expect(URLNormalizer.normalize(try #require(URL(string: "/relative"))) == nil)
    }
}
