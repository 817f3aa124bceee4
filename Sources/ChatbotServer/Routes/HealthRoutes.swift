import ChatbotCore
import ChatbotServices
import ChatbotStorage
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SQLKit
import Synchronization

/// `GET /healthz` (the process answers) and `GET /readyz` (what requests need answers too: the
/// database and the object store, each within 5 s): for load balancers and orchestrators, without
/// authentication. A 503 names the part that failed, never its address or credentials.
struct HealthRoutes {
    let services: ChatbotServices
    let database: any SQLDatabaseStore

    func register(_ router: Router<ServerContext>) {
        router.get("/healthz") { _, _ in ["status": "ok"] }
        router.get("/readyz") { _, context -> Response in
            var failing: [String] = []
            if await !Self.within(
                .seconds(5), { try await database.withTransaction { sql in try await sql.raw("SELECT 1").run() } })
            {
                failing.append("database")
            }
            if await !Self.within(.seconds(5), { _ = try await services.objectStore().exists(Self.probeKey) }) {
                failing.append("object store")
            }
            if failing.isEmpty {
                return Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
            }
            context.logger.warning("not ready", metadata: ["failing": "\(failing.joined(separator: ", "))"])
            throw HTTPError(
                .serviceUnavailable, message: "not ready: the \(failing.joined(separator: " and ")) does not answer")
        }
    }

    /// A well-formed key no object has (keys are SHA-256 digests).
    static let probeKey = String(repeating: "0", count: 64)

    /// Whether `probe` succeeds within `limit`. A probe that takes longer is left to finish on its
    /// own, never cancelled: cancelling a database call midway could leave its connection in use.
    static func within(_ limit: Duration, _ probe: @escaping @Sendable () async throws -> Void) async -> Bool {
        let answered = Mutex(false)
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let answer: @Sendable (Bool) -> Void = { result in
                let first = answered.withLock { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(returning: result) }
            }
            Task {
                do {
                    try await probe()
                    answer(true)
                } catch {
                    answer(false)
                }
            }
            Task {
                try? await Task.sleep(for: limit)
                answer(false)
            }
        }
    }
}
