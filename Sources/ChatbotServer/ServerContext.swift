public import ChatbotAccounts
public import Foundation
public import Hummingbird
public import HummingbirdWebSocket
public import NIOCore

/// Who a request acts as, once ``AuthenticationMiddleware`` has checked its credentials: a user
/// with a fresh access token, or an API key with its scopes (never more than its owner's role).
public struct Identity: Sendable, Hashable {
    /// The user the request acts for.
    public var user: User
    /// What the credential allows.
    public var scopes: Set<Scope>
    /// The API key's id, when the credential is a key.
    public var keyID: String?
    /// The key's own requests-per-minute limit, when it has one.
    public var keyRequestsPerMinute: Int? = nil
    /// The API key, when the credential is one: its own limits and budget.
    public var key: APIKey? = nil

    /// The caller for account operations and the audit log.
    /// An admin acting through a credential without the `admin` scope (an API key made for
    /// chatting) acts as a member: a key never does more than it was made for.
    public func caller(ip: String?) -> Caller {
        var caller = Caller(user: user, ip: ip)
        if caller.role == .admin && !scopes.contains(.admin) { caller.role = .member }
        return caller
    }
}

/// The request context of every route: the core storage, the request id, the peer address and,
/// behind ``AuthenticationMiddleware``, the ``Identity``.
public struct ServerContext: RequestContext, WebSocketRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The id sent back as `X-Request-Id` and logged with every line of this request.
    public var requestID: String = ""
    /// The authenticated caller; `nil` before authentication and on public routes.
    public var identity: Identity?
    /// The TCP peer.
    public let peerAddress: String?
    /// The client's address: the peer, or, when the peer is a trusted proxy, the address it says
    /// it forwarded for (``ClientAddressMiddleware``). Used for login throttling and the audit log.
    public var clientAddress: String?
    /// Who the request turned out to be, for the access log written after the response.
    let access = AccessRecord()
    /// Where an upgrade to `/api/ws` leaves its handler.
    public let webSocket = WebSocketHandlerReference<ServerContext>()
    /// Whether this request came through the WebSocket handshake, where an upgrade can happen;
    /// false for every request the plain HTTP responder serves (``PlainHTTPResponder``). A
    /// request with a `Sec-WebSocket-Key` but no `Upgrade` header reaches the router there, and
    /// must not be "upgraded" into an empty 200.
    var canUpgrade = true

    /// A context for a request arriving on `source`'s channel.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
        self.clientAddress = peerAddress
    }

    /// JSON bodies are small; uploads come through their own streaming route.
    public var maxUploadSize: Int { 1 << 20 }

    /// Bodies in snake_case, dates in ISO 8601, as OpenAI's API and most JSON APIs write them.
    public var requestDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// Answers in snake_case with ISO 8601 dates.
    public var responseEncoder: JSONEncoder { ServerJSON.encoder }

    /// The identity, or 401 for a route that needs one.
    public func requireIdentity() throws -> Identity {
        guard let identity else { throw ServerError.unauthenticated }
        return identity
    }

    /// The caller when it may administer (an admin with the `admin` scope); 403 otherwise.
    public func requireAdmin() throws -> Caller {
        let caller = try require(.admin).caller(ip: clientAddress)
        guard caller.isAdmin else { throw ServerError.forbidden("only an admin may do this") }
        return caller
    }

    /// The identity when it holds `scope`; 403 otherwise.
    public func require(_ scope: Scope) throws -> Identity {
        let identity = try requireIdentity()
        guard identity.scopes.contains(scope) else {
            throw ServerError.forbidden("this credential lacks the '\(scope)' scope")
        }
        return identity
    }
}
