import Crypto
public import Foundation

/// AWS Signature Version 4 for S3: the `Authorization` header and presigned URLs.
///
/// Follows "Authenticating Requests (AWS Signature Version 4)" of the S3 API reference:
/// canonical request → string to sign → signing key derived from the secret, date, region and
/// service → HMAC-SHA256 signature. Checked against the worked examples of that document.
public struct SigV4Signer: Sendable {
    /// `x-amz-content-sha256` value for a body that is not hashed.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// SHA-256 (hex) of the empty body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The keys that sign.
    public var credentials: S3Credentials
    /// The region in the credential scope, e.g. `us-east-1`.
    public var region: String
    /// The service in the credential scope; `s3`.
    public var service: String

    /// Creates a signer for `region` and `service`.
    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The intermediate results of signing, for tests and debugging.
    public struct Signature: Sendable, Hashable {
        /// The canonical request (step 1).
        public var canonicalRequest: String
        /// The string to sign (step 2).
        public var stringToSign: String
        /// The signature, lowercase hex (step 4).
        public var signature: String
        /// The `;`-separated lowercase names of the signed headers.
        public var signedHeaders: String
        /// The `Authorization` header value.
        public var authorization: String
    }

    /// Signs `request` at `date`, adding `x-amz-date`, `x-amz-content-sha256` (`payloadHash`) and,
    /// with a session token, `x-amz-security-token` to the headers when they are not there.
    ///
    /// - Returns: the headers to send (including `Host` and `Authorization`) and the details.
    public func sign(
        _ request: SigV4Request,
        payloadHash: String,
        date: Date
    ) -> (headers: [(name: String, value: String)], signature: Signature) {
        let amzDate = Self.amzDate(date)
        var headers = request.headers
        func add(_ name: String, _ value: String) {
            if !headers.contains(where: { $0.name.lowercased() == name }) { headers.append((name, value)) }
        }
        add("host", request.host)
        add("x-amz-date", amzDate)
        add("x-amz-content-sha256", payloadHash)
        if let token = credentials.sessionToken { add("x-amz-security-token", token) }

        let canonicalHeaders = Self.canonicalHeaders(headers)
        let canonicalRequest = [
            request.method, request.encodedPath, request.canonicalQuery,
            canonicalHeaders.text, canonicalHeaders.signed, payloadHash,
        ].joined(separator: "\n")
        let (stringToSign, signature) = sign(canonicalRequest: canonicalRequest, amzDate: amzDate)
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(amzDate)),"
            + "SignedHeaders=\(canonicalHeaders.signed),Signature=\(signature)"
        headers.append(("Authorization", authorization))
        let details = Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
            signedHeaders: canonicalHeaders.signed, authorization: authorization)
        return (headers, details)
    }

    /// A presigned URL for `request` (query-string authentication), valid for `expires` seconds
    /// from `date` (AWS allows at most 604 800, seven days). Only `host` is signed; the payload is
    /// `UNSIGNED-PAYLOAD`.
    public func presignedURL(
        _ request: SigV4Request,
        expires: Int,
        date: Date
    ) -> (url: String, signature: Signature) {
        let amzDate = Self.amzDate(date)
        var presigned = request
        presigned.headers = []
        presigned.query += [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope(amzDate))"),
            ("X-Amz-Date", amzDate),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", "host"),
        ]
        if let token = credentials.sessionToken { presigned.query.append(("X-Amz-Security-Token", token)) }
        let canonicalRequest = [
            request.method, presigned.encodedPath, presigned.canonicalQuery,
            "host:\(request.host)\n", "host", Self.unsignedPayload,
        ].joined(separator: "\n")
        let (stringToSign, signature) = sign(canonicalRequest: canonicalRequest, amzDate: amzDate)
        let details = Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
            signedHeaders: "host", authorization: "")
        return (presigned.urlString + "&X-Amz-Signature=" + signature, details)
    }

    /// The signing key: HMAC chain over `"AWS4" + secret`, the date (`yyyyMMdd`), region, service
    /// and `aws4_request`.
    func signingKey(dateStamp: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [dateStamp, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    /// Lowercase hex SHA-256 of `data`.
    public static func hexSHA256(_ data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    /// Percent-encodes `text` the AWS way: RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`)
    /// stay, `/` stays when `keepSlash`, every other UTF-8 byte becomes `%XX` (uppercase hex).
    public static func uriEncode(_ text: String, keepSlash: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                result.append("/")
            default:
                result += "%" + String(byte >> 4, radix: 16).uppercased() + String(byte & 0xF, radix: 16).uppercased()
            }
        }
        return result
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    public static func amzDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(parts.year, 4) + pad(parts.month, 2) + pad(parts.day, 2) + "T" + pad(parts.hour, 2)
            + pad(parts.minute, 2) + pad(parts.second, 2) + "Z"
    }

    // MARK: - Steps

    private func scope(_ amzDate: String) -> String {
        "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
    }

    private func sign(canonicalRequest: String, amzDate: String) -> (stringToSign: String, signature: String) {
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope(amzDate), Self.hexSHA256(Data(canonicalRequest.utf8)),
        ].joined(separator: "\n")
        let key = signingKey(dateStamp: String(amzDate.prefix(8)))
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        return (stringToSign, signature)
    }

    /// Lowercase names, values trimmed with inner runs of spaces collapsed, sorted by name; repeated
    /// names joined with commas.
    private static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (text: String, signed: String) {
        var byName: [String: [String]] = [:]
        for header in headers {
            let value = header.value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            byName[header.name.lowercased(), default: []].append(value.trimmingCharacters(in: .whitespaces))
        }
        let names = byName.keys.sorted()
        let text = names.map { "\($0):\(byName[$0, default: []].joined(separator: ","))\n" }.joined()
        return (text, names.joined(separator: ";"))
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var result: [UInt8] = []
        for byte in bytes {
            result.append(digits[Int(byte >> 4)])
            result.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: result, as: UTF8.self)
    }
}
