public import ChatbotCore
public import Foundation

/// Where an S3-compatible store lives: endpoint, region, bucket, key prefix and addressing style.
///
/// Parsed from `s3://bucket/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1&path_style=true`
/// (`--object-store` / `CHATBOT_OBJECT_STORE`).
public struct S3Configuration: Sendable, Hashable {
    /// The service endpoint, e.g. `https://s3.us-east-1.amazonaws.com` or `http://127.0.0.1:9000`.
    public var endpoint: URL
    /// The region that requests are signed for.
    public var region: String
    /// The bucket name.
    public var bucket: String
    /// The key prefix without leading or trailing `/` (empty for the bucket's root).
    public var prefix: String
    /// `true`: `endpoint/bucket/key` (MinIO, Ceph, moto); `false`: `bucket.endpoint/key` (AWS).
    public var usesPathStyle: Bool

    /// Creates a configuration; `endpoint` defaults to AWS's regional endpoint.
    public init(
        bucket: String,
        prefix: String = "",
        region: String = "us-east-1",
        endpoint: URL? = nil,
        usesPathStyle: Bool? = nil
    ) {
        self.bucket = bucket
        self.prefix = prefix.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        self.region = region
        self.endpoint = endpoint ?? URL(string: "https://s3.\(region).amazonaws.com") ?? URL(fileURLWithPath: "/")
        // Custom endpoints rarely have wildcard DNS for virtual-hosted buckets.
        self.usesPathStyle = usesPathStyle ?? (endpoint != nil)
    }

    /// Parses `s3://bucket/prefix?endpoint=…&region=…&path_style=true|false`.
    ///
    /// The region falls back to `AWS_REGION`, then `AWS_DEFAULT_REGION` in `environment`, then `us-east-1`.
    /// - Throws: ``ChatbotError`` (`.usage`) for anything that is not such a URL.
    public init(url text: String, environment: [String: String] = [:]) throws {
        func invalid(_ reason: String) -> ChatbotError {
            ChatbotError(
                .usage, "'\(text)' is not an S3 object store URL: \(reason)",
                hint: "use s3://bucket/prefix?endpoint=http://host:port&region=us-east-1&path_style=true")
        }
        guard let components = URLComponents(string: text), components.scheme?.lowercased() == "s3" else {
            throw invalid("it does not start with s3://")
        }
        guard let bucket = components.host, Self.isValidBucketName(bucket) else {
            throw invalid("the bucket name is missing or invalid")
        }
        var endpoint: URL?
        var region: String?
        var pathStyle: Bool?
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "endpoint":
                guard let url = URL(string: value), let scheme = url.scheme?.lowercased(),
                    scheme == "http" || scheme == "https", url.host != nil
                else { throw invalid("endpoint must be an http:// or https:// URL") }
                endpoint = url
            case "region":
                guard !value.isEmpty else { throw invalid("region is empty") }
                region = value
            case "path_style":
                switch value.lowercased() {
                case "true", "1", "yes": pathStyle = true
                case "false", "0", "no": pathStyle = false
                default: throw invalid("path_style must be true or false")
                }
            default:
                throw invalid("unknown parameter '\(item.name)'")
            }
        }
        let resolvedRegion =
            region ?? environment["AWS_REGION"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["AWS_DEFAULT_REGION"].flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1"
        self.init(
            bucket: bucket, prefix: components.path, region: resolvedRegion, endpoint: endpoint,
            usesPathStyle: pathStyle)
    }

    /// The request parts (scheme, host, unencoded path) for `key` in the bucket, or for the bucket
    /// itself when `key` is `nil`.
    public func location(forKey key: String?) -> (scheme: String, host: String, path: String) {
        let scheme = endpoint.scheme?.lowercased() ?? "https"
        var host = endpoint.host ?? ""
        if host.contains(":") { host = "[\(host)]" }
        if let port = endpoint.port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) {
            host += ":\(port)"
        }
        let keyPath = key.map { "/" + $0 } ?? "/"
        if usesPathStyle {
            return (scheme, host, "/" + bucket + (key.map { "/" + $0 } ?? ""))
        }
        return (scheme, bucket + "." + host, keyPath)
    }

    /// `prefix/key`, or `key` when there is no prefix.
    public func fullKey(_ key: String) -> String {
        prefix.isEmpty ? key : prefix + "/" + key
    }

    /// S3's bucket naming rules: 3–63 characters of lowercase letters, digits, `.` and `-`,
    /// starting and ending with a letter or digit.
    public static func isValidBucketName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else {
            return false
        }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }
}
