import Testing

/// `--help`, `-h` and `help` print the argument parser's help and exit 0 for every command.
@Suite("chatbot help")
struct HelpTests {
    @Test(
        "help for every subcommand",
        arguments: [
            ["--help"], ["ask", "--help"], ["history", "list", "-h"], ["migrate", "up", "--help"],
            ["config", "show", "--help"], ["local", "status", "--help"], ["backup", "create", "--help"],
            ["help", "history"],
        ])
    func help(_ arguments: [String]) async throws {
        try await CLISandbox.with { sandbox in
            let result = try await sandbox.run(arguments)
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout.contains("USAGE:"), "\(result)")
            #expect(!result.stdout.contains("CommandError") && !result.stderr.contains("CommandError"), "\(result)")
        }
    }

    @Test("--version prints the version")
    func version() async throws {
        try await CLISandbox.with { sandbox in
            let result = try await sandbox.run(["--version"])
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout.split(separator: ".").count == 3, "\(result)")
        }
    }
}

extension CLISandbox {
    /// Runs `chatbot` with an argument array.
    func run(_ arguments: [String]) async throws -> CLIResult {
        try await start(arguments).finish(timeout: .seconds(60))
    }
}
