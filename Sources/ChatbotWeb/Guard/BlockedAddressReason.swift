/// Why the SSRF guard refuses an address: a short name for messages and logs. New reasons can be
/// added without breaking callers.
public struct BlockedAddressReason: Sendable, Hashable, CustomStringConvertible {
    /// A short human-readable name, e.g. `loopback`.
    public let description: String

    private init(_ description: String) { self.description = description }

    /// 0.0.0.0/8 ("this network") and the unspecified IPv6 address `::`.
    public static let unspecified = Self("unspecified (this network)")
    /// 127.0.0.0/8 and `::1`.
    public static let loopback = Self("loopback")
    /// 10/8, 172.16/12, 192.168/16 and IPv6 unique-local fc00::/7 (and deprecated site-local fec0::/10).
    public static let privateNetwork = Self("private network")
    /// 100.64.0.0/10, carrier-grade NAT.
    public static let sharedAddressSpace = Self("carrier-grade NAT (100.64.0.0/10)")
    /// 169.254/16 and fe80::/10.
    public static let linkLocal = Self("link-local")
    /// 169.254.169.254, 169.254.170.2, fd00:ec2::254 and 100.100.100.200: cloud instance metadata.
    public static let cloudMetadata = Self("cloud metadata service")
    /// 224/4 and ff00::/8.
    public static let multicast = Self("multicast")
    /// 255.255.255.255.
    public static let broadcast = Self("broadcast")
    /// 240/4, 192.0.0/24, 192.88.99/24, 100::/64 and other special-purpose blocks.
    public static let reserved = Self("reserved")
    /// 192.0.2/24, 198.51.100/24, 203.0.113/24 and 2001:db8::/32.
    public static let documentation = Self("documentation range")
    /// 198.18/15, 2001:2::/48.
    public static let benchmarking = Self("benchmarking range")
    /// IPv6 ranges that embed or tunnel to IPv4 in ways that cannot be checked (Teredo,
    /// IPv4-compatible `::a.b.c.d`, local-use NAT64 64:ff9b:1::/48).
    public static let tunnel = Self("IPv6 transition or tunnel address")
    /// Outside IPv6 global unicast (2000::/3).
    public static let notGlobalUnicast = Self("not an IPv6 global unicast address")
}
