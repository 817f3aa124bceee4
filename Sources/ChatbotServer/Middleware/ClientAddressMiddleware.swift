import Foundation
import HTTPTypes
import Hummingbird

/// Believes `X-Forwarded-For` only from a configured trusted proxy: the client address is then the
/// right-most address in the header that is not itself a trusted proxy. From anyone else the header
/// is ignored, so a client cannot pick its own address (and with it a fresh login-throttle bucket).
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    let trusted: TrustedProxies

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        guard !trusted.isEmpty, let peer = context.peerAddress, trusted.contains(peer) else {
            return try await next(request, context)
        }
        var context = context
        let forwarded = request.headers[values: HTTPField.Name("X-Forwarded-For")!]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        if let client = forwarded.reversed().first(where: { !trusted.contains($0) }), TrustedProxies.isAddress(client) {
            context.clientAddress = client
        }
        return try await next(request, context)
    }
}

/// A list of proxy addresses and CIDR blocks.
struct TrustedProxies: Sendable {
    private let blocks: [(bytes: [UInt8], prefix: Int)]

    init(_ entries: [String]) {
        blocks = entries.compactMap { entry in
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.bytes(parts[0]) else { return nil }
            let prefix = parts.count == 2 ? Int(parts[1]) ?? -1 : bytes.count * 8
            guard (0...(bytes.count * 8)).contains(prefix) else { return nil }
            return (bytes, prefix)
        }
    }

    var isEmpty: Bool { blocks.isEmpty }

    func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(address) else { return false }
        return blocks.contains { block in
            guard block.bytes.count == bytes.count else { return false }
            var remaining = block.prefix
            for index in 0..<bytes.count where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if bytes[index] & mask != block.bytes[index] & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    static func isAddress(_ text: String) -> Bool { bytes(text) != nil }

    /// The bytes of an IPv4 or IPv6 address in text.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
