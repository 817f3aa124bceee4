import ChatbotCore
import ChatbotTestSupport
import Foundation
import Testing

@testable import ChatbotWeb

@Suite("WebFetcher against a local test site")
struct WebFetcherTests {
    /// The test site is on loopback, so these fetches allow private networks unless a test says otherwise.
    /// The timeouts are generous: the whole suite shares two cores with the other suites.
    static let loopback = FetchPolicy(
        allowPrivateNetworks: true, connectTimeout: .seconds(30), totalTimeout: .seconds(60))

    /// Runs `body` with a running site and a fetcher, shutting both down afterwards.
    static func withSite(
        resolver: any HostResolver = SystemHostResolver(),
        validatorCache: (any ValidatorCache)? = nil,
        _ body: (LocalTestSite, String, WebFetcher) async throws -> Void
    ) async throws {
        try await LocalTestSite.withRunning { site, base in
            let fetcher = WebFetcher(resolver: resolver, validatorCache: validatorCache)
            do {
                try await body(site, base, fetcher)
            } catch {
                await fetcher.shutdown()
                throw error
            }
            await fetcher.shutdown()
        }
    }

    @Test("a plain page: status, headers, body, User-Agent naming chatbot and its version")
    func plainPage() async throws {
        try await Self.withSite { site, base, fetcher in
            site.route("/", .html("<p>hello</p>"))
            let page = try await fetcher.fetch(URL(string: "\(base)/")!, policy: Self.loopback)
            #expect(page.status == 200)
            #expect(page.text == "<p>hello</p>")
            #expect(page.mediaType == "text/html")
            #expect(page.charset == "utf-8" && page.charsetSource == .header)
            let userAgent = try #require(site.requests(for: "/").first?.headers["user-agent"])
            #expect(userAgent.hasPrefix("chatbot/\(ChatbotVersion.current) (+https://"))
            #expect(site.requests(for: "/").first?.headers["accept-encoding"] == "gzip, deflate, br")
        }
    }

    @Test("a redirect chain of five hops is followed and recorded")
    func redirectChain() async throws {
        try await Self.withSite { site, base, fetcher in
            for hop in 1...5 {
                site.route(
                    "/r\(hop)", .redirect(to: hop == 5 ? "/end" : "/r\(hop + 1)", status: hop % 2 == 0 ? 301 : 307))
            }
            site.route("/end", .html("done"))
            let page = try await fetcher.fetch(URL(string: "\(base)/r1")!, policy: Self.loopback)
            #expect(page.finalURL.absoluteString == "\(base)/end")
            #expect(page.redirects.count == 5)
            #expect(page.redirects.map(\.status) == [307, 301, 307, 301, 307])
            #expect(page.text == "done")
        }
    }

    @Test("six redirects are one too many")
    func tooManyRedirects() async throws {
        try await Self.withSite { site, base, fetcher in
            for hop in 1...6 { site.route("/r\(hop)", .redirect(to: "/r\(hop + 1)")) }
            site.route("/r7", .html("never"))
            let error = await #expect(throws: ChatbotError.self) {
                try await fetcher.fetch(URL(string: "\(base)/r1")!, policy: Self.loopback)
            }
            #expect(error?.message.contains("more than 5 redirects") == true)
            #expect(site.requests(for: "/r7").isEmpty)
        }
    }

    @Test("a redirect loop is detected")
    func redirectLoop() async throws {
        try await Self.withSite { site, base, fetcher in
            site.route("/a", .redirect(to: "/b"))
            site.route("/b", .redirect(to: "\(base)/a#again"))
            let error = await #expect(throws: ChatbotError.self) {
                try await fetcher.fetch(URL(string: "\(base)/a")!, policy: Self.loopback)
            }
            #expect(error?.message.contains("redirect loop") == true)
            #expect(site.requests(for: "/a").count == 1)
        }
    }

    @Test(
        "a redirect to a private or metadata address is refused before connecting",
        arguments: [
            "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://0x7f.1:1/",
            "http://[::ffff:127.0.0.1]/",
        ])
    func redirectToPrivate(_ target: String) async throws {
        try await Self.withSite { site, base, fetcher in
            site.route("/go", .redirect(to: target))
            let hostPort = String(base.dropFirst("http://".count))
            // Only the test site itself is allowed: everything else private is refused.
            let policy = FetchPolicy(
                allowedHostPorts: [hostPort], connectTimeout: .seconds(2), totalTimeout: .seconds(5))
            let error = await #expect(throws: ChatbotError.self) {
                try await fetcher.fetch(URL(string: "\(base)/go")!, policy: policy)
            }
            #expect(error?.kind == .usage)
            #expect(error?.message.contains("refused to fetch") == true)
            #expect(site.requests.count == 1)
        }
    }

    @Test("a redirect to another scheme is refused")
    func redirectToFile() async throws {
        try await Self.withSite { site, base, fetcher in
            site.route("/go", .redirect(to: "file:///etc/passwd"))
            let error = await #expect(throws: ChatbotError.self) {
                try await fetcher.fetch(URL(string: "\(base)/go")!, policy: Self.loopback)
            }
            #expect(error?.message.contains("only http and https") == true)
        }
    }

    @Test("gzip, deflate (zlib and raw) and br bodies are decoded")
    func decoding() async throws {
        let text = String(repeating: "Grüße aus dem Test. ", count: 500)
        let original = Array(text.utf8)
        try await Self.withSite { site, base, fetcher in
            site.route("/gzip", .bytes(try Fixtures.gzip(original), headers: [("Content-Encoding", "gzip")]))
            site.route(
                "/deflate", .bytes(try Fixtures.zlibDeflate(original), headers: [("Content-Encoding", "deflate")]))
            site.route("/raw", .bytes(try Fixtures.rawDeflate(original), headers: [("Content-Encoding", "deflate")]))
            site.route("/br", .bytes(try Fixtures.brotli(original), headers: [("Content-Encoding", "br")]))
            for path in ["/gzip", "/deflate", "/raw", "/br"] {
                let page = try await fetcher.fetch(URL(string: "\(base)\(path)")!, policy: Self.loopback)
                #expect(page.body == original, "\(path)")
            }
        }
    }

    @Test("a gzip bomb fails with a clear error at the decoded-size cap")
    func gzipBomb() async throws {
        let bomb = try Fixtures.gzipBomb(megabytes: 64)
        #expect(bomb.count < 200_000)
        try await Self.withSite { site, base, fetcher in
            site.route("/bomb", .bytes(bomb, headers: [("Content-Encoding", "gzip"), ("Content-Type", "text/html")]))
            var policy = Self.loopback
            policy.maxBodyBytes = 1024 * 1024
            let error = await #expect(throws: ChatbotError.self) {
                try await fetcher.fetch(URL(string: "\(base)/bomb")!, policy: policy)
            }
            #expect(error?.message.contains("exceeds 1048576 bytes after decoding") == true)
        }
    }

    @Test("corrupt and truncated compressed bodies and unknown codings are errors, not crashes")
    func corruptBodies() async throws {
        let compressed = try Fixtures.gzip(Array(String(repeating: "x", count: 10_000).utf8))
        try await Self.withSite { site, base, fetcher in
            site.route("/garbage", .bytes(Array("not gzip at all".utf8), headers: [("Content-Encoding", "gzip")]))
            site.route(
                "/truncated",
                .bytes(Array(compressed.prefix(compressed.count / 2)), headers: [("Content-Encoding", "gzip")]))
            site.route("/unknown", .bytes([1, 2, 3], headers: [("Content-Encoding", "zstd-ish")]))
            for path in ["/garbage", "/truncated", "/unknown"] {
                let error = await #expect(throws: ChatbotError.self) {
                    try await fetcher.fetch(URL(string: "\(base)\(path)")!, policy: Self.loopback)
                }
                #expect(error?.message.contains("\(base)\(path)") == true)
            }
        }
    }

    @Test("an uncompressed body over the cap is refused")
    func plainTooLarge() async throws {
        try await Self.withSite { site, base, fetcher in
            site.route("/big", .bytes([UInt8](repeating: 65, count: 300_000)))
            var policy = Self.loopback
            policy.maxBodyBytes = 100_000
            await #expect(throws: ChatbotError.self) {
                try await fetcher.fetch(URL(string: "\(base)/big")!, policy: policy)
            }
        }
    }

    @Test("with truncation allowed, plain and compressed bodies are cut at the cap")
    func truncation() async throws {
        let bomb = try Fixtures.gzipBomb(megabytes: 16)
        try await Self.withSite { site, base, fetcher in
            site.route("/big", .bytes([UInt8](repeating: 65, count: 300_000)))
            site.route("/bomb", .bytes(bomb, headers: [("Content-Encoding", "gzip")]))
            var policy = Self.loopback
            policy.maxBodyBytes = 100_000
            policy.truncateOversizedBodies = true
            let big = try await fetcher.fetch(URL(string: "\(base)/big")!, policy: policy)
            #expect(big.truncated && big.body == [UInt8](repeating: 65, count: 100_000))
            let bombPage = try await fetcher.fetch(URL(string: "\(base)/bomb")!, policy: policy)
            #expect(bombPage.truncated && bombPage.body == [UInt8](repeating: 0, count: 100_000))
        }
    }

    @Test("a page that never finishes fails with a timeout error")
    func neverFinishes() async throws {
        try await Self.withSite { site, base, fetcher in
            site.route("/drip", .drip(every: .milliseconds(50)))
            var policy = Self.loopback
            policy.totalTimeout = .seconds(1)
            let error = await #expect(throws: ChatbotError.self) {
                try await fetcher.fetch(URL(string: "\(base)/drip")!, policy: policy)
            }
            #expect(error?.kind == .temporary)
            #expect(error?.message.contains("timed out fetching \(base)/drip") == true)
        }
    }

    @Test("a connection refused is a clear error")
    func refusedConnection() async throws {
        let unused = try await FaultInjectingServer.unusedBaseURL()
        let fetcher = WebFetcher()
        var policy = Self.loopback
        policy.connectTimeout = .seconds(1)
        let error = await #expect(throws: ChatbotError.self) {
            try await fetcher.fetch(URL(string: unused)!, policy: policy)
        }
        await fetcher.shutdown()
        #expect(error?.message.contains("cannot fetch") == true)
    }

    @Test("charset: BOM beats header beats meta; ISO-8859-1, Windows-1252 and Shift_JIS decode")
    func charsets() async throws {
        let latin = try Fixtures.iconv("<p>café</p>", to: "ISO-8859-1")
        let windows = try Fixtures.iconv("<meta charset=\"windows-1252\"><p>“quoted” – €</p>", to: "WINDOWS-1252")
        let japanese = try Fixtures.iconv(
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\"><p>日本語</p>", to: "SHIFT_JIS")
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<p>bom ✓</p>".utf8)
        try await Self.withSite { site, base, fetcher in
            site.route("/latin", .bytes(latin, headers: [("Content-Type", "text/html; charset=ISO-8859-1")]))
            site.route("/windows", .bytes(windows, headers: [("Content-Type", "text/html")]))
            site.route("/sjis", .bytes(japanese, headers: [("Content-Type", "text/html")]))
            site.route("/bom", .bytes(bom, headers: [("Content-Type", "text/html; charset=iso-8859-1")]))
            site.route("/broken", .html("<html><body><p>unclosed <b>bold <a href='x'>"))
            let latinPage = try await fetcher.fetch(URL(string: "\(base)/latin")!, policy: Self.loopback)
            #expect(latinPage.charset == "iso-8859-1" && latinPage.charsetSource == .header)
            #expect(latinPage.text == "<p>café</p>")
            let windowsPage = try await fetcher.fetch(URL(string: "\(base)/windows")!, policy: Self.loopback)
            #expect(windowsPage.charset == "windows-1252" && windowsPage.charsetSource == .meta)
            #expect(windowsPage.text.contains("“quoted” – €"))
            let japanesePage = try await fetcher.fetch(URL(string: "\(base)/sjis")!, policy: Self.loopback)
            #expect(japanesePage.charset == "shift_jis" && japanesePage.charsetSource == .meta)
            #expect(japanesePage.text.contains("日本語"))
            let bomPage = try await fetcher.fetch(URL(string: "\(base)/bom")!, policy: Self.loopback)
            #expect(bomPage.charset == "utf-8" && bomPage.charsetSource == .byteOrderMark)
            #expect(bomPage.text == "<p>bom ✓</p>")
            let broken = try await fetcher.fetch(URL(string: "\(base)/broken")!, policy: Self.loopback)
            #expect(broken.text.hasPrefix("<html><body><p>unclosed"))
        }
    }

    @Test("an unchanged page costs a 304: ETag and Last-Modified are stored in files and sent back")
    func conditionalRequests() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Self.withSite(validatorCache: FileValidatorCache(directory: directory)) { site, base, fetcher in
            site.route("/etag", .conditional("<p>v1</p>", etag: "\"v1\"", lastModified: nil))
            site.route("/date", .conditional("<p>d</p>", etag: nil, lastModified: "Tue, 24 Nov 2026 10:00:00 GMT"))
            for path in ["/etag", "/date"] {
                let url = URL(string: "\(base)\(path)")!
                let first = try await fetcher.fetch(url, policy: Self.loopback)
                #expect(first.status == 200 && !first.notModified && !first.body.isEmpty)
                let second = try await fetcher.fetch(url, policy: Self.loopback)
                #expect(second.status == 304 && second.notModified && second.body.isEmpty)
            }
            #expect(site.requests(for: "/etag").last?.headers["if-none-match"] == "\"v1\"")
            #expect(site.requests(for: "/date").last?.headers["if-modified-since"] == "Tue, 24 Nov 2026 10:00:00 GMT")
        }
        // A new fetcher over the same directory still has the validators.
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(files.count == 2)
        let reopened = FileValidatorCache(directory: directory)
        #expect(await reopened.validators(for: URL(string: "http://nowhere.invalid/")!) == nil)
    }

    @Test("a host name is pinned to the address checked once: Host header keeps the name")
    func pinnedName() async throws {
        let resolver = ScriptedResolver([[IPAddress(ipv4: 0x7f00_0001)]])
        try await Self.withSite(resolver: resolver) { site, base, fetcher in
            site.route("/", .html("pinned"))
            let port = try #require(URL(string: base)?.port)
            let page = try await fetcher.fetch(URL(string: "http://site.test:\(port)/")!, policy: Self.loopback)
            #expect(page.text == "pinned")
            #expect(site.requests.first?.headers["host"] == "site.test:\(port)")
            #expect(resolver.callCount == 1)
        }
    }

    @Test("DNS rebinding: the connection goes to the address checked, not to a later answer")
    func rebinding() async throws {
        // `localhost` really resolves to loopback. The guard's resolver answers a public address
        // at check time (a rebinding server's first answer); were the connection not pinned,
        // async-http-client would resolve `localhost` again and reach the site on 127.0.0.1.
        let resolver = ScriptedResolver([[try #require(IPAddress("198.51.99.1"))], [IPAddress(ipv4: 0x7f00_0001)]])
        try await Self.withSite(resolver: resolver) { site, base, fetcher in
            site.route("/", .html("secret"))
            let port = try #require(URL(string: base)?.port)
            let policy = FetchPolicy(connectTimeout: .seconds(1), totalTimeout: .seconds(3))
            await #expect(throws: ChatbotError.self) {
                try await fetcher.fetch(URL(string: "http://localhost:\(port)/")!, policy: policy)
            }
            #expect(site.requests.isEmpty)
            #expect(resolver.callCount == 1)
        }
    }
}

@Suite("FileValidatorCache")
struct FileValidatorCacheTests {
    @Test("stores per URL, survives reopening, and treats a corrupt file as a miss")
    func roundTrip() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = URL(string: "https://example.com/a")!
        let validators = try #require(CachedValidators(etag: "\"x\"", lastModified: nil))
        await FileValidatorCache(directory: directory).store(validators, for: url)
        #expect(await FileValidatorCache(directory: directory).validators(for: url) == validators)
        #expect(
            await FileValidatorCache(directory: directory).validators(for: URL(string: "https://example.com/b")!) == nil
        )
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            try Data("{not json".utf8).write(to: directory.appending(path: file))
        }
        #expect(await FileValidatorCache(directory: directory).validators(for: url) == nil)
        #expect(CachedValidators(etag: nil, lastModified: nil) == nil)
    }
}
