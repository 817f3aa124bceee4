import AsyncHTTPClient
import ChatbotAccounts
import ChatbotCore
import ChatbotServer
import ChatbotTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// `chatbot serve` as an operator runs it: the built binary on a data directory, killed with
/// SIGKILL in the middle of an answer and started again.
@Suite(
    "chatbot serve: the process",
    .enabled(if: ChatbotBinary.path != nil, "the chatbot binary is not built"),
    .enabled(if: ServerFixture.llamaURL != nil, "CHATBOT_TEST_LLAMA_URL is not set"))
struct ServeProcessTests {
    /// A data directory with a config that points at the test llama-server.
    final class Sandbox: Sendable {
        let directory: String

        init() throws {
            directory =
                FileManager.default.temporaryDirectory.appendingPathComponent("chatbot-serve-\(UUID().uuidString)")
                .path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let config = """
                model: llama:SmolLM2-135M-Instruct
                data_dir: \(directory)/data
                providers:
                  llama: {base_url: "\(ServerFixture.llamaURL ?? "")", default_model: SmolLM2-135M-Instruct}

                """
            try config.write(toFile: "\(directory)/config.yaml", atomically: true, encoding: .utf8)
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        var environment: [String: String] {
            [
                "HOME": directory, "XDG_CONFIG_HOME": "\(directory)/xdg", "XDG_DATA_HOME": "\(directory)/xdg",
                "CHATBOT_CONFIG": "\(directory)/config.yaml", "PATH": "/usr/bin:/bin",
            ]
        }

        /// Runs the binary to the end with `input` on stdin; on a thread of its own.
        func run(_ arguments: [String], input: String = "") async throws -> (status: Int32, stdout: String) {
            let binary = try #require(ChatbotBinary.path)
            let environment = environment
            return try await withCheckedThrowingContinuation { continuation in
                Thread {
                    continuation.resume(
                        with: Result {
                            let process = Process()
                            process.executableURL = URL(fileURLWithPath: binary)
                            process.arguments = arguments
                            process.environment = environment
                            let stdin = Pipe()
                            let stdout = Pipe()
                            process.standardInput = stdin
                            process.standardOutput = stdout
                            process.standardError = FileHandle.nullDevice
                            try process.run()
                            stdin.fileHandleForWriting.write(Data(input.utf8))
                            try stdin.fileHandleForWriting.close()
                            let output = stdout.fileHandleForReading.readDataToEndOfFile()
                            process.waitUntilExit()
                            return (process.terminationStatus, String(decoding: output, as: UTF8.self))
                        })
                }.start()
            }
        }

        /// Starts `chatbot serve --port 0` and returns it with the port it printed.
        func serve(environment extra: [String: String] = [:]) async throws -> (process: Process, port: Int) {
            let binary = try #require(ChatbotBinary.path)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["serve", "--port", "0", "--access-log", "off"]
            process.environment = environment.merging(extra) { $1 }
            let stderr = Pipe()
            process.standardError = stderr
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let port: Int? = try await withCheckedThrowingContinuation { continuation in
                Thread {
                    var seen = ""
                    while true {
                        let chunk = stderr.fileHandleForReading.availableData
                        if chunk.isEmpty { break }
                        seen += String(decoding: chunk, as: UTF8.self)
                        if let range = seen.range(
                            of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression)
                        {
                            let port = Int(seen[range].split(separator: ":").last ?? "")
                            continuation.resume(returning: port)
                            // Keep draining so the server never blocks on a full pipe.
                            while !stderr.fileHandleForReading.availableData.isEmpty {}
                            return
                        }
                    }
                    continuation.resume(returning: nil)
                }.start()
            }
            return (process, try #require(port, "serve did not say where it listens"))
        }
    }

    @Test(
        "a second serve process on the same PostgreSQL: logout, disable and a revoked key take effect there at once",
        .enabled(if: PostgresScratchDatabase.serverURL != nil, "CHATBOT_TEST_POSTGRES_URL is not set"))
    func secondReplica() async throws {
        try await ServerFixture.with(postgres: true) { fixture in
            let sandbox = try Sandbox()
            let url = try #require(fixture.databaseURL)
            let (other, port) = try await sandbox.serve(environment: ["CHATBOT_DATABASE_URL": url])
            defer { if other.isRunning { other.terminate() } }
            let user = try await fixture.addUser("remy")
            let key = try await fixture.keys.create(owner: user.name, scopes: [.chat], by: fixture.admin)

            func status(_ path: String, bearer: String, method: HTTPMethod = .GET, body: String? = nil) async throws
                -> UInt
            {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                request.method = method
                request.headers.add(name: "Authorization", value: "Bearer \(bearer)")
                if let body {
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(string: body))
                }
                return try await HTTPClient.shared.execute(request, timeout: .seconds(30)).status.code
            }

            // Tokens from this process work on the other one.
            var tokens = try await fixture.login("remy")
            let access = try #require(tokens["access_token"] as? String)
            let refresh = try #require(tokens["refresh_token"] as? String)
            #expect(try await status("/api/auth/me", bearer: access) == 200)
            #expect(try await status("/api/auth/me", bearer: key.secret) == 200)

            // Logout here: the refresh token is dead there.
            try await fixture.client.execute(
                uri: "/api/auth/logout", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"refresh_token":"\#(refresh)"}"#)
            ) { #expect($0.status == .noContent) }
            #expect(
                try await status(
                    "/api/auth/refresh", bearer: "-", method: .POST, body: #"{"refresh_token":"\#(refresh)"}"#) == 401)

            // A revoked key and a disabled user: refused there on the next request.
            _ = try await fixture.keys.revoke(key.key.id, by: fixture.admin)
            #expect(try await status("/api/auth/me", bearer: key.secret) == 401)
            tokens = try await fixture.login("remy")
            let fresh = try #require(tokens["access_token"] as? String)
            #expect(try await status("/api/auth/me", bearer: fresh) == 200)
            _ = try await fixture.accounts.setDisabled(true, of: "remy", by: fixture.admin)
            #expect(try await status("/api/auth/me", bearer: fresh) == 401)
            other.terminate()
            other.waitUntilExit()
        }
    }

    @Test(
        "two serve processes on one PostgreSQL share a key's rate limit: 4 clients, 120 requests, the burst and the rate",
        .enabled(if: PostgresScratchDatabase.serverURL != nil, "CHATBOT_TEST_POSTGRES_URL is not set"))
    func sharedRateLimit() async throws {
        var options = ServerOptions(host: "127.0.0.1", port: 0)
        options.limits = LimitSettings(
            keyRequestsPerMinute: 30, userRequestsPerMinute: 0, anonymousRequestsPerMinute: 0)
        try await ServerFixture.with(options: options, postgres: true) { fixture in
            let sandbox = try Sandbox()
            let url = try #require(fixture.databaseURL)
            let (other, otherPort) = try await sandbox.serve(environment: [
                "CHATBOT_DATABASE_URL": url, "CHATBOT_LIMITS_KEY_RPM": "30", "CHATBOT_LIMITS_USER_RPM": "0",
                "CHATBOT_LIMITS_IP_RPM": "0",
            ])
            defer { if other.isRunning { other.terminate() } }
            let port = try #require(fixture.client.port)
            try await fixture.addUser("hammer")
            let key = try await fixture.keys.create(owner: "hammer", scopes: [.chat], by: fixture.admin).secret

            let clock = ContinuousClock()
            let start = clock.now
            let statuses = try await withThrowingTaskGroup(of: [UInt].self) { group in
                for client in 0..<4 {
                    let target = client % 2 == 0 ? port : otherPort
                    group.addTask {
                        var seen: [UInt] = []
                        for _ in 0..<30 {
                            var request = HTTPClientRequest(url: "http://127.0.0.1:\(target)/api/auth/me")
                            request.headers.add(name: "Authorization", value: "Bearer \(key)")
                            seen.append(try await HTTPClient.shared.execute(request, timeout: .seconds(30)).status.code)
                        }
                        return seen
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let accepted = statuses.filter { $0 == 200 }.count
            #expect(statuses.count == 120)
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 429 }, "\(statuses)")
            // The burst (30) at once, then one every 2 s: summed over both processes.
            #expect(accepted >= 30, "accepted \(accepted) in \(seconds) s")
            #expect(accepted <= 30 + Int(seconds / 2) + 1, "accepted \(accepted) in \(seconds) s")
            other.terminate()
            other.waitUntilExit()
        }
    }

    @Test("SIGKILL mid-answer: after a restart the answer is marked interrupted and keeps the text it had saved")
    func killMidAnswer() async throws {
        let sandbox = try Sandbox()
        let added = try await sandbox.run(
            ["users", "add", "kim", "--password-stdin"], input: "a long enough password\n")
        #expect(added.status == 0)
        let created = try await sandbox.run(["keys", "create", "--user", "kim", "--scope", "chat", "--json"])
        let key = try #require(
            (try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])?["secret"] as? String,
            "\(created.stdout)")

        var (server, port) = try await sandbox.serve()
        defer { if server.isRunning { server.terminate() } }
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/conversations")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(
            ByteBuffer(string: #"{"message":"Write a long story about a lighthouse keeper.","max_tokens":400}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        #expect(response.status == .ok)
        var received = ""
        var messageID: String?
        var firstDelta: ContinuousClock.Instant?
        // Events can be split across reads: parse only up to the last complete one.
        var pending = ""
        readLoop: for try await chunk in response.body {
            pending += String(buffer: chunk)
            guard let end = pending.range(of: "\n\n", options: .backwards) else { continue }
            let complete = String(pending[..<end.upperBound])
            pending.removeSubrange(..<end.upperBound)
            for event in ServerEvents.parse(complete) {
                if event.name == "conversation" { messageID = event.json["message_id"] as? String }
                if event.name == "delta" {
                    received += event.json["text"] as? String ?? ""
                    firstDelta = firstDelta ?? .now
                }
                if event.name == "done" { break readLoop }
            }
            // A second of text, so at least one save (every 300 ms) has happened; then the kill.
            if let firstDelta, ContinuousClock.now - firstDelta > .seconds(1) { break }
        }
        let id = try #require(messageID)
        #expect(!received.isEmpty)
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        #expect(server.terminationReason == .uncaughtSignal)

        (server, port) = try await sandbox.serve()
        // The restarted server's sweeper marks it once its heartbeat is 30 s old (a younger one
        // could be another replica's); following it waits for that, then ends with `done`.
        var follow = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/messages/\(id)/events")
        follow.headers.add(name: "Authorization", value: "Bearer \(key)")
        let events = try await HTTPClient.shared.execute(follow, timeout: .seconds(120))
        let parsed = ServerEvents.parse(String(buffer: try await events.body.collect(upTo: 1 << 20)))
        let done = parsed.last { $0.name == "done" }
        let status = done?.json["status"] as? String ?? "(no done event)"
        let content = ServerEvents.text(of: parsed)
        #expect(status == "interrupted", "status after the restart: \(status)")
        #expect(!content.isEmpty, "the saved text was lost")
        #expect(
            content.hasPrefix(received) || received.hasPrefix(content),
            "saved \(content.debugDescription) vs received \(received.debugDescription)")
        server.terminate()
        server.waitUntilExit()
    }
}
