import ChatbotCore
import Foundation
import Testing

@testable import ChatbotStorage

/// ``DatabaseStore/withNamedLock(_:waiting:_:)``, for every backend: a requirement of the protocol,
/// so no store runs its body unlocked.
@Suite("Named lock conformance")
struct NamedLockConformanceTests {
    @Test(
        "a held name refuses a second holder at once (temporary), other names are free, release follows the body",
        arguments: StorageBackendFixture.all)
    func failFast(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let database = store.database
            try await database.withNamedLock("ingest docs") {
                let error = try await #require(throws: ChatbotError.self) {
                    try await database.withNamedLock("ingest docs", waiting: .failFast) {}
                }
                #expect(error.kind == .temporary)
                #expect(error.message.contains("ingest docs"))
                #expect(try await database.withNamedLock("ingest other") { 7 } == 7)
            }
            // Released when the body throws, too.
            await #expect(throws: CancellationError.self) {
                try await database.withNamedLock("ingest docs") { throw CancellationError() }
            }
            #expect(try await database.withNamedLock("ingest docs") { "free" } == "free")
        }
    }

    @Test(
        "waiting gets the lock once the holder lets go, and gives up at its deadline",
        arguments: StorageBackendFixture.all)
    func waiting(backend: StorageBackendFixture) async throws {
        try await backend.withStore { store in
            let database = store.database
            let (held, heldContinuation) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await database.withNamedLock("backup") {
                        heldContinuation.yield()
                        // Held until the short wait below has given up, however slow the machine;
                        // then a little longer, so the long wait has to retry (every 0.5 s on SQL).
                        for await _ in release { break }
                        try await Task.sleep(for: .milliseconds(600))
                    }
                }
                var iterator = held.makeAsyncIterator()
                _ = await iterator.next()
                let started = ContinuousClock.now
                let error = try await #require(throws: ChatbotError.self) {
                    try await database.withNamedLock("backup", waiting: .wait(seconds: 0.05)) {}
                }
                #expect(error.kind == .temporary)
                releaseContinuation.yield()
                try await database.withNamedLock("backup", waiting: .wait(seconds: 30)) {}
                #expect(ContinuousClock.now - started < .seconds(10))
                try await group.waitForAll()
            }
        }
    }
}
