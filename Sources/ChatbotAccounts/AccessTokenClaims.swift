public import JWTKit

/// The claims of an access token (RFC 7519 names, plus `role`, `scopes` and `tv`, the user's token
/// version). ``TokenService`` checks every one of them against its clock and the database; the
/// `verify(using:)` hook of jwt-kit only runs after the signature was checked and does nothing more.
struct AccessTokenClaims: JWTPayload, Equatable {
    var sub: SubjectClaim
    var role: String
    var scopes: [String]
    var iat: IssuedAtClaim
    var nbf: NotBeforeClaim
    var exp: ExpirationClaim
    var iss: IssuerClaim
    var aud: AudienceClaim
    var jti: IDClaim
    var tv: Int64

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
