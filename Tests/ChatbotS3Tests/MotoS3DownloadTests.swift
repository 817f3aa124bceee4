import ChatbotS3
import Crypto
import Foundation
import NIOCore
import Synchronization
import Testing

/// Streamed downloads and parallel multipart uploads against a real S3-protocol server (moto);
/// enabled only when `CHATBOT_TEST_S3_URL` is set.
@Suite("S3 streamed transfers against a real server (CHATBOT_TEST_S3_URL)", .enabled(if: MotoServer.isConfigured))
struct MotoS3DownloadTests {
    static func makeDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chatbot-s3-download-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static func contents(of directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    @Test("a 20 MiB object is downloaded in parallel ranges without ever holding more than a few MiB")
    func boundedDownload() async throws {
        let client = try await MotoServer.makeClient()
        let size = 20 * 1024 * 1024
        let bytes = GeneratedBytes(total: size, chunkSize: 256 * 1024)
        let eTag = try await client.uploadMultipart("twenty.bin", bytes: bytes, partSize: S3Client.minimumPartSize)
        #expect(eTag.hasSuffix("-4"))  // 4 parts of 5 MiB, uploaded up to 4 at a time
        let sink = CountingSink()
        let downloaded = try await client.downloadObject(
            "twenty.bin", into: sink, partSize: 4 * 1024 * 1024, concurrency: 3)
        #expect(downloaded == size)
        let counts = sink.counts.withLock { $0 }
        #expect(counts.total == size)
        #expect(counts.mismatchedChunks == 0)
        #expect(counts.largestChunk <= 1024 * 1024)
        #expect(counts.mostHeld <= 3 * 1024 * 1024)
    }

    @Test("downloadObject(to:) writes the object to the file, replacing it, and leaves nothing else")
    func downloadToFile() async throws {
        let client = try await MotoServer.makeClient()
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("source.bin")
        let size = 11 * 1024 * 1024 + 17
        try Data(GeneratedBytes.bytes(in: 0..<size)).write(to: source)
        try await client.uploadMultipart("file.bin", fileAt: source, partSize: S3Client.minimumPartSize)

        let target = directory.appendingPathComponent("target.bin")
        try Data("old content".utf8).write(to: target)
        let downloaded = try await client.downloadObject("file.bin", to: target, partSize: 2 * 1024 * 1024)
        #expect(downloaded == size)
        #expect(SHA256.hash(data: try Data(contentsOf: target)) == SHA256.hash(data: try Data(contentsOf: source)))
        #expect(try Self.contents(of: directory) == ["source.bin", "target.bin"])

        // One part, and an empty object.
        try await client.putObject("small.txt", body: ByteBuffer(string: "small"))
        let small = directory.appendingPathComponent("small.txt")
        #expect(try await client.downloadObject("small.txt", to: small) == 5)
        #expect(try String(contentsOf: small, encoding: .utf8) == "small")
        try await client.putObject("empty", body: ByteBuffer())
        let empty = directory.appendingPathComponent("empty")
        #expect(try await client.downloadObject("empty", to: empty) == 0)
        #expect(try Data(contentsOf: empty).isEmpty)
    }

    @Test("a missing object gives nil and no file; a failed download leaves the old file and no part file")
    func missingAndFailed() async throws {
        let client = try await MotoServer.makeClient()
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("target.bin")
        #expect(try await client.downloadObject("missing.bin", to: target) == nil)
        #expect(try Self.contents(of: directory).isEmpty)

        try await client.putObject("present.txt", body: ByteBuffer(string: "present"))
        try Data("keep me".utf8).write(to: target)
        var credentials = MotoServer.credentials
        credentials.secretAccessKey += "-wrong"
        let bad = S3Client(
            configuration: client.configuration, credentials: credentials, retryPolicy: S3RetryPolicy(maxAttempts: 1),
            logger: MotoServer.logger)
        let error = try await #require(throws: S3Error.self) {
            try await bad.downloadObject("present.txt", to: target)
        }
        #expect(error.statusCode == 403)
        #expect(try String(contentsOf: target, encoding: .utf8) == "keep me")
        #expect(try Self.contents(of: directory) == ["target.bin"])
    }
}
