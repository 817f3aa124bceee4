import ChatbotCore
import ChatbotTestSupport
import Foundation
import Testing

@testable import ChatbotWeb

/// https with a pinned address: the connection goes to the checked address while TLS SNI and
/// certificate verification use the URL's host name. Certificates are made by the openssl CLI.
@Suite("TLS through a pinned connection")
struct TLSPinningTests {
    /// A test CA and a leaf certificate for `site.test` signed by it, in a fresh directory.
    static func makeCertificates() throws -> URL {
        let directory = try Fixtures.temporaryDirectory()
        let script = """
            set -e
            cd '\(directory.path)'
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key \
              -out ca.pem -days 2 -subj '/CN=chatbot test CA' 2>/dev/null
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout leaf.key \
              -out leaf.csr -subj '/CN=site.test' 2>/dev/null
            printf 'subjectAltName=DNS:site.test\\nbasicConstraints=CA:FALSE\\n' > ext.cnf
            openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem -days 2 \
              -extfile ext.cnf 2>/dev/null
            """
        _ = try Fixtures.shell(script)
        return directory
    }

    @Test("https to a pinned name verifies the certificate against the name, not the address")
    func pinnedHTTPS() async throws {
        let directory = try Self.makeCertificates()
        defer { try? FileManager.default.removeItem(at: directory) }
        let resolver = ScriptedResolver([[IPAddress(ipv4: 0x7f00_0001)]])
        let fetcher = WebFetcher(
            resolver: resolver, certificateAuthorityFiles: [directory.appending(path: "ca.pem").path])
        do {
            try await LocalTestSite.withRunning(
                certificateFile: directory.appending(path: "leaf.pem").path,
                privateKeyFile: directory.appending(path: "leaf.key").path
            ) { site, base in
                site.route("/", .html("over tls"))
                let port = try #require(URL(string: base)?.port)
                let policy = FetchPolicy(allowPrivateNetworks: true, connectTimeout: .seconds(2))
                let page = try await fetcher.fetch(URL(string: "https://site.test:\(port)/")!, policy: policy)
                #expect(page.text == "over tls")
                #expect(site.requests.first?.headers["host"] == "site.test:\(port)")
                // The same server under another name fails verification: the name is what is checked.
                let error = await #expect(throws: ChatbotError.self) {
                    try await fetcher.fetch(URL(string: "https://other.test:\(port)/")!, policy: policy)
                }
                #expect(error?.message.contains("Couldn't find other.test in certificate") == true)
                // And by address: the certificate names no IP address.
                await #expect(throws: ChatbotError.self) {
                    try await fetcher.fetch(URL(string: "https://127.0.0.1:\(port)/")!, policy: policy)
                }
                #expect(site.requests.count == 1)
            }
        } catch {
            await fetcher.shutdown()
            throw error
        }
        await fetcher.shutdown()
    }
}
