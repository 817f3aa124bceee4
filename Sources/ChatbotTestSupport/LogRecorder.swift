public import Logging
import Synchronization

/// A log handler that keeps every message, for tests that check what was logged and at what level.
public final class LogRecorder: Sendable {
    /// One logged message.
    public struct Entry: Sendable {
        /// Its level.
        public var level: Logger.Level
        /// The message.
        public var message: String
        /// The handler's and the call's metadata, as text.
        public var metadata: [String: String]
    }

    private let storage = Mutex<[Entry]>([])

    /// An empty recorder.
    public init() {}

    /// Everything logged so far.
    public var entries: [Entry] { storage.withLock { $0 } }

    /// A logger at `level` whose messages this recorder keeps.
    public func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "chatbot.tests") { _ in Handler(recorder: self) }
        logger.logLevel = level
        return logger
    }

    fileprivate func append(_ entry: Entry) {
        storage.withLock { $0.append(entry) }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            recorder.append(
                Entry(
                    level: event.level, message: "\(event.message)",
                    metadata: merged.mapValues { "\($0)" }))
        }
    }
}
