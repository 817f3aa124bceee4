import ChatbotTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("chatbot local")
struct LocalCommandTests {
    @Test("status --json lists the chat, embeddings and speech servers")
    func status() async throws {
        try await CLISandbox.with { sandbox in
            let port = try await Self.freePort()
            let result = try await sandbox.run(
                "local", "status", "--json", environment: ["CHATBOT_LOCAL_CHAT_PORT": String(port)])
            #expect(result.exitCode == 0, "\(result)")
            let servers = try #require(try result.jsonArray() as? [[String: Any]])
            #expect(servers.compactMap { $0["kind"] as? String } == ["chat", "embeddings", "speech"])
            let chat = try #require(servers.first)
            #expect(chat["port"] as? Int == port)
            #expect(chat["base_url"] as? String == "http://127.0.0.1:\(port)/v1")
            // The sandbox's prefix is empty, so nothing is installed there.
            #expect(chat["installed"] as? Bool == false)
            #expect(chat["healthy"] as? Bool == false)

            let table = try await sandbox.run(
                "local", "status", "chat", environment: ["CHATBOT_LOCAL_CHAT_PORT": String(port)])
            #expect(table.stdout.contains("not-installed"))
        }
    }

    @Test("ask without a configured provider reports a missing local stack as unavailable (69)")
    func notInstalled() async throws {
        try await CLISandbox.with { sandbox in
            let port = try await Self.freePort()
            let result = try await sandbox.run(
                "ask", "--max-tokens", "8", "hi", environment: ["CHATBOT_LOCAL_CHAT_PORT": String(port)])
            #expect(result.exitCode == 69, "\(result)")
            #expect(result.stderr.contains("Scripts/setup"))
        }
    }

    @Test(
        "ask starts the managed llama-server on demand; local stop stops it",
        .enabled(if: CLISandbox.localPrefix != nil),
        .timeLimit(.minutes(5))
    )
    func autoStart() async throws {
        try await CLISandbox.with { sandbox in
            let port = try await Self.freePort()
            sandbox.baseEnvironment["CHATBOT_LOCAL_PREFIX"] = CLISandbox.localPrefix
            sandbox.baseEnvironment["CHATBOT_LOCAL_CHAT_PORT"] = String(port)
            var startedPID: Int32?
            do {
                let ask = try await sandbox.run(
                    "ask", "--max-tokens", "8", "--temperature", "0", "hi", timeout: .seconds(150))
                #expect(ask.exitCode == 0, "\(ask)")
                #expect(!ask.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
                #expect(ask.stderr.contains("starting the local model server"))

                let status = try await sandbox.run("local", "status", "--json", "chat")
                let chat = try #require(try status.jsonArray().first as? [String: Any])
                #expect(chat["state"] as? String == "ready" || chat["healthy"] as? Bool == true, "\(status)")
                let pid = try #require(chat["pid"] as? Int)
                startedPID = Int32(pid)
                #expect(Self.isAlive(Int32(pid)))

                // A second ask reuses the running server.
                let again = try await sandbox.run(
                    "ask", "--max-tokens", "4", "--temperature", "0", "hi", timeout: .seconds(60))
                #expect(again.exitCode == 0, "\(again)")
                #expect(!again.stderr.contains("starting the local model server"))

                let stop = try await sandbox.run("local", "stop", "chat")
                #expect(stop.exitCode == 0, "\(stop)")
                #expect(stop.stderr.contains("stopped"))
                #expect(!Self.isAlive(Int32(pid)))
                let after = try await sandbox.run("local", "status", "--json", "chat")
                let stopped = try #require(try after.jsonArray().first as? [String: Any])
                #expect(stopped["pid"] == nil || stopped["pid"] is NSNull)
                #expect(stopped["healthy"] as? Bool == false)
            } catch {
                _ = try? await sandbox.run("local", "stop", "chat")
                throw error
            }
            if let startedPID, Self.isAlive(startedPID) { kill(startedPID, SIGKILL) }
        }
    }

    /// A loopback port where nothing listens now.
    static func freePort() async throws -> Int {
        let url = try await FaultInjectingServer.unusedBaseURL()
        let port = URL(string: url)?.port
        return try #require(port)
    }

    /// Whether `pid` runs (a zombie nobody reaped yet counts as gone).
    static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).prefix(1)
        return state != "Z" && state != "X"
    }
}
