import Foundation

/// One page of a ListObjectsV2 response.
public struct S3ListPage: Sendable, Hashable {
    /// One listed object.
    public struct Object: Sendable, Hashable {
        /// The full key (including any prefix).
        public var key: String
        /// The size in bytes.
        public var size: Int
        /// The entity tag, with its quotes removed.
        public var eTag: String

        /// Creates an entry from its parts.
        public init(key: String, size: Int, eTag: String) {
            self.key = key
            self.size = size
            self.eTag = eTag
        }
    }

    /// The objects on this page.
    public var objects: [Object]
    /// The token for the next page, or `nil` on the last page.
    public var nextContinuationToken: String?

    /// Creates a page from its parts.
    public init(objects: [Object], nextContinuationToken: String?) {
        self.objects = objects
        self.nextContinuationToken = nextContinuationToken
    }

    /// Parses a `<ListBucketResult>` document, or returns `nil` when `bytes` are not one.
    public init?(xml bytes: some Collection<UInt8>) {
        guard let root = S3XMLElement.parse(bytes), root.name == "ListBucketResult" else { return nil }
        objects = root.children(named: "Contents").compactMap { contents in
            guard let key = contents.text(of: "Key") else { return nil }
            let eTag = (contents.text(of: "ETag") ?? "").trimmingCharacters(in: ["\""])
            return Object(key: key, size: Int(contents.text(of: "Size") ?? "") ?? 0, eTag: eTag)
        }
        let truncated = root.text(of: "IsTruncated")?.lowercased() == "true"
        let token = root.text(of: "NextContinuationToken")
        nextContinuationToken = truncated ? (token?.isEmpty == false ? token : nil) : nil
    }
}
