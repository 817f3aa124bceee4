import Crypto
import Foundation
import Testing

/// Hand-built JWTs for attacks: any header, any payload, any signature.
enum ForgedToken {
    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ part: Substring) throws -> [String: Any] {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        let data = try #require(Data(base64Encoded: text))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func json(_ object: [String: Any]) throws -> String {
        base64URL(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    /// The header and payload of a real token.
    static func parts(of token: String) throws -> (header: [String: Any], payload: [String: Any], signature: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 3)
        return (try decode(parts[0]), try decode(parts[1]), String(parts[2]))
    }

    /// `header.payload.signature` with the signature made by `sign` over the signing input.
    static func make(
        header: [String: Any], payload: [String: Any], sign: (Data) throws -> Data
    ) throws -> String {
        let input = "\(try json(header)).\(try json(payload))"
        return "\(input).\(base64URL(try sign(Data(input.utf8))))"
    }

    /// The same header and payload, kept signature.
    static func replacingPayload(of token: String, with payload: [String: Any]) throws -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        return "\(parts[0]).\(try json(payload)).\(parts[2])"
    }

    static func hs256(_ key: Data) -> (Data) -> Data {
        { input in Data(HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: key))) }
    }

    static func ed25519(_ key: Curve25519.Signing.PrivateKey) -> (Data) throws -> Data {
        { input in try key.signature(for: input) }
    }
}
