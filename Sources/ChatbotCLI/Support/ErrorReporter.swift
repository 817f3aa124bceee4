import ArgumentParser
import ChatbotCore
import ChatbotServices
import Foundation
import Logging

/// Turns any error into one line on stderr and the documented exit code. Nothing else prints errors.
enum ErrorReporter {
    static func report(_ error: any Error, exitUsing command: ChatbotCommand.Type) -> Never {
        if let chatbotError = chatbotError(from: error) {
            StandardError.write("chatbot: \(chatbotError.message)\n")
            if let hint = chatbotError.hint { StandardError.write("hint: \(hint)\n") }
            exit(chatbotError.kind.exitCode)
        }
        if let exitCode = error as? ExitCode { exit(exitCode.rawValue) }
        // Argument parser errors thrown from run(): ValidationError (64), CleanExit.
        command.exit(withError: error)
    }

    /// The user-facing form of any error, with the CLI's own flag hints; `nil` for argument-parser
    /// errors, which the parser reports itself.
    static func chatbotError(from error: any Error, logger: Logger = diagnosticsLogger) -> ChatbotError? {
        switch error {
        case is ExitCode, is CleanExit, is ValidationError: return nil
        // The argument parser's own errors (help requested, bad values) are reported by it.
        case _ where String(reflecting: type(of: error)).hasPrefix("ArgumentParser."): return nil
        default: return withFlagHint(ChatbotError.normalizing(error, logger: logger))
        }
    }

    /// The error with its hint in the CLI's words when its ``ChatbotError/Reason`` has advice only
    /// the CLI can give (a flag to pass, a command to run).
    static func withFlagHint(_ error: ChatbotError) -> ChatbotError {
        guard let reason = error.reason, let hint = flagHint(for: reason, libraryHint: error.hint) else { return error }
        var error = error
        error.hint = hint
        return error
    }

    /// The CLI's hint for `reason`; `libraryHint` is the flag-free hint the library gave.
    static func flagHint(for reason: ChatbotError.Reason, libraryHint: String?) -> String? {
        switch reason {
        case .lockHeld: "wait for it to finish, or pass --wait to queue behind it"
        case .invalidConfigFile:
            "\(libraryHint?.components(separatedBy: ", or ").first ?? "fix the file"), "
                + "or run `chatbot config init --force` to start from a fresh file"
        case .noCollections: "create one with: chatbot ingest --collection NAME PATH"
        case .backupKeyMissing: "pass --key-file or --passphrase-file"
        case .backupNeedsPassphrase: "pass --passphrase-file instead of --key-file"
        case .backupNeedsKeyFile: "pass --key-file instead of --passphrase-file"
        case .restoreTargetNotEmpty:
            "restore into an empty data directory or database, or pass --force to replace its contents"
        case .mediaStreamChoice:
            libraryHint.map { "\($0); see `chatbot transcribe --info`" }
                ?? "see the streams with `chatbot transcribe --info`"
        case .subtitlesAvailable: "with --use-subtitles a text subtitle track can be used instead"
        case .noSubtitles: "run without --use-subtitles to transcribe the audio"
        case .inputTooLarge: "Raise the limit with --max-bytes."
        case .pdfPasswordMissing: "Pass it with --password."
        case .privateAddress: "private and special addresses are refused; pass --allow-private to fetch them on purpose"
        case .fetchTimedOut: "the server is slow or never finished the response; try again or raise --timeout"
        case .responseTooLarge: "a compression bomb or a very large page; raise --max-bytes if the page is legitimate"
        case .unexpectedError: "run again with --verbose to log the details, and report it if it persists"
        default: nil
        }
    }

    /// Where the normaliser logs the details of unexpected errors: stderr at debug level with
    /// `--verbose` (the command's own logger may not exist yet when the error happened).
    static var diagnosticsLogger: Logger {
        var logger = Logger(label: "chatbot")
        let arguments = CommandLine.arguments.dropFirst().prefix { $0 != "--" }
        logger.logLevel = arguments.contains("--verbose") || arguments.contains("-v") ? .debug : .warning
        return logger
    }
}
