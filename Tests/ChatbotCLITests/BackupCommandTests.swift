import ChatbotBackup
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("chatbot backup")
struct BackupCommandTests {
    private static func seed(_ sandbox: CLISandbox) async throws {
        let migrate = try await sandbox.run("migrate", "up")
        #expect(migrate.exitCode == 0, "\(migrate)")
        try sandbox.sqlite(
            """
            INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'first', 1, 2);
            INSERT INTO messages (id, conversation_id, role, content, status, cached, created_at, cost)
            VALUES ('m1', 'c1', 'user', 'the quick brown fox', 'complete', 0, 5, NULL),
                   ('m2', 'c1', 'assistant', 'jumps over the lazy dog', 'complete', 1, 6, 0.25);
            """)
    }

    @Test("create, list, verify and restore into another data directory through the binary")
    func roundTrip() async throws {
        try await CLISandbox.with { sandbox in
            try await Self.seed(sandbox)
            let backups = sandbox.root.appendingPathComponent("backups").path
            let create = try await sandbox.run("backup", "create", "--to", backups, "--json")
            #expect(create.exitCode == 0, "\(create)")
            let report = try create.jsonObject()
            let path = try #require(report["path"] as? String)
            #expect((report["rows"] as? [String: Int])?["messages"] == 2)
            #expect(
                !FileManager.default.fileExists(atPath: backups + "/.partial-" + (path as NSString).lastPathComponent))

            let list = try await sandbox.run("backup", "list", backups, "--json")
            #expect(list.exitCode == 0, "\(list)")
            let listed = try list.jsonArray() as? [[String: Any]]
            #expect(listed?.count == 1)
            // The newest schema this binary writes.
            #expect(listed?.first?["schema_version"] as? Int == BackupSchema.known.map(\.version).max())
            #expect(listed?.first?["rows"] as? Int == 3)

            let verify = try await sandbox.run("backup", "verify", path)
            #expect(verify.exitCode == 0, "\(verify)")
            #expect(verify.stdout.hasPrefix("ok: "))

            let otherData = sandbox.root.appendingPathComponent("restored").path
            let restore = try await sandbox.run("backup", "restore", path, "--data-dir", otherData, "--json")
            #expect(restore.exitCode == 0, "\(restore)")
            let search = try await sandbox.run("history", "search", "jumping", "--data-dir", otherData, "--json")
            #expect(search.exitCode == 0, "\(search)")
            #expect(search.stdout.contains("lazy dog"))

            // Restoring again into the now non-empty store is refused; --force replaces it.
            let again = try await sandbox.run("backup", "restore", path, "--data-dir", otherData)
            #expect(again.exitCode == 1, "\(again)")
            #expect(again.stderr.contains("not empty"))
            let forced = try await sandbox.run("backup", "restore", path, "--data-dir", otherData, "--force")
            #expect(forced.exitCode == 0, "\(forced)")

            let prune = try await sandbox.run("backup", "prune", backups, "--keep-last", "1", "--dry-run", "--json")
            #expect(prune.exitCode == 0, "\(prune)")
            #expect((try prune.jsonObject()["kept"] as? [String])?.count == 1)
        }
    }

    @Test("a second create while another holds the directory's lock exits 75 with a clear message")
    func concurrentCreate() async throws {
        try await CLISandbox.with { sandbox in
            try await Self.seed(sandbox)
            let backups = sandbox.root.appendingPathComponent("backups")
            try FileManager.default.createDirectory(at: backups, withIntermediateDirectories: true)
            // Hold the lock as a running `backup create` does.
            let descriptor = open(backups.appendingPathComponent(".chatbot-backup.lock").path, O_RDWR | O_CREAT, 0o600)
            #expect(descriptor >= 0)
            defer { close(descriptor) }
            #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)

            let second = try await sandbox.run("backup", "create", "--to", backups.path)
            #expect(second.exitCode == 75, "\(second)")
            #expect(second.stderr.contains("another chatbot backup is running"))
            let prune = try await sandbox.run("backup", "prune", backups.path, "--keep-last", "1")
            #expect(prune.exitCode == 75, "\(prune)")

            flock(descriptor, LOCK_UN)
            let third = try await sandbox.run("backup", "create", "--to", backups.path, "--quiet")
            #expect(third.exitCode == 0, "\(third)")
            #expect(third.stderr.isEmpty)
        }
    }

    @Test("an encrypted backup needs its key; a damaged one fails verify with exit 1")
    func encryptedAndDamaged() async throws {
        try await CLISandbox.with { sandbox in
            try await Self.seed(sandbox)
            let backups = sandbox.root.appendingPathComponent("backups").path
            let keyFile = try sandbox.writeFile("backup.key", String(repeating: "ab", count: 32) + "\n")
            let create = try await sandbox.run("backup", "create", "--to", backups, "--key-file", keyFile)
            #expect(create.exitCode == 0, "\(create)")
            let path = create.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

            let noKey = try await sandbox.run("backup", "verify", path)
            #expect(noKey.exitCode == 64, "\(noKey)")
            #expect(try await sandbox.run("backup", "verify", path, "--key-file", keyFile).exitCode == 0)

            let table = URL(fileURLWithPath: path).appendingPathComponent("tables/messages.ndjson.zst")
            var bytes = try Data(contentsOf: table)
            bytes[bytes.count / 2] ^= 0x40
            try bytes.write(to: table)
            let damaged = try await sandbox.run("backup", "verify", path, "--key-file", keyFile)
            #expect(damaged.exitCode == 1, "\(damaged)")
            #expect(damaged.stderr.contains("messages.ndjson.zst"))
        }
    }

    @Test("a URL other than s3:// is a usage error (64); nothing is created")
    func otherURL() async throws {
        try await CLISandbox.with { sandbox in
            let result = try await sandbox.run("backup", "create", "--to", "ftp://host/dir")
            #expect(result.exitCode == 64, "\(result)")
            #expect(result.stderr.contains("s3://"))
            #expect(!FileManager.default.fileExists(atPath: "ftp:"))
        }
    }

    @Test(
        "create, list, verify, restore and prune with an s3:// destination (moto)",
        .enabled(if: ProcessInfo.processInfo.environment["CHATBOT_TEST_S3_URL"] != nil, "needs CHATBOT_TEST_S3_URL"))
    func s3Destination() async throws {
        try await CLISandbox.with { sandbox in
            try await Self.seed(sandbox)
            let environment = ProcessInfo.processInfo.environment
            let testURL = try #require(environment["CHATBOT_TEST_S3_URL"])
            let query = try #require(testURL.split(separator: "?", maxSplits: 1).last)
            // A bucket of its own, used at its root (moto mis-signs listings under a prefix with '/').
            let bucket = "chatbot-cli-backup-" + UUID().uuidString.lowercased().prefix(8)
            let endpoint = try #require(
                query.split(separator: "&").first { $0.hasPrefix("endpoint=") }?.dropFirst("endpoint=".count))
            var aws = environment.filter { $0.key.hasPrefix("AWS_") }
            aws["AWS_DEFAULT_REGION"] = aws["AWS_REGION"] ?? "us-east-1"
            let make = Process()
            make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            make.arguments = ["aws", "--endpoint-url", String(endpoint), "s3", "mb", "s3://\(bucket)"]
            make.environment = environment.merging(aws) { _, new in new }
            try make.run()
            make.waitUntilExit()
            #expect(make.terminationStatus == 0)

            let destination = "s3://\(bucket)?\(query)"
            let create = try await sandbox.run("backup", "create", "--to", destination, "--json", environment: aws)
            #expect(create.exitCode == 0, "\(create)")
            let name = try #require(try create.jsonObject()["name"] as? String)
            let list = try await sandbox.run("backup", "list", destination, "--json", environment: aws)
            #expect(list.exitCode == 0, "\(list)")
            #expect((try list.jsonArray() as? [[String: Any]])?.first?["name"] as? String == name)
            let backup = "s3://\(bucket)/\(name)?\(query)"
            let verify = try await sandbox.run("backup", "verify", backup, environment: aws)
            #expect(verify.exitCode == 0, "\(verify)")
            let otherData = sandbox.root.appendingPathComponent("restored").path
            let restore = try await sandbox.run("backup", "restore", backup, "--data-dir", otherData, environment: aws)
            #expect(restore.exitCode == 0, "\(restore)")
            let search = try await sandbox.run("history", "search", "lazy", "--data-dir", otherData, environment: aws)
            #expect(search.stdout.contains("jumps over"), "\(search)")
            let prune = try await sandbox.run(
                "backup", "prune", destination, "--keep-last", "1", "--json", environment: aws)
            #expect(prune.exitCode == 0, "\(prune)")
        }
    }
}
