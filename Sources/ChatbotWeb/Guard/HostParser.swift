/// How a URL's host is read the way a resolver would read it, so that `2130706433`, `0x7f.1`,
/// `0177.0.0.1` and `127.1` are all recognised as 127.0.0.1 before anyone resolves them.
///
/// The IPv4 rules follow the WHATWG URL standard's IPv4 parser (which matches `inet_aton`):
/// one to four dot-separated parts, each decimal, `0x` hexadecimal or `0`-prefixed octal; the
/// last part fills the remaining bytes.
enum HostParser {
    /// What a host turned out to be.
    enum Host: Equatable {
        /// A numeric address, however it was spelled.
        case address(IPAddress)
        /// A name to resolve.
        case name(String)
    }

    /// Parses `host` (lowercased, IPv6 without or with brackets). Throws a message for hosts that
    /// look numeric but are not a valid address, such as `1.2.3.999` or `0x1g.1`.
    static func parse(_ host: String) throws(HostParseError) -> Host {
        let host = host.lowercased()
        if host.isEmpty { throw HostParseError(reason: "the URL has no host") }
        if host.hasPrefix("[") || host.contains(":") {
            guard let address = IPAddress(host) else { throw HostParseError(reason: "invalid IPv6 address \(host)") }
            return .address(address)
        }
        var parts = host.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 1, parts.last == "" { parts.removeLast() }
        // The WHATWG "ends in a number" test: only such hosts go through the IPv4 parser.
        guard let last = parts.last, endsInNumber(last) else { return .name(host) }
        guard parts.count <= 4 else { throw HostParseError(reason: "\(host) has too many parts for an IPv4 address") }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = parseNumber(part) else {
                throw HostParseError(reason: "\(host) is not a valid IPv4 address")
            }
            numbers.append(number)
        }
        for number in numbers.dropLast() where number > 255 {
            throw HostParseError(reason: "\(host) is not a valid IPv4 address")
        }
        let lastLimit = UInt64(1) << (8 * (5 - UInt64(numbers.count)))
        guard let lastNumber = numbers.last, lastNumber < lastLimit else {
            throw HostParseError(reason: "\(host) is not a valid IPv4 address")
        }
        var value = lastNumber
        for (index, number) in numbers.dropLast().enumerated() {
            value += number << (8 * (3 - UInt64(index)))
        }
        return .address(IPAddress(ipv4: UInt32(truncatingIfNeeded: value)))
    }

    private static func endsInNumber(_ part: String) -> Bool {
        if !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        return parseNumber(part) != nil || part.hasPrefix("0x")
    }

    private static func parseNumber(_ part: String) -> UInt64? {
        if part.isEmpty { return nil }
        var digits = Substring(part)
        var radix = 10
        if digits.hasPrefix("0x") {
            digits = digits.dropFirst(2)
            radix = 16
            if digits.isEmpty { return 0 }
        } else if digits.count > 1, digits.hasPrefix("0") {
            digits = digits.dropFirst()
            radix = 8
        }
        guard digits.count <= 32 else { return nil }
        return UInt64(digits, radix: radix)
    }
}

/// Why a host could not be read.
struct HostParseError: Error {
    var reason: String
}
