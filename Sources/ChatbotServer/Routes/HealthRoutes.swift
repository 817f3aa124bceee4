import ChatbotStorage
import Hummingbird
import Logging
import SQLKit

/// `GET /healthz` (the process answers) and `GET /readyz` (the database answers too): for load
/// balancers and orchestrators, without authentication and without details an attacker could use.
struct HealthRoutes {
    let database: any SQLDatabaseStore

    func register(_ router: Router<ServerContext>) {
        router.get("/healthz") { _, _ in ["status": "ok"] }
        router.get("/readyz") { _, context -> [String: String] in
            do {
                try await database.withTransaction { sql in try await sql.raw("SELECT 1").run() }
                return ["status": "ok"]
            } catch {
                context.logger.warning("not ready: the database does not answer", metadata: ["error": "\(error)"])
                throw HTTPError(.serviceUnavailable, message: "the database does not answer")
            }
        }
    }
}
