import ChatbotJobs
import ChatbotStorage
import ChatbotTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// A clock the tests move by hand.
final class HandClock: Sendable {
    private let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { time.withLock { $0 } }
    func advance(_ seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A fresh database of one backend for one test: SQLite in a temporary directory, or a scratch
/// PostgreSQL database when `CHATBOT_TEST_POSTGRES_URL` is set.
struct QueueBackend: Sendable, CustomTestStringConvertible {
    let name: String
    let open: @Sendable () async throws -> (store: any SQLDatabaseStore, close: @Sendable () async throws -> Void)

    var testDescription: String { name }

    static let logger: Logger = {
        var logger = Logger(label: "chatbot-jobs-tests")
        logger.logLevel = .error
        return logger
    }()

    static let sqlite = QueueBackend(name: "sqlite") {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatbot-jobs-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try await SQLiteDatabaseStore.open(
            at: directory.appendingPathComponent("chatbot.sqlite"), logger: logger)
        return (
            store,
            {
                try await store.close()
                try? FileManager.default.removeItem(at: directory)
            }
        )
    }

    static func postgres(url: String) -> QueueBackend {
        QueueBackend(name: "postgres") {
            let scratch = try await PostgresScratchDatabase.create(on: url)
            do {
                let store = try await PostgresDatabaseStore.open(
                    try PostgresConnectionSettings(url: scratch), logger: logger, schemaCheck: .refuseNewer,
                    maxConnections: 4)
                try await store.migrator.up()
                return (
                    store,
                    {
                        try await store.close()
                        try await PostgresScratchDatabase.drop(scratch)
                    }
                )
            } catch {
                try? await PostgresScratchDatabase.drop(scratch)
                throw error
            }
        }
    }

    /// SQLite, and PostgreSQL when the variable is set.
    static let all: [QueueBackend] = {
        var backends = [sqlite]
        if let url = PostgresScratchDatabase.serverURL { backends.append(postgres(url: url)) }
        return backends
    }()

    func with<T: Sendable>(_ body: (any SQLDatabaseStore) async throws -> T) async throws -> T {
        let (store, close) = try await open()
        do {
            let result = try await body(store)
            try await close()
            return result
        } catch {
            try? await close()
            throw error
        }
    }
}

/// A handler the tests script: counts its runs per job, and for each job can fail (retryably or
/// not), wait for a cancel, or block until released.
final class ScriptedHandler: JobHandler, Sendable {
    enum Behaviour: Sendable {
        case succeed
        case fail(retryable: Bool)
        case loopUntilStopped
    }

    let kind: String
    private let state = Mutex<(runs: [String: Int], behaviour: [String: Behaviour])>(([:], [:]))

    init(kind: String = "test") {
        self.kind = kind
    }

    func set(_ behaviour: Behaviour, for job: String) {
        state.withLock { $0.behaviour[job] = behaviour }
    }

    func runs(of job: String) -> Int { state.withLock { $0.runs[job] ?? 0 } }
    var totalRuns: Int { state.withLock { $0.runs.values.reduce(0, +) } }

    func run(_ job: Job, context: JobContext) async throws -> String? {
        let behaviour = state.withLock { state -> Behaviour in
            state.runs[job.id, default: 0] += 1
            return state.behaviour[job.id] ?? .succeed
        }
        switch behaviour {
        case .succeed:
            return #"{"ran":"\#(job.id)"}"#
        case .fail(let retryable):
            throw JobFailure(message: "scripted failure", retryable: retryable)
        case .loopUntilStopped:
            while true {
                try context.checkpoint()
                context.progress(JobProgress(done: 1, total: 2, message: "looping"))
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}
