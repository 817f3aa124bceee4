import AsyncHTTPClient
import ChatbotAccounts
import ChatbotServer
import ChatbotTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization
import Testing

/// What an operator relies on: one JSON access-log line per request without secrets, Prometheus
/// metrics by route template (admins only, or on a loopback port of their own), the idle and
/// header limits, and HTTPS.
@Suite("chatbot serve: access log, metrics, limits, TLS")
struct ServerOperationsTests {
    final class Lines: Sendable {
        private let storage = Mutex<[String]>([])
        var all: [String] { storage.withLock { $0 } }
        var log: AccessLog { AccessLog { line in self.storage.withLock { $0.append(line) } } }

        /// The lines once there are at least `count` (they are written after the response's last byte).
        func wait(for count: Int) async throws -> [String] {
            for _ in 0..<200 where all.count < count { try await Task.sleep(for: .milliseconds(10)) }
            return all
        }
    }

    @Test("one JSON access-log line per request: route template, status, user and key id; never a secret or a query")
    func accessLog() async throws {
        let lines = Lines()
        var options = ServerOptions(host: "127.0.0.1", port: 0)
        options.accessLog = lines.log
        try await ServerFixture.with(options: options) { fixture in
            let user = try await fixture.addUser("logan")
            let key = try await fixture.keys.create(owner: user.name, scopes: [.chat], by: fixture.admin).secret
            let token = try await fixture.token("logan")  // request 1: the login, with its password
            let id = UUID().uuidString.lowercased()
            try await fixture.client.execute(
                uri: "/api/conversations/\(id)", method: .get, headers: ServerFixture.bearer(token)
            ) { #expect($0.status == .notFound) }
            try await fixture.client.execute(
                uri: "/api/conversations?q=hunter2secret", method: .get, headers: ServerFixture.bearer(key)
            ) { #expect($0.status == .ok) }
            try await fixture.client.execute(uri: "/api/auth/me", method: .get) { #expect($0.status == .unauthorized) }
            try await fixture.client.execute(uri: "/no/such/route", method: .get) { #expect($0.status == .notFound) }

            let written = try await lines.wait(for: 5)
            #expect(written.count == 5, "\(written)")
            let records = try written.map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\($0)")
            }
            for record in records {
                for field in ["time", "request_id", "method", "route", "status", "duration_ms"] {
                    #expect(record[field] != nil, "\(field) missing in \(record)")
                }
            }
            let routes = records.map { "\($0["method"] ?? "") \($0["route"] ?? "") \($0["status"] ?? "")" }
            #expect(
                routes == [
                    "POST /api/auth/login 200", "GET /api/conversations/{id} 404", "GET /api/conversations 200",
                    "GET /api/auth/me 401", "GET unmatched 404",
                ])
            #expect(records[1]["user"] as? String == user.id)
            #expect(records[1]["key_id"] == nil)
            #expect(records[2]["user"] as? String == user.id)
            let keyID = try #require(key.split(separator: "_").dropFirst().first.map(String.init))
            #expect(records[2]["key_id"] as? String == keyID)
            #expect(records[3]["user"] == nil)
            let everything = written.joined(separator: "\n")
            for secret in [
                ServerFixture.password, token, key, String(key.split(separator: "_").last ?? ""), id, "hunter2",
            ] {
                #expect(!everything.contains(secret), "the access log holds a secret or an id: \(secret.prefix(12))…")
            }
        }
    }

    @Test("/metrics: Prometheus text by route template for admins, 403 for others; tokens counted after an answer")
    func metrics() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.addUser("mia")
            try await fixture.addUser("ada", role: .admin)
            let member = try await fixture.token("mia")
            let admin = try await fixture.token("ada")
            let chatOnly = try await fixture.keys.create(owner: "ada", scopes: [.chat], by: fixture.admin).secret
            let missing = UUID().uuidString.lowercased()
            try await fixture.client.execute(
                uri: "/api/conversations/\(missing)", method: .get, headers: ServerFixture.bearer(member)
            ) { #expect($0.status == .notFound) }
            if ServerFixture.llamaURL != nil {
                try await fixture.client.execute(
                    uri: "/api/conversations", method: .post, headers: ServerFixture.bearer(member),
                    body: ByteBuffer(string: #"{"message":"Say hi.","max_tokens":4,"temperature":0}"#)
                ) { #expect($0.status == .created) }
            }
            for credential in [member, chatOnly] {
                try await fixture.client.execute(
                    uri: "/metrics", method: .get, headers: ServerFixture.bearer(credential)
                ) { #expect($0.status == .forbidden) }
            }
            try await fixture.client.execute(uri: "/metrics", method: .get) { #expect($0.status == .unauthorized) }
            // The 404 above is recorded once its response is written; give it a moment.
            var text = ""
            for _ in 0..<100 {
                text = try await fixture.client.execute(
                    uri: "/metrics", method: .get, headers: ServerFixture.bearer(admin)
                ) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                    return ServerFixture.text(response.body)
                }
                if text.contains(#"route="/api/conversations/{id}""#) { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(
                text.contains(
                    #"chatbot_http_requests_total{route="/api/conversations/{id}",method="GET",status="404"} 1"#),
                "\(text)")
            #expect(text.contains(#"chatbot_http_request_duration_seconds_bucket{route="/api/conversations/{id}""#))
            #expect(text.contains("# TYPE chatbot_open_event_streams gauge"))
            #expect(!text.contains(missing), "a raw path reached the metrics")
            if ServerFixture.llamaURL != nil {
                let completion = text.split(separator: "\n").first {
                    $0.hasPrefix("chatbot_tokens_total{") && $0.contains(#"kind="completion""#)
                }
                let count = completion.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
                #expect(count >= 1, "no completion tokens counted: \(text)")
            }
        }
    }

    @Test("--metrics-port: /metrics without credentials on its own loopback listener, and not on the main port")
    func metricsPort() async throws {
        let port = try Self.freePort()
        var options = ServerOptions(host: "127.0.0.1", port: 0)
        options.metricsPort = port
        try await ServerFixture.with(options: options) { fixture in
            try await fixture.client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await fixture.addUser("ada", role: .admin)
            let admin = try await fixture.token("ada")
            try await fixture.client.execute(uri: "/metrics", method: .get, headers: ServerFixture.bearer(admin)) {
                #expect($0.status == .notFound)
            }
            var text = ""
            for _ in 0..<100 {
                // A connection of its own each time: the shared client's pool may hold one to this
                // port number from an earlier test's listener, which is gone.
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics")
                request.headers.add(name: "Connection", value: "close")
                let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5))
                if let response, response.status == .ok,
                    let body = try? await response.body.collect(upTo: 1 << 20)
                {
                    text = String(buffer: body)
                    if text.contains(#"route="/healthz""#) { break }
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(
                text.contains(#"chatbot_http_requests_total{route="/healthz",method="GET",status="200"}"#), "\(text)")
        }
    }

    @Test("a connection that stalls in its headers is closed after the idle timeout; an oversized header is refused")
    func limits() async throws {
        var options = ServerOptions(host: "127.0.0.1", port: 0)
        options.idleTimeout = .seconds(1)
        try await ServerFixture.with(options: options) { fixture in
            let port = try #require(fixture.client.port)
            // Half a request, then silence: the server hangs up (recv sees the end) well before 10 s.
            let stalled = try await Self.exchange(
                port: port, send: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", waitUpTo: 10)
            #expect(stalled.closed, "a stalled request kept its connection")
            #expect(stalled.received.isEmpty)

            let huge = String(repeating: "a", count: 20 << 10)
            let oversized = try await Self.exchange(
                port: port, send: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: \(huge)\r\n\r\n", waitUpTo: 10)
            #expect(
                !oversized.received.hasPrefix("HTTP/1.1 200"), "an oversized header was served: \(oversized.received)")
            #expect(oversized.closed)

            // A request that cannot be parsed (a NUL byte in a header, as scanners send) is closed,
            // and that is a debug message: the upgrade pipeline's "error" is no server error.
            let malformed = try await Self.exchange(
                port: port, send: "GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\u{0}b\r\n\r\n", waitUpTo: 10)
            #expect(malformed.closed)
            #expect(!malformed.received.hasPrefix("HTTP/1.1 200"), "a malformed request was served")
            var upgrade: [LogRecorder.Entry] = []
            for _ in 0..<200 where upgrade.isEmpty {
                upgrade = fixture.logs.entries.filter { $0.message.contains("upgrade result") }
                if upgrade.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(!upgrade.isEmpty, "the closed connection was not logged at all")
            #expect(upgrade.allSatisfy { $0.level == .debug }, "\(upgrade.map { "\($0.level) \($0.message)" })")

            // The server is still there for everyone else (on a new connection: the test client's own
            // was idle for over a second, so the server closed it too).
            let after = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(5))
            #expect(after.status == .ok)
        }
    }

    @Test("--tls-cert/--tls-key: HTTPS answers, with HSTS; plain HTTP on the TLS port gets no answer")
    func tls() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chatbot-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cert = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let made = try await ServerOpenAISDKTests.runOffPool([
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
        ])
        try #require(made.status == 0, "openssl: \(made.stderr)")
        var options = ServerOptions(host: "127.0.0.1", port: 0, secureCookies: true)
        options.tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        try await ServerFixture.with(options: options, setup: .ahc(.https)) { fixture in
            try await fixture.client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("X-Request-Id")!] != nil)
                #expect(response.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000")
            }
            let port = try #require(fixture.client.port)
            let plain = try await Self.exchange(
                port: port, send: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", waitUpTo: 10)
            #expect(!plain.received.hasPrefix("HTTP/1.1"), "plain HTTP was answered on the TLS port")
        }
    }

    // MARK: - Helpers

    /// A free TCP port on 127.0.0.1 (bound and released).
    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Sends `text` on a fresh connection, then reads until the server closes it or `waitUpTo`
    /// seconds pass; on a thread of its own, never the cooperative pool.
    static func exchange(port: Int, send text: String, waitUpTo seconds: Int) async throws -> (
        received: String, closed: Bool
    ) {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result {
                        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                        defer { close(socket) }
                        var address = sockaddr_in()
                        address.sin_family = sa_family_t(AF_INET)
                        address.sin_addr.s_addr = inet_addr("127.0.0.1")
                        address.sin_port = UInt16(port).bigEndian
                        let connected = withUnsafePointer(to: &address) { pointer in
                            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                            }
                        }
                        guard connected else { throw POSIXError(.ECONNREFUSED) }
                        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
                        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                        let bytes = Array(text.utf8)
                        _ = bytes.withUnsafeBufferPointer { Foundation.send(socket, $0.baseAddress, $0.count, 0) }
                        var received: [UInt8] = []
                        var buffer = [UInt8](repeating: 0, count: 4096)
                        let deadline = Date().addingTimeInterval(Double(seconds))
                        while Date() < deadline {
                            let count = recv(socket, &buffer, buffer.count, 0)
                            if count == 0 { return (String(decoding: received, as: UTF8.self), true) }
                            if count < 0 {
                                // A reset is a close too; a timeout is not.
                                if errno == ECONNRESET { return (String(decoding: received, as: UTF8.self), true) }
                                break
                            }
                            received += buffer[0..<count]
                        }
                        return (String(decoding: received, as: UTF8.self), false)
                    })
            }.start()
        }
    }
}
