import ChatbotCore
import Foundation
import Testing

@testable import ChatbotWeb

@Suite("SSRF guard")
struct SSRFGuardTests {
    /// A resolver that must not be asked: the URLs below are refused before any DNS.
    private static let noDNS = ScriptedResolver([])

    @Test(
        "hostile URLs are refused",
        arguments: [
            "http://127.0.0.1/", "http://localhost./", "http://2130706433/", "http://0x7f000001/", "http://0x7f.1/",
            "http://127.1/", "http://0177.0.0.1/", "http://017700000001/", "http://0/", "http://0.0.0.0:8080/",
            "http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.1.1/", "http://100.64.0.1/",
            "http://169.254.169.254/latest/meta-data/", "http://169.254.1.1/", "http://100.100.100.200/",
            "http://224.0.0.1/", "http://255.255.255.255/", "http://240.0.0.1/", "http://198.18.0.1/",
            "http://192.0.2.1/", "http://[::1]/", "http://[::]/", "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/", "http://[::ffff:169.254.169.254]/", "http://[64:ff9b::a00:1]/",
            "http://[64:ff9b::127.0.0.1]/", "http://[2002:7f00:1::]/", "http://[fc00::1]/", "http://[fd00:ec2::254]/",
            "http://[fe80::1]/", "http://[ff02::1]/", "http://[2001:db8::1]/", "http://[::127.0.0.1]/",
            "http://[2001:0::1]/", "ftp://example.com/", "file:///etc/passwd", "gopher://example.com/",
            "javascript:alert(1)", "http://user:pass@example.com/", "http://user@example.com/", "http://1.2.3.999/",
            "http://0x7f.0x0.0x0.0x1/", "http://127.0.0.1.:80/", "http://[::ffff:10.0.0.1]:443/",
        ])
    func refused(_ text: String) async throws {
        let url = try #require(URL(string: text))
        let guardian = SSRFGuard(resolver: ScriptedResolver([[IPAddress(ipv4: 0x7f00_0001)]]))
        let error = await #expect(throws: ChatbotError.self) { try await guardian.check(url) }
        #expect(error?.kind == .usage)
        #expect(error?.message.contains("refused to fetch") == true)
    }

    @Test("a name resolving to a private address is refused, naming the address and reason")
    func resolvedPrivate() async throws {
        let resolver = ScriptedResolver([[try #require(IPAddress("10.1.2.3"))]])
        let guardian = SSRFGuard(resolver: resolver)
        let error = await #expect(throws: ChatbotError.self) {
            try await guardian.check(URL(string: "https://intranet.example/")!)
        }
        #expect(error?.message.contains("10.1.2.3 is a private network address") == true)
        // The library names no flag; the CLI adds `--allow-private` for this reason.
        #expect(error?.reason == .privateAddress)
        #expect(error?.hint?.contains("--") == false)
    }

    @Test("every resolved address is checked, not only the first")
    func everyAddressChecked() async throws {
        let resolver = ScriptedResolver([[try #require(IPAddress("93.184.216.34")), IPAddress(ipv4: 0x7f00_0001)]])
        let guardian = SSRFGuard(resolver: resolver)
        await #expect(throws: ChatbotError.self) { try await guardian.check(URL(string: "http://mixed.example/")!) }
    }

    @Test("public addresses pass and the target pins the first checked address")
    func publicAllowed() async throws {
        let address = try #require(IPAddress("93.184.216.34"))
        let guardian = SSRFGuard(resolver: ScriptedResolver([[address]]))
        let target = try await guardian.check(URL(string: "https://Example.COM/page")!)
        #expect(target == SSRFGuard.Target(host: "example.com", port: 443, address: address, hostIsAddress: false))
        let literal = try await guardian.check(URL(string: "http://8.8.8.8:8080/")!)
        #expect(literal.address == IPAddress("8.8.8.8") && literal.port == 8080 && literal.hostIsAddress)
        let mapped = try await guardian.check(URL(string: "http://[::ffff:8.8.8.8]/")!)
        #expect(mapped.address == IPAddress("::ffff:8.8.8.8"))
        #expect(try await guardian.check(URL(string: "http://[2606:4700::1111]/")!).hostIsAddress)
    }

    @Test("allowPrivateNetworks lets loopback through but still refuses other schemes and user info")
    func allowPrivate() async throws {
        let guardian = SSRFGuard(allowPrivateNetworks: true, resolver: ScriptedResolver([]))
        #expect(try await guardian.check(URL(string: "http://0x7f.1:9/")!).address == IPAddress(ipv4: 0x7f00_0001))
        await #expect(throws: ChatbotError.self) { try await guardian.check(URL(string: "file:///etc/passwd")!) }
        await #expect(throws: ChatbotError.self) { try await guardian.check(URL(string: "http://a@127.0.0.1/")!) }
    }

    @Test("an allow-list entry admits exactly that host and port")
    func allowList() async throws {
        let guardian = SSRFGuard(allowedHostPorts: ["127.0.0.1:8080"], resolver: ScriptedResolver([]))
        #expect(try await guardian.check(URL(string: "http://127.0.0.1:8080/x")!).port == 8080)
        await #expect(throws: ChatbotError.self) { try await guardian.check(URL(string: "http://127.0.0.1:8081/")!) }
        await #expect(throws: ChatbotError.self) { try await guardian.check(URL(string: "http://10.0.0.1:8080/")!) }
    }

    @Test(
        "address classification",
        arguments: [
            ("127.0.0.1", "loopback"), ("10.255.0.1", "private network"), ("172.31.255.255", "private network"),
            ("172.32.0.1", nil), ("100.64.0.1", "carrier-grade NAT (100.64.0.0/10)"), ("100.128.0.1", nil),
            ("169.254.169.254", "cloud metadata service"), ("169.254.0.1", "link-local"),
            ("0.1.2.3", "unspecified (this network)"),
            ("224.1.1.1", "multicast"), ("255.255.255.255", "broadcast"), ("198.19.255.255", "benchmarking range"),
            ("203.0.113.9", "documentation range"), ("8.8.8.8", nil), ("::1", "loopback"),
            ("::ffff:192.168.0.1", "private network"), ("64:ff9b::8.8.8.8", nil),
            ("64:ff9b::10.0.0.1", "private network"),
            ("2002:0a00:0001::1", "private network"), ("2002:0808:0808::1", nil), ("fd12::1", "private network"),
            ("fe80::1", "link-local"), ("ff05::2", "multicast"), ("2001:db8::5", "documentation range"),
            ("2001::1", "IPv6 transition or tunnel address"), ("2a00:1450::1", nil),
            ("4000::1", "not an IPv6 global unicast address"),
        ] as [(String, String?)])
    func classification(_ text: String, _ expected: String?) throws {
        let address = try #require(IPAddress(text))
        #expect(SSRFGuard.blockedReason(for: address)?.description == expected)
    }
}
