import ChatbotBackup
import ChatbotBackupS3
import ChatbotCore
import ChatbotS3
import Foundation
import Logging
import NIOCore
import Testing

/// The S3 server of this run (`Scripts/start-moto`), if any.
private let s3URL = ProcessInfo.processInfo.environment["CHATBOT_TEST_S3_URL"].flatMap { $0.isEmpty ? nil : $0 }

@Suite("backups on S3", .enabled(if: s3URL != nil, "needs CHATBOT_TEST_S3_URL (Scripts/start-moto)"))
struct S3BackupDestinationTests {
    /// A client on a fresh bucket of its own, at the bucket's root: moto mis-verifies the signature
    /// of a listing whose prefix holds a `/` (see MotoServer.withoutSignatureChecks in
    /// ChatbotS3Tests), and a configured prefix always puts one there.
    private static func makeClient() async throws -> S3Client {
        let environment = ProcessInfo.processInfo.environment
        var configuration = try S3Configuration(url: try #require(s3URL), environment: environment)
        configuration.bucket = "chatbot-backup-" + UUID().uuidString.lowercased().prefix(8)
        configuration.prefix = ""
        let credentials =
            S3Credentials(environment: environment) ?? S3Credentials(accessKeyID: "testing", secretAccessKey: "testing")
        let client = S3Client(configuration: configuration, credentials: credentials, logger: Logger(label: "test"))
        try await client.createBucket()
        return client
    }

    @Test("create into S3, list, download, verify and restore; an upload without manifest is not listed and is pruned")
    func roundTrip() async throws {
        try await withTemporaryDirectory { root in
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            try await source.populate(conversations: 2, messagesEach: 10)
            do {
                try await Self.exercise(source: source, root: root)
            } catch {
                try? await source.close()
                throw error
            }
            try await source.close()
        }
    }

    private static func exercise(source: StoreFixture, root: URL) async throws {
        do {
            let client = try await makeClient()
            let destination = S3BackupDestination(client: client, lockDirectory: root.appendingPathComponent("lock"))
            let keyPath = root.appendingPathComponent("key").path
            try Data(repeating: 9, count: 32).write(to: URL(fileURLWithPath: keyPath))
            let key = try BackupKey.fromKeyFile(keyPath)
            let report = try await BackupCreator(database: source.store, objects: source.objects).create(
                in: destination, options: BackupCreateOptions(key: key, chatbotVersion: "test"))
            #expect(report.path == "\(destination.location)/\(report.name)")

            // Runs killed while uploading: data but no manifest, one long ago, one maybe still going.
            _ = try await client.putObject("chatbot-backup-20000101T000000Z/tables/messages.ndjson.zst", body: .init())
            let recent = "chatbot-backup-20990101T000000Z"
            _ = try await client.putObject("\(recent)/tables/messages.ndjson.zst", body: .init())
            let listed = try await destination.list()
            #expect(listed.map(\.name) == [report.name])
            #expect(listed.first?.encrypted == true)

            let local = try await destination.download(name: report.name, into: root.appendingPathComponent("dl"))
            let archive = try BackupArchive(at: local, key: key)
            #expect(try archive.verify().rows["messages"] == 20)
            let target = try await StoreFixture.open(in: root.appendingPathComponent("target"))
            _ = try await BackupRestorer(database: target.store, objects: target.objects).restore(archive)
            #expect(try await target.tableContents() == source.tableContents())
            #expect(try await target.objectContents() == source.objectContents())

            #expect(try await destination.removeAbandonedStaging() == ["chatbot-backup-20000101T000000Z"])
            try await destination.remove(name: report.name)
            try await destination.remove(name: recent)
            #expect(try await client.listAllObjects().isEmpty)
            try await target.close()
        }
    }

    @Test(
        "the lock excludes runs on other hosts (separate local lock directories), is released, and a stale one is taken over"
    )
    func sharedLock() async throws {
        try await withTemporaryDirectory { root in
            let client = try await Self.makeClient()
            let hostA = S3BackupDestination(client: client, lockDirectory: root.appendingPathComponent("host-a"))
            let hostB = S3BackupDestination(client: client, lockDirectory: root.appendingPathComponent("host-b"))
            let held = try await hostA.lock()
            // Another host: its local flock is free, the lock object is not.
            await #expect(throws: ChatbotError.self) { _ = try await hostB.lock() }
            // The failed attempt closed its local lock file, but a child process that another test
            // forks at that moment holds a copy of the descriptor (and so the flock) until it execs:
            // wait that out, then the S3 lock object must be what refuses, naming its holder.
            var refusal: ChatbotError?
            for _ in 0..<50 {
                do {
                    _ = try await hostB.lock()
                    Issue.record("host B took a lock host A holds")
                    break
                } catch let error as ChatbotError {
                    refusal = error
                    if !error.message.contains("is running in") { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(refusal?.kind == .temporary)
            #expect(refusal?.message.contains("pid \(ProcessInfo.processInfo.processIdentifier)") == true)
            // A backup on host B fails the same way and leaves nothing behind.
            let source = try await StoreFixture.open(in: root.appendingPathComponent("source"))
            await #expect(throws: ChatbotError.self) {
                _ = try await BackupCreator(database: source.store, objects: source.objects).create(
                    in: hostB, options: BackupCreateOptions(chatbotVersion: "test"))
            }
            #expect(try await client.listAllObjects().map(\.key) == [S3BackupLock.objectName])

            await held.release()
            #expect(try await client.headObject(S3BackupLock.objectName) == nil)
            let second = try await hostB.lock()
            await second.release()

            // A lock left by a dead run 13 hours ago is taken over (the default is 12 hours).
            let old = #"{"token":"dead","host":"gone","pid":1,"createdAt":"2000-01-01T00:00:00Z"}"#
            _ = try await client.putObject(S3BackupLock.objectName, body: ByteBuffer(string: old))
            let takenOver = try await hostA.lock()
            #expect(
                try await client.getObject(S3BackupLock.objectName).map { String(buffer: $0) }?.contains("dead")
                    == false)
            await takenOver.release()

            // Releasing a lock someone else has since taken over leaves theirs alone.
            let mine = try await hostA.lock()
            _ = try await client.deleteObject(S3BackupLock.objectName)
            let theirs = #"{"token":"theirs","host":"other","pid":2,"createdAt":"2999-01-01T00:00:00Z"}"#
            _ = try await client.putObject(S3BackupLock.objectName, body: ByteBuffer(string: theirs))
            await mine.release()
            #expect(
                try await client.getObject(S3BackupLock.objectName).map { String(buffer: $0) }?.contains("theirs")
                    == true)
            try await source.close()
        }
    }
}
