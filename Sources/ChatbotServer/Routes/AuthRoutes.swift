import ChatbotAccounts
import ChatbotCore
import Foundation
import HTTPTypes
import Hummingbird

/// `POST /api/auth/login`, `/refresh`, `/logout` and `GET /api/auth/me`.
///
/// Login and refresh answer the access token in the body and the refresh token both in the body
/// (scripts) and in an `HttpOnly; SameSite=Strict; Path=/api/auth` cookie (the web page, which then
/// keeps nothing in storage). A refresh or logout carried by the cookie alone must come from the
/// server's own origin, so a cross-site form cannot use it.
struct AuthRoutes {
    let accounts: ServerAccounts
    let secureCookies: Bool

    static let cookieName = "chatbot_refresh"

    struct LoginBody: Decodable {
        var username: String
        var password: String
    }

    struct RefreshBody: Decodable {
        var refreshToken: String?
    }

    struct TokenAnswer: ResponseEncodable {
        var accessToken: String
        var tokenType = "Bearer"
        var expiresIn: Int
        var refreshToken: String
        var refreshExpiresAt: Date
        var user: UserView
    }

    func register(public group: RouterGroup<ServerContext>, authenticated: RouterGroup<ServerContext>) {
        group.post("/auth/login") { request, context in try await login(request, context) }
        group.post("/auth/refresh") { request, context in try await refresh(request, context) }
        group.post("/auth/logout") { request, context in try await logout(request, context) }
        authenticated.get("/auth/me") { _, context in UserView(try context.requireIdentity().user) }
    }

    private func login(_ request: Request, _ context: ServerContext) async throws -> Response {
        let body = try await request.decode(as: LoginBody.self, context: context)
        guard body.username.utf8.count <= 256, body.password.utf8.count <= 1024 else {
            throw ChatbotError(.unauthorized, "invalid credentials")
        }
        let pair = try await accounts.tokens.login(
            name: body.username, password: body.password, ip: context.clientAddress)
        return try tokenResponse(pair, request: request, context: context)
    }

    private func refresh(_ request: Request, _ context: ServerContext) async throws -> Response {
        let token = try await presentedRefreshToken(request, context)
        let pair = try await accounts.tokens.refresh(token, ip: context.clientAddress)
        return try tokenResponse(pair, request: request, context: context)
    }

    private func logout(_ request: Request, _ context: ServerContext) async throws -> Response {
        let token = try await presentedRefreshToken(request, context)
        try await accounts.tokens.logout(token)
        var response = Response(status: .noContent)
        response.headers[.setCookie] = clearedCookie()
        return response
    }

    /// The refresh token from the body, or from the cookie when the request is same-origin.
    private func presentedRefreshToken(_ request: Request, _ context: ServerContext) async throws -> String {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        if buffer.readableBytes > 0 {
            let body: RefreshBody
            do {
                body = try context.requestDecoder.decode(RefreshBody.self, from: Data(buffer.readableBytesView))
            } catch {
                throw ServerError.badRequest(
                    "the body is JSON with a string refresh_token, or empty (the cookie is used)")
            }
            if let token = body.refreshToken, !token.isEmpty { return token }
        }
        guard let cookie = request.cookies[Self.cookieName]?.value, !cookie.isEmpty else {
            throw ChatbotError(.unauthorized, "no refresh token")
        }
        guard Self.isSameOrigin(request) else {
            throw ChatbotError(.forbidden, "a refresh by cookie must come from this server's own page")
        }
        return cookie
    }

    /// True when the request carries an `Origin` naming the host it was sent to (browsers send
    /// one on every POST), or a `Sec-Fetch-Site: same-origin`.
    static func isSameOrigin(_ request: Request) -> Bool {
        if request.headers[HTTPField.Name("Sec-Fetch-Site")!] == "same-origin" { return true }
        guard let origin = request.headers[HTTPField.Name("Origin")!],
            let host = request.head.authority
                ?? request.headers[HTTPField.Name("Host")!]
        else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }

    private func tokenResponse(_ pair: TokenPair, request: Request, context: ServerContext) throws -> Response {
        let answer = TokenAnswer(
            accessToken: pair.access.token,
            expiresIn: max(0, Int(pair.access.expiresAt.timeIntervalSinceNow.rounded())),
            refreshToken: pair.refreshToken, refreshExpiresAt: pair.refreshExpiresAt, user: UserView(pair.user))
        var response = try answer.response(from: request, context: context)
        let maxAge = max(0, Int(pair.refreshExpiresAt.timeIntervalSinceNow))
        response.headers[.setCookie] =
            "\(Self.cookieName)=\(pair.refreshToken); Path=/api/auth; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
            + (secureCookies ? "; Secure" : "")
        return response
    }

    private func clearedCookie() -> String {
        "\(Self.cookieName)=; Path=/api/auth; Max-Age=0; HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "")
    }
}

/// A user as the API shows one: never a password hash or token version.
struct UserView: ResponseEncodable, Codable {
    var id: String
    var name: String
    var email: String?
    var role: String
    var disabled: Bool
    var createdAt: Date

    init(_ user: User) {
        id = user.id
        name = user.name
        email = user.email
        role = user.role.rawValue
        disabled = user.isDisabled
        createdAt = user.createdAt
    }
}
