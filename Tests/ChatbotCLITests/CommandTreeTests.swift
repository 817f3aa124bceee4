import ArgumentParser
import ChatbotCLI
import Testing

/// The command tree as the argument parser sees it.
@Suite("chatbot command tree")
struct CommandTreeTests {
    /// A command without an explicit `commandName` is named from `String(describing: Self.self)`,
    /// which the argument parser evaluates for every command of the tree on every run (even
    /// `--version`): each is a handful of dynamic casts, and each cast scans the binary's 14,000
    /// protocol-conformance records. Four unnamed subcommands cost ~2 ms of every start.
    @Test("every command names itself")
    func everyCommandIsNamed() {
        var unnamed: [String] = []
        var count = 0
        func visit(_ command: any ParsableCommand.Type, path: String) {
            count += 1
            let configuration = command.configuration
            let name = configuration.commandName ?? "?"
            if configuration.commandName == nil { unnamed.append("\(path) \(name) (\(command))") }
            for subcommand in configuration.subcommands { visit(subcommand, path: "\(path) \(name)") }
        }
        visit(ChatbotCommand.self, path: "")
        #expect(count > 50, "the walk found only \(count) commands")
        #expect(unnamed.isEmpty, "commands without commandName: \(unnamed.joined(separator: ", "))")
    }
}
