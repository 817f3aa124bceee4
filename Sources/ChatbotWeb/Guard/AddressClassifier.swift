/// Classifies addresses for the SSRF guard: nil means a public address that may be contacted.
enum AddressClassifier {
    /// Why `address` must not be contacted, or nil when it is public.
    static func blockedReason(_ address: IPAddress) -> BlockedAddressReason? {
        if let value = address.ipv4Value { return blockedReason(ipv4: value) }
        return blockedReason(ipv6: address.bytes)
    }

    private static func inBlock(_ value: UInt32, _ base: UInt32, _ prefix: UInt32) -> Bool {
        let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << (32 - prefix)
        return value & mask == base & mask
    }

    private static func ipv4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) -> UInt32 {
        a << 24 | b << 16 | c << 8 | d
    }

    static func blockedReason(ipv4 value: UInt32) -> BlockedAddressReason? {
        let metadata: Set<UInt32> = [
            ipv4(169, 254, 169, 254), ipv4(169, 254, 170, 2), ipv4(100, 100, 100, 200), ipv4(192, 0, 0, 192),
        ]
        if metadata.contains(value) { return .cloudMetadata }
        let blocks: [(UInt32, UInt32, BlockedAddressReason)] = [
            (ipv4(0, 0, 0, 0), 8, .unspecified),
            (ipv4(10, 0, 0, 0), 8, .privateNetwork),
            (ipv4(100, 64, 0, 0), 10, .sharedAddressSpace),
            (ipv4(127, 0, 0, 0), 8, .loopback),
            (ipv4(169, 254, 0, 0), 16, .linkLocal),
            (ipv4(172, 16, 0, 0), 12, .privateNetwork),
            (ipv4(192, 0, 0, 0), 24, .reserved),
            (ipv4(192, 0, 2, 0), 24, .documentation),
            (ipv4(192, 88, 99, 0), 24, .reserved),
            (ipv4(192, 168, 0, 0), 16, .privateNetwork),
            (ipv4(198, 18, 0, 0), 15, .benchmarking),
            (ipv4(198, 51, 100, 0), 24, .documentation),
            (ipv4(203, 0, 113, 0), 24, .documentation),
            (ipv4(224, 0, 0, 0), 4, .multicast),
            (ipv4(255, 255, 255, 255), 32, .broadcast),
            (ipv4(240, 0, 0, 0), 4, .reserved),
        ]
        for (base, prefix, reason) in blocks where inBlock(value, base, prefix) { return reason }
        return nil
    }

    private static func embeddedIPv4(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func hasPrefix(_ bytes: [UInt8], _ prefix: [UInt8], bits: Int) -> Bool {
        for bit in 0..<bits {
            let byte = bit / 8
            let mask = UInt8(0x80) >> UInt8(bit % 8)
            if bytes[byte] & mask != prefix[byte] & mask { return false }
        }
        return true
    }

    /// `head`, zeros, then `tail`: 16 bytes.
    private static func pad(_ head: [UInt8], tail: [UInt8] = []) -> [UInt8] {
        head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    static func blockedReason(ipv6 bytes: [UInt8]) -> BlockedAddressReason? {
        let zero = [UInt8](repeating: 0, count: 16)
        if bytes == zero { return .unspecified }
        if bytes == pad([], tail: [1]) { return .loopback }
        // IPv4-mapped ::ffff:a.b.c.d: connecting to it reaches a.b.c.d.
        if hasPrefix(bytes, pad([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]), bits: 96) {
            return blockedReason(ipv4: embeddedIPv4(bytes, at: 12))
        }
        // NAT64 64:ff9b::/96: a gateway forwards to the embedded IPv4 address.
        if hasPrefix(bytes, pad([0x00, 0x64, 0xff, 0x9b]), bits: 96) {
            return blockedReason(ipv4: embeddedIPv4(bytes, at: 12))
        }
        // 6to4 2002::/16: the next 32 bits are the IPv4 address of the tunnel end.
        if hasPrefix(bytes, pad([0x20, 0x02]), bits: 16) {
            return blockedReason(ipv4: embeddedIPv4(bytes, at: 2))
        }
        if bytes == pad([0xfd, 0x00, 0x0e, 0xc2], tail: [0x02, 0x54]) { return .cloudMetadata }
        let blocks: [([UInt8], Int, BlockedAddressReason)] = [
            (zero, 96, .tunnel),  // IPv4-compatible ::a.b.c.d (deprecated)
            (pad([0x00, 0x64, 0xff, 0x9b, 0x00, 0x01]), 48, .tunnel),  // local-use NAT64
            (pad([0x01, 0x00]), 64, .reserved),  // discard-only
            (pad([0x20, 0x01, 0x00, 0x00]), 32, .tunnel),  // Teredo
            (pad([0x20, 0x01, 0x00, 0x02]), 48, .benchmarking),
            (pad([0x20, 0x01, 0x0d, 0xb8]), 32, .documentation),
            (pad([0x20, 0x01, 0x00, 0x10]), 28, .reserved),  // ORCHID
            (pad([0xfc]), 7, .privateNetwork),
            (pad([0xfe, 0x80]), 10, .linkLocal),
            (pad([0xfe, 0xc0]), 10, .privateNetwork),
            (pad([0xff]), 8, .multicast),
        ]
        for (prefix, bits, reason) in blocks where hasPrefix(bytes, Array(prefix), bits: bits) { return reason }
        if !hasPrefix(bytes, pad([0x20]), bits: 3) { return .notGlobalUnicast }
        return nil
    }
}
