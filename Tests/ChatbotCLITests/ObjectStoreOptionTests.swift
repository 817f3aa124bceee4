import Crypto
import Foundation
import Testing

/// `--object-store s3://…` puts the object store in S3: a restore fills the bucket, and a backup
/// of that store reads the objects back from it.
@Suite("chatbot --object-store")
struct ObjectStoreOptionTests {
    @Test(
        "restore into an S3 object store, then back it up again (moto)",
        .enabled(if: ProcessInfo.processInfo.environment["CHATBOT_TEST_S3_URL"] != nil, "needs CHATBOT_TEST_S3_URL"))
    func restoreIntoS3() async throws {
        try await CLISandbox.with { sandbox in
            let migrate = try await sandbox.run("migrate", "up")
            #expect(migrate.exitCode == 0, "\(migrate)")
            // One object in the filesystem store, in its content-addressed layout.
            let body = Data("an object that must travel to S3".utf8)
            let key = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
            let directory = "\(sandbox.dataDirectory)/objects/\(key.prefix(2))/\(key.dropFirst(2).prefix(2))"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try body.write(to: URL(fileURLWithPath: "\(directory)/\(key)"))

            let backups = sandbox.root.appendingPathComponent("backups").path
            let create = try await sandbox.run("backup", "create", "--to", backups, "--json")
            #expect(create.exitCode == 0, "\(create)")
            let path = try #require(try create.jsonObject()["path"] as? String)

            // A bucket of its own, used at its root (moto mis-signs listings under a prefix with '/').
            let environment = ProcessInfo.processInfo.environment
            let testURL = try #require(environment["CHATBOT_TEST_S3_URL"])
            let query = try #require(testURL.split(separator: "?", maxSplits: 1).last)
            let endpoint = try #require(
                query.split(separator: "&").first { $0.hasPrefix("endpoint=") }?.dropFirst("endpoint=".count))
            let bucket = "chatbot-cli-objects-" + UUID().uuidString.lowercased().prefix(8)
            var aws = environment.filter { $0.key.hasPrefix("AWS_") }
            aws["AWS_DEFAULT_REGION"] = aws["AWS_REGION"] ?? "us-east-1"
            #expect(try Self.aws(["s3", "mb", "s3://\(bucket)"], endpoint: String(endpoint), environment: aws) != nil)
            let objectStore = "s3://\(bucket)?\(query)"

            let otherData = sandbox.root.appendingPathComponent("restored").path
            let restore = try await sandbox.run(
                "backup", "restore", path, "--data-dir", otherData, "--object-store", objectStore, environment: aws)
            #expect(restore.exitCode == 0, "\(restore)")
            #expect(!FileManager.default.fileExists(atPath: "\(otherData)/objects/\(key.prefix(2))"))
            let copied = try Self.aws(
                ["s3", "cp", "s3://\(bucket)/\(key.prefix(2))/\(key.dropFirst(2).prefix(2))/\(key)", "-"],
                endpoint: String(endpoint), environment: aws)
            #expect(copied == body, "the restored object is readable with the aws CLI")

            let again = try await sandbox.run(
                "backup", "create", "--to", sandbox.root.appendingPathComponent("backups2").path, "--json",
                "--data-dir", otherData, "--object-store", objectStore, environment: aws)
            #expect(again.exitCode == 0, "\(again)")
            #expect((try again.jsonObject()["objects"] as? Int) == 1, "\(again)")
        }
    }

    /// Runs `aws --endpoint-url ENDPOINT ARGS…`; its stdout, or `nil` when it failed.
    private static func aws(_ arguments: [String], endpoint: String, environment: [String: String]) throws -> Data? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["aws", "--endpoint-url", endpoint] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? data : nil
    }
}
