import ChatbotCLI
import Logging

/// The executable: bootstraps logging to stderr and hands over to ChatbotCLI, where everything lives.
@main
struct Entrypoint {
    static func main() async {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        await ChatbotCommand.run()
    }
}
