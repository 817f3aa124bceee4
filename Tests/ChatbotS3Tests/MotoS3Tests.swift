import AsyncHTTPClient
import ChatbotCore
import ChatbotS3
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Against a real S3-protocol server (moto, started by `Scripts/start-moto`); enabled only when
/// `CHATBOT_TEST_S3_URL` is set. Serialized because one test switches moto's signature checks.
@Suite("S3 against a real server (CHATBOT_TEST_S3_URL)", .enabled(if: MotoServer.isConfigured), .serialized)
struct MotoS3Tests {
    @Test("the shared ObjectStore assertions hold for S3ObjectStore")
    func conformance() async throws {
        try await ObjectStoreConformance.all {
            MotoListingStore(base: S3ObjectStore(client: try await MotoServer.makeClient()))
        }
    }

    @Test("list follows continuation tokens (2 keys a page)")
    func listPagination() async throws {
        let client = try await MotoServer.makeClient()
        let store = MotoListingStore(base: S3ObjectStore(client: client, listPageSize: 2))
        try await ObjectStoreConformance.listsMany(store, count: 5)
        let firstPage = try await MotoServer.withoutSignatureChecks(endpoint: client.configuration.endpoint) {
            try await client.listObjects(maxKeys: 2)
        }
        #expect(firstPage.objects.count == 2)
        #expect(firstPage.nextContinuationToken != nil)
        // An object outside the ab/cd/<hash> layout is not an object key.
        try await client.putObject("stray.txt", body: ByteBuffer(string: "x"))
        #expect(try await store.list().count == 5)
    }

    @Test("objects live under prefix/ab/cd/<hash>; put skips the upload when HEAD finds the object")
    func layoutAndHead() async throws {
        let client = try await MotoServer.makeClient()
        let store = S3ObjectStore(client: client)
        let data = Data("layout".utf8)
        let key = try await store.put(data)
        let objectKey = "\(key.prefix(2))/\(key.dropFirst(2).prefix(2))/\(key)"
        let info = try #require(try await client.headObject(objectKey))
        #expect(info.size == data.count)
        // Overwrite the stored bytes behind the store's back: a second put must not upload again.
        try await client.putObject(objectKey, body: ByteBuffer(string: "tampered"))
        #expect(try await store.put(data) == key)
        #expect(try await store.get(key) == Data("tampered".utf8))
    }

    @Test("a ranged GET returns exactly the requested bytes")
    func rangedGet() async throws {
        let client = try await MotoServer.makeClient()
        try await client.putObject("range.txt", body: ByteBuffer(string: "0123456789abcdef"))
        let slice = try #require(try await client.getObject("range.txt", range: 3...7))
        #expect(String(buffer: slice) == "34567")
        #expect(try await client.getObject("missing.txt", range: 0...1) == nil)
    }

    @Test("a 12 MiB async byte sequence is uploaded in 5 MiB parts and reads back intact")
    func multipartFromSequence() async throws {
        let client = try await MotoServer.makeClient()
        let size = 12 * 1024 * 1024
        let chunks = GeneratedBytes(total: size, chunkSize: 64 * 1024)
        let eTag = try await client.uploadMultipart("big.bin", bytes: chunks, partSize: S3Client.minimumPartSize)
        #expect(eTag.hasSuffix("-3"))  // a multipart ETag names its part count: 5 + 5 + 2 MiB
        let stored = try #require(try await client.getObject("big.bin"))
        #expect(stored.readableBytes == size)
        #expect(SHA256.hash(data: Data(stored.readableBytesView)) == GeneratedBytes.digest(total: size))
        let tail = try #require(try await client.getObject("big.bin", range: (size - 4)...(size - 1)))
        #expect(Array(tail.readableBytesView) == Array(GeneratedBytes.bytes(in: (size - 4)..<size)))
    }

    @Test("a file is uploaded in parts; content smaller than a part is one PUT")
    func multipartFromFile() async throws {
        let client = try await MotoServer.makeClient()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("chatbot-s3-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        let size = 11 * 1024 * 1024 + 17
        try Data(GeneratedBytes.bytes(in: 0..<size)).write(to: file)
        let eTag = try await client.uploadMultipart("file.bin", fileAt: file, partSize: S3Client.minimumPartSize)
        #expect(eTag.hasSuffix("-3"))
        #expect(try await client.headObject("file.bin")?.size == size)
        let stored = try #require(try await client.getObject("file.bin"))
        #expect(Data(stored.readableBytesView) == (try Data(contentsOf: file)))

        // Every part went with its CRC-32 (S3's flexible checksums): the server keeps the composite
        // checksum — the CRC-32 of the parts' CRC-32s — which `aws s3api head-object` reports.
        let content = try Data(contentsOf: file)
        let partCRCs = stride(from: 0, to: size, by: S3Client.minimumPartSize).map { start in
            let part = ByteBuffer(bytes: content[start..<min(start + S3Client.minimumPartSize, size)])
            return Data(base64Encoded: S3Client.crc32(part))!
        }
        let composite = S3Client.crc32(ByteBuffer(bytes: partCRCs.reduce(Data(), +)))
        let configuration = client.configuration
        let head = try await MotoServer.aws(
            [
                "s3api", "head-object", "--bucket", configuration.bucket, "--key", configuration.fullKey("file.bin"),
                "--checksum-mode", "ENABLED",
            ], endpoint: configuration.endpoint)
        let reported = try JSONSerialization.jsonObject(with: head) as? [String: Any]
        #expect((reported?["ChecksumCRC32"] as? String)?.hasPrefix(composite) == true, "\(reported ?? [:])")

        try Data("small".utf8).write(to: file)
        let smallTag = try await client.uploadMultipart("small.bin", fileAt: file)
        #expect(!smallTag.contains("-"))
        #expect(try await client.getObject("small.bin").map { String(buffer: $0) } == "small")
    }

    @Test("a stream is staged as a multipart upload, copied to its hash and the staging object deleted")
    func streaming() async throws {
        let client = try await MotoServer.makeClient()
        let store = S3ObjectStore(client: client)
        try await ObjectStoreConformance.streams(store, listing: MotoListingStore(base: store)) {
            try await MotoServer.withoutSignatureChecks(endpoint: client.configuration.endpoint) {
                try await client.listAllObjects().map(\.key).filter { $0.contains("incoming/") }
            }
        }
    }

    @Test("a failing multipart upload is aborted and leaves no object")
    func multipartAbort() async throws {
        let client = try await MotoServer.makeClient()
        let failing = GeneratedBytes(total: 11 * 1024 * 1024, chunkSize: 1024 * 1024, failAfter: 7 * 1024 * 1024)
        await #expect(throws: GeneratedBytes.InjectedFailure.self) {
            try await client.uploadMultipart("aborted.bin", bytes: failing, partSize: S3Client.minimumPartSize)
        }
        #expect(try await client.headObject("aborted.bin") == nil)
    }

    @Test("a presigned GET URL is fetched with a plain HTTP GET, no credentials")
    func presignedGet() async throws {
        let client = try await MotoServer.makeClient()
        try await client.putObject("shared file.txt", body: ByteBuffer(string: "presigned content"))
        let url = client.presignedGetURL("shared file.txt", expires: 300)
        #expect(url.contains("X-Amz-Signature="))
        #expect(url.contains("X-Amz-Expires=300"))
        // moto answers query-string-signed requests only while its header signature checks are off
        // (it does not verify presigned signatures; the AWS example vector in SigV4SignerTests does).
        let (status, body) = try await MotoServer.withoutSignatureChecks(endpoint: client.configuration.endpoint) {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            return (response.status, try await response.body.collect(upTo: 1 << 20))
        }
        #expect(status == .ok)
        #expect(String(buffer: body) == "presigned content")
    }

    @Test("a request signed with a wrong secret is rejected with a credentials error")
    func wrongSecretRejected() async throws {
        let good = try await MotoServer.makeClient()
        var credentials = MotoServer.credentials
        credentials.secretAccessKey += "-wrong"
        let bad = S3Client(
            configuration: good.configuration, credentials: credentials, retryPolicy: S3RetryPolicy(maxAttempts: 1),
            logger: MotoServer.logger)
        let error = try await #require(throws: S3Error.self) { try await bad.headObject("anything") }
        #expect(error.statusCode == 403)  // HEAD responses carry no <Error> body
        let getError = try await #require(throws: S3Error.self) { try await bad.getObject("anything") }
        #expect(getError.statusCode == 403)
        #expect(getError.code == "SignatureDoesNotMatch")
        let storeError = try await #require(throws: ChatbotError.self) {
            try await S3ObjectStore(client: bad).put(Data("x".utf8))
        }
        #expect(storeError.kind == .usage)
        #expect(storeError.hint?.contains("AWS_SECRET_ACCESS_KEY") == true)
    }

    @Test("an object we store is read by `aws s3 cp`, and one `aws s3 cp` stores is read by us")
    func awsCLIInterop() async throws {
        let client = try await MotoServer.makeClient()
        let store = MotoListingStore(base: S3ObjectStore(client: client))
        let configuration = client.configuration
        let data = Data("written by chatbot \u{2603}".utf8)
        let key = try await store.put(data)
        let objectKey = configuration.fullKey("\(key.prefix(2))/\(key.dropFirst(2).prefix(2))/\(key)")
        let read = try await MotoServer.aws(
            ["s3", "cp", "s3://\(configuration.bucket)/\(objectKey)", "-"], endpoint: configuration.endpoint)
        #expect(read == data)

        let theirs = Data("written by the aws CLI".utf8)
        let theirKey = ObjectStoreConformance.hex(theirs)
        let theirObjectKey = configuration.fullKey(
            "\(theirKey.prefix(2))/\(theirKey.dropFirst(2).prefix(2))/\(theirKey)")
        _ = try await MotoServer.aws(
            ["s3", "cp", "-", "s3://\(configuration.bucket)/\(theirObjectKey)"], input: theirs,
            endpoint: configuration.endpoint)
        #expect(try await store.get(theirKey) == theirs)
        #expect(Set(try await store.list()) == [key, theirKey])
    }
}
