import ChatbotAccounts
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Requires a credential on every route behind it: `Authorization: Bearer <access token>` or
/// `Bearer cbk_…` (an API key). Whatever is wrong with it — missing, malformed, forged, expired,
/// revoked, a disabled or changed user — the answer is the same 401, with `WWW-Authenticate`.
///
/// It runs on the route the router dispatched, so no spelling of a path reaches a handler without it.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    let accounts: ServerAccounts
    /// The rate limits: the identity's key and user on success, the client address on failure.
    var limits: RateLimits?

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        let identity: Identity
        do {
            identity = try await identify(request, context: context)
        } catch {
            // A missing or refused credential counts against the client's address: past its
            // limit, guessing keys or tokens gets 429s.
            if let limits { _ = try await limits.admitAnonymous(context.clientAddress) }
            throw error
        }
        let decisions = try await limits?.admit(identity) ?? []
        context.identity = identity
        context.access.identify(user: identity.user.id, keyID: identity.keyID)
        context.logger[metadataKey: "user"] = .string(context.identity?.user.name ?? "-")
        var response = try await next(request, context)
        response.headers.append(contentsOf: RateLimits.headers(decisions))
        return response
    }

    private func identify(_ request: Request, context: ServerContext) async throws -> Identity {
        guard let token = Self.bearerToken(request.headers[.authorization]) else {
            throw Self.challenge
        }
        return try await Self.identity(of: token, accounts: accounts, logger: context.logger)
    }

    /// Who `token` (an access token or an API key) acts for, checked now against the database
    /// (a revoked key, a disabled or changed user fail); the one 401 otherwise.
    static func identity(of token: String, accounts: ServerAccounts, logger: Logger) async throws -> Identity {
        do {
            if token.hasPrefix("cbk_") {
                let key = try await accounts.keys.authenticate(token)
                return Identity(
                    user: key.user, scopes: key.scopes, keyID: key.key.id,
                    keyRequestsPerMinute: key.key.requestsPerMinute, key: key.key)
            }
            let access = try await accounts.tokens.verify(token)
            return Identity(user: access.user, scopes: access.scopes, keyID: nil)
        } catch {
            logger.debug("credential refused", metadata: ["reason": "\(error)"])
            throw Self.challenge
        }
    }

    static let challenge = HTTPError(
        .unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"chatbot\""], message: "authentication required")

    /// The token of an `Authorization: Bearer …` header (scheme case-insensitive), else `nil`.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty, token.utf8.count <= 4096 else { return nil }
        return token
    }
}
