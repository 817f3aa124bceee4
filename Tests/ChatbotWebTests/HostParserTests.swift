import Testing

@testable import ChatbotWeb

@Suite("Host parsing: odd IPv4 spellings are addresses")
struct HostParserTests {
    @Test(
        "every spelling of 127.0.0.1 parses to 127.0.0.1",
        arguments: [
            "127.0.0.1", "2130706433", "0x7f000001", "0x7f.1", "127.1", "0177.0.0.1", "0177.1", "127.0.1", "0x7F.0.0.1",
            "127.0.0.1.",
        ]
    )
    func loopbackSpellings(_ host: String) throws {
        #expect(try HostParser.parse(host) == .address(IPAddress(ipv4: 0x7f00_0001)))
    }

    @Test(
        "numeric-looking hosts that are not valid addresses are rejected",
        arguments: ["1.2.3.999", "0x1g.1", "1.2.3.4.5", "4294967296", "09.0.0.1"])
    func invalid(_ host: String) {
        #expect(throws: HostParseError.self) { try HostParser.parse(host) }
    }

    @Test("names stay names")
    func names() throws {
        #expect(try HostParser.parse("Example.COM") == .name("example.com"))
        #expect(try HostParser.parse("1.2.3.example") == .name("1.2.3.example"))
    }
}
