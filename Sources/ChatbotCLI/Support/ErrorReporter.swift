import ArgumentParser
import ChatbotCore
import ChatbotProviders
import Foundation

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

    /// The user-facing form of errors from our own modules; `nil` for argument-parser errors.
    static func chatbotError(from error: any Error) -> ChatbotError? {
        switch error {
        case let error as ChatbotError: return error
        case let error as ProviderError: return error.chatbotError
        case is CancellationError: return ChatbotError(.interrupted, "interrupted")
        case is ExitCode, is CleanExit, is ValidationError: return nil
        // The argument parser's own errors (help requested, bad values) are reported by it.
        case _ where String(reflecting: type(of: error)).hasPrefix("ArgumentParser."): return nil
        default: return ChatbotError(.runtime, String(describing: error))
        }
    }
}
