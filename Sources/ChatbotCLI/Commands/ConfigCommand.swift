import ArgumentParser
import ChatbotCore
import Foundation

/// `chatbot config show|path|init`.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show, locate or create the configuration file.",
        discussion: """
            Precedence: command-line flags > CHATBOT_* environment variables > the YAML file \
            ($XDG_CONFIG_HOME/chatbot/config.yaml, or --config / CHATBOT_CONFIG) > defaults. \
            A key such as providers.openai.base_url is CHATBOT_PROVIDERS_OPENAI_BASE_URL in the environment. \
            API keys are never printed.
            """,
        subcommands: [Show.self, Path.self, Init.self],
        defaultSubcommand: Show.self
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print the effective configuration (secrets redacted).")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await CommandContext.with(global) { context in
                let view = SettingsView(context.settings)
                if json {
                    try JSONOutput.print(view)
                } else {
                    StandardOutput.write(view.yaml)
                }
            }
        }
    }

    struct Path: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "path", abstract: "Print the path of the configuration file.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            StandardOutput.write(SettingsLoader(configFile: global.config).configFilePath + "\n")
        }
    }

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init", abstract: "Write a commented starter configuration file.")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Overwrite an existing file.") var force = false

        func run() async throws {
            let path = SettingsLoader(configFile: global.config).configFilePath
            if FileManager.default.fileExists(atPath: path), !force {
                throw ChatbotError(.usage, "\(path) already exists", hint: "pass --force to overwrite it")
            }
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try ConfigTemplate.text.write(toFile: path, atomically: true, encoding: .utf8)
            if !global.quiet { StandardError.write("wrote \(path)\n") }
            StandardOutput.write(path + "\n")
        }
    }
}
