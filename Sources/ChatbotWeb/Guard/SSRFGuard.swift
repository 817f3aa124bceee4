import ChatbotCore
public import Foundation

/// Decides whether a URL may be fetched and which address to connect to.
///
/// Rules: http and https only; no user name or password in the URL; the host is read the way a
/// resolver would read it (odd IPv4 spellings such as `2130706433`, `0x7f.1` or `127.1` are
/// addresses, not names); a name is resolved once and *every* address it resolves to is checked
/// against ``BlockedAddressReason`` (loopback, private, link-local, CGNAT, metadata, multicast,
/// IPv4-mapped / NAT64 / 6to4 IPv6 embedding any of those…). The result names the one checked
/// address the connection must be pinned to, so a DNS answer that changes between check and
/// connect (rebinding) is never used.
public struct SSRFGuard: Sendable {
    /// Where a checked URL may connect.
    public struct Target: Sendable, Hashable {
        /// The URL's host, lowercased (what goes into `Host` and TLS SNI).
        public var host: String
        /// The port, the scheme's default when the URL names none.
        public var port: Int
        /// The checked address to connect to.
        public var address: IPAddress
        /// True when the URL's host is itself an address (no name to pin).
        public var hostIsAddress: Bool
    }

    /// Private and special addresses are allowed (the CLI's `--allow-private`).
    public var allowPrivateNetworks: Bool
    /// `host:port` pairs allowed whatever their address (e.g. `127.0.0.1:8080` for a test site or
    /// an intranet mirror); compared with the URL's host and with each resolved address.
    public var allowedHostPorts: Set<String>
    private let resolver: any HostResolver

    /// Creates a guard.
    public init(
        allowPrivateNetworks: Bool = false,
        allowedHostPorts: Set<String> = [],
        resolver: any HostResolver = SystemHostResolver()
    ) {
        self.allowPrivateNetworks = allowPrivateNetworks
        self.allowedHostPorts = Set(allowedHostPorts.map { $0.lowercased() })
        self.resolver = resolver
    }

    /// Checks the parts of `url` that need no DNS: scheme, user info, host syntax, literal
    /// addresses. Returns the parsed host.
    static func checkSyntax(_ url: URL) throws -> (host: HostParser.Host, hostText: String, port: Int) {
        let text = url.absoluteString
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw WebErrors.refused(url: text, reason: "only http and https URLs can be fetched")
        }
        if url.user != nil || url.password != nil {
            throw WebErrors.refused(url: text, reason: "URLs with a user name or password are not fetched")
        }
        guard var hostText = url.host(percentEncoded: false), !hostText.isEmpty else {
            throw WebErrors.refused(url: text, reason: "the URL has no host")
        }
        hostText = hostText.lowercased()
        if hostText.hasPrefix("["), hostText.hasSuffix("]") { hostText = String(hostText.dropFirst().dropLast()) }
        let host: HostParser.Host
        do {
            host = try HostParser.parse(hostText)
        } catch {
            throw WebErrors.refused(url: text, reason: error.reason)
        }
        if case .name(let name) = host,
            name.contains(where: {
                !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_"))
            })
        {
            throw WebErrors.refused(url: text, reason: "invalid host name \(name)")
        }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        guard (1...65535).contains(port) else { throw WebErrors.refused(url: text, reason: "invalid port \(port)") }
        return (host, hostText, port)
    }

    /// Checks `url` and resolves its host; throws a ``ChatbotError`` naming the URL and the rule it
    /// broke. The returned target's address is the one to connect to.
    public func check(_ url: URL) async throws -> Target {
        let (host, hostText, port) = try Self.checkSyntax(url)
        let allowedByList = allowedHostPorts.contains("\(hostText):\(port)")
        switch host {
        case .address(let address):
            if !allowedByList && !allowedHostPorts.contains("\(address):\(port)") {
                try refuseIfBlocked(address, url: url)
            }
            return Target(host: hostText, port: port, address: address, hostIsAddress: true)
        case .name(let name):
            let addresses = try await resolver.resolve(host: name)
            guard let first = addresses.first else {
                throw WebErrors.unresolvable(host: name, reason: "no addresses")
            }
            for address in addresses where !allowedByList && !allowedHostPorts.contains("\(address):\(port)") {
                try refuseIfBlocked(address, url: url)
            }
            return Target(host: name, port: port, address: first, hostIsAddress: false)
        }
    }

    private func refuseIfBlocked(_ address: IPAddress, url: URL) throws {
        guard !allowPrivateNetworks, let reason = AddressClassifier.blockedReason(address) else { return }
        throw WebErrors.refused(
            url: url.absoluteString,
            reason: "\(address) is a \(reason) address",
            hint: "private and special addresses are refused unless fetching them is allowed on purpose",
            code: .privateAddress
        )
    }

    /// Why `address` would be refused, or nil when it is public. For tests and diagnostics.
    public static func blockedReason(for address: IPAddress) -> BlockedAddressReason? {
        AddressClassifier.blockedReason(address)
    }
}
