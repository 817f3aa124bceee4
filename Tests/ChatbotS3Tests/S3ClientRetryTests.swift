import ChatbotCore
import ChatbotS3
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@Suite("S3Client retries (scripted server)")
struct S3ClientRetryTests {
    static func client(port: Int, attempts: Int) throws -> S3Client {
        S3Client(
            configuration: try S3Configuration(url: "s3://bucket/p?endpoint=http://127.0.0.1:\(port)"),
            credentials: S3Credentials(accessKeyID: "id", secretAccessKey: "secret"),
            retryPolicy: S3RetryPolicy(maxAttempts: attempts, initialDelay: .milliseconds(10)),
            logger: Logger(label: "chatbot.s3.tests"))
    }

    static func errorXML(_ code: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>\(code)</Code><Message>\(code) message</Message></Error>"
    }

    @Test("503 SlowDown and 500 are retried until the request succeeds")
    func retriesUntilSuccess() async throws {
        let replies: [ScriptedHTTPServer.Reply] = [
            .init(status: .serviceUnavailable, body: Self.errorXML("SlowDown")),
            .init(status: .internalServerError, body: Self.errorXML("InternalError")),
            .init(status: .ok, body: "content"),
        ]
        try await ScriptedHTTPServer.with(replies: replies) { server in
            let client = try Self.client(port: server.port, attempts: 4)
            let body = try await client.getObject("k")
            #expect(body.map { String(buffer: $0) } == "content")
            #expect(server.requests == Array(repeating: "GET /bucket/p/k", count: 3))
        }
    }

    @Test("retries stop after maxAttempts and the last S3 error is reported")
    func givesUp() async throws {
        let replies = Array(
            repeating: ScriptedHTTPServer.Reply(status: .serviceUnavailable, body: Self.errorXML("SlowDown")), count: 5)
        try await ScriptedHTTPServer.with(replies: replies) { server in
            let client = try Self.client(port: server.port, attempts: 3)
            let error = try await #require(throws: S3Error.self) { try await client.putObject("k", body: ByteBuffer()) }
            #expect(error.statusCode == 503)
            #expect(error.code == "SlowDown")
            #expect(server.requests.count == 3)
            let storeError = S3ObjectStore.chatbotError(error, bucket: "bucket")
            #expect(storeError.kind == .temporary)
        }
    }

    @Test("client errors such as 403 AccessDenied are not retried")
    func clientErrorsAreFinal() async throws {
        let replies: [ScriptedHTTPServer.Reply] = [.init(status: .forbidden, body: Self.errorXML("AccessDenied"))]
        try await ScriptedHTTPServer.with(replies: replies) { server in
            let client = try Self.client(port: server.port, attempts: 4)
            let error = try await #require(throws: S3Error.self) { try await client.getObject("k") }
            #expect(error.code == "AccessDenied")
            #expect(error.message == "AccessDenied message")
            #expect(server.requests.count == 1)
        }
    }

    @Test("CompleteMultipartUpload answering 200 with an <Error> body fails")
    func completeWithErrorBody() async throws {
        let replies: [ScriptedHTTPServer.Reply] = [.init(status: .ok, body: Self.errorXML("InternalError"))]
        try await ScriptedHTTPServer.with(replies: replies) { server in
            let client = try Self.client(port: server.port, attempts: 1)
            let error = try await #require(throws: S3Error.self) {
                try await client.completeMultipartUpload("k", uploadID: "u/1", eTags: ["\"a\""])
            }
            #expect(error.code == "InternalError")
            #expect(server.requests == ["POST /bucket/p/k?uploadId=u%2F1"])
        }
    }

    @Test("a multipart upload reads at most one part ahead of the part it is sending")
    func multipartMemoryIsBounded() async throws {
        let part = S3Client.minimumPartSize
        let chunk = 256 * 1024
        let bytes = GeneratedBytes(total: 4 * part, chunkSize: chunk)
        let created = "<InitiateMultipartUploadResult><UploadId>up-1</UploadId></InitiateMultipartUploadResult>"
        var replies: [ScriptedHTTPServer.Reply] = [.init(status: .ok, body: created)]
        for number in 1...4 { replies.append(.init(status: .ok, body: "", headers: [("ETag", "\"e\(number)\"")])) }
        replies.append(
            .init(
                status: .ok, body: "<CompleteMultipartUploadResult><ETag>\"x-4\"</ETag></CompleteMultipartUploadResult>"
            ))
        let produced = bytes.produced
        let probe: @Sendable () -> Int = { produced.count.withLock { $0 } }
        try await ScriptedHTTPServer.with(replies: replies, probe: probe) { server in
            let client = try Self.client(port: server.port, attempts: 1)
            let eTag = try await client.uploadMultipart("big", bytes: bytes, partSize: part, concurrency: 1)
            #expect(eTag == "x-4")
            let received = server.received
            #expect(received.count == 6)
            #expect(received.first?.request == "POST /bucket/p/big?uploads=")
            for number in 1...4 {
                let request = received[number]
                #expect(request.request == "PUT /bucket/p/big?partNumber=\(number)&uploadId=up-1")
                #expect(request.bodySize == part)
                // While part N is on the wire, no more than part N+1 (plus one chunk) has been read.
                #expect(request.probe <= (number + 1) * part + chunk)
            }
            #expect(received.last?.request == "POST /bucket/p/big?uploadId=up-1")
        }
    }
}
