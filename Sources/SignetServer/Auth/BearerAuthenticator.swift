import Foundation
import Hummingbird
import HummingbirdAuth
import SignetAPI
import SignetCore
import SignetStore

/// Accepts `Authorization: Bearer <token>` for the routes it guards and refuses everything else with 401.
///
/// A token passes only when all of these hold on this request: Signet signed it, it has not
/// expired, it is an access token (not a challenge or user action), its record exists, is active,
/// not deleted and unexpired, the presented bytes hash to the recorded digest, and its user is
/// active. The records come through ``AuthorizationCache``, which every committed change empties,
/// so a deactivation takes effect on the very next request.
struct BearerAuthenticator: AuthenticatorMiddleware {
    typealias Context = SignetRequestContext
    typealias Identity = Caller

    let tokens: TokenAuthority
    let cache: AuthorizationCache

    func authenticate(request: Request, context: Context) async throws -> Caller? {
        guard let authorization = request.headers[.authorization] else {
            throw APIError.unauthorized("Not Authorized: send Authorization: Bearer <access token>")
        }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized("Not Authorized: the Authorization header must be 'Bearer <access token>'")
        }
        return try await authenticate(token: String(parts[1]).trimmingCharacters(in: .whitespaces))
    }

    func authenticate(token: String) async throws -> Caller {
        let claims: TokenClaims
        do {
            claims = try await tokens.verify(token, audience: .access)
        } catch {
            throw APIError.unauthorized("Not Authorized: \(error.description)")
        }
        let metadata = claims.appMetadata
        guard metadata.tokenKind.isBearer else { throw APIError.unauthorized("Not Authorized: not an access token") }
        guard let record = try await cache.token(id: claims.jti.value),
            record.kind == metadata.tokenKind, record.orgId == metadata.orgId, record.userId == metadata.userId,
            TokenDigest.matches(token, digest: record.tokenDigest)
        else { throw APIError.unauthorized("Not Authorized: the token is not recognised") }
        guard !record.isDeleted else { throw APIError.unauthorized("Not Authorized: the token has been deleted") }
        guard record.isActive else {
            let what = record.kind == .login ? "the session has ended (logged out)" : "the token has been deactivated"
            throw APIError.unauthorized("Not Authorized: \(what)")
        }
        guard record.expiresAt > Date() else { throw APIError.unauthorized("Not Authorized: the token has expired") }
        guard let user = try await cache.user(id: record.userId), !user.isDeleted, user.orgId == record.orgId else {
            throw APIError.unauthorized("Not Authorized: the token's user no longer exists")
        }
        guard user.isActive else { throw APIError.unauthorized("Not Authorized: the user account has been deactivated") }
        return Caller(user: user, token: record)
    }
}
