import Crypto
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdAuth
import JWTKit
import SignetAPI
import SignetCore
import SignetStore

/// Accepts `Authorization: Bearer <token>` for the routes it guards and refuses everything else with 401.
///
/// A token passes only when all of these hold: Signet signed it, it has not expired, it is an
/// access token (not a challenge or user action), its record exists, is active, not deleted and
/// unexpired, the presented bytes hash to the recorded digest, and its user is active.
///
/// The outcome is cached by ``AuthorizationCache`` under the SHA-256 of the presented token, so a
/// token that verified once is not verified again until its entry expires or any committed change
/// (a deactivation, a role change, a new signing key) empties the cache: the next request after a
/// revocation is checked in full.
struct BearerAuthenticator: AuthenticatorMiddleware {
    typealias Context = SignetRequestContext
    typealias Identity = Caller

    let tokens: TokenAuthority
    let cache: AuthorizationCache
    let store: any SignetStore
    /// The current time (injectable, so tests can move it instead of sleeping).
    let now: @Sendable () -> Date
    /// Where each token's last use is noted (bookkeeping, written in the background: no cache is emptied).
    let usage: TokenUsageRecorder

    func authenticate(request: Request, context: Context) async throws -> Caller? {
        guard let authorization = request.headers.value(of: .authorization) else {
            throw APIError.unauthorized("Not Authorized: send Authorization: Bearer <access token>")
        }
        guard let token = Self.bearerToken(authorization) else {
            throw APIError.unauthorized("Not Authorized: the Authorization header must be 'Bearer <access token>'")
        }
        let caller = try await authenticate(token: token, noting: false)
        // The last clients are the ones that present the token here, not a service that asks about it.
        usage.noteUse(of: caller.token, at: now(), address: context.clientAddress, userAgent: request.headers.value(of: .userAgent))
        return caller
    }

    /// The token of `Bearer <token>` (the scheme in any case, spaces or tabs around the token), or
    /// `nil`. Works on the UTF-8 bytes: this runs on every request.
    static func bearerToken(_ header: String) -> String? {
        let bytes = Array(header.utf8)
        let scheme = Array("bearer".utf8)
        guard bytes.count > scheme.count, bytes[scheme.count] == UInt8(ascii: " ") else { return nil }
        for (index, letter) in scheme.enumerated() where bytes[index] | 0x20 != letter { return nil }
        return HTTPWhitespace.trimmed(bytes[scheme.count...])
    }

    /// The caller `token` stands for; its use is noted unless `noting` is `false` (the request path
    /// notes it with the client).
    func authenticate(token: String, noting: Bool = true) async throws -> Caller {
        guard token.utf8.count <= TokenAuthority.maximumTokenLength else {
            throw APIError.unauthorized("Not Authorized: \(TokenFailure.malformed.description)")
        }
        let hash = TokenDigest.hash(token)
        let caller = try await cache.caller(digest: hash) { try await verify(token, hash: hash) }
        if noting { usage.noteUse(of: caller.token, at: now()) }
        return caller
    }

    /// The full check, with no cache in front of the signature or the token record.
    private func verify(_ token: String, hash: SHA256Digest) async throws -> AuthorizationCache.VerifiedCaller {
        let claims: TokenClaims
        do {
            claims = try await tokens.verify(token, audience: .access)
        } catch {
            throw APIError.unauthorized("Not Authorized: \(error.description)")
        }
        let metadata = claims.appMetadata
        guard metadata.tokenKind.isBearer else { throw APIError.unauthorized("Not Authorized: not an access token") }
        guard let record = try await store.token(id: claims.jti.value),
            record.kind == metadata.tokenKind, record.orgId == metadata.orgId, record.userId == metadata.userId,
            TokenDigest.matches(hash, digest: record.tokenDigest)
        else { throw APIError.unauthorized("Not Authorized: the token is not recognised") }
        guard !record.isDeleted else { throw APIError.unauthorized("Not Authorized: the token has been deleted") }
        guard record.isActive else {
            let what = record.kind == .login ? "the session has ended (logged out)" : "the token has been deactivated"
            throw APIError.unauthorized("Not Authorized: \(what)")
        }
        let now = self.now()
        guard record.expiresAt > now, claims.exp.value > now else {
            throw APIError.unauthorized("Not Authorized: the token has expired")
        }
        guard let user = try await store.user(id: record.userId), !user.isDeleted, user.orgId == record.orgId else {
            throw APIError.unauthorized("Not Authorized: the token's user no longer exists")
        }
        guard user.isActive else { throw APIError.unauthorized("Not Authorized: the user account has been deactivated") }
        if record.kind == .login, let credentialUuid = record.credentialUuid {
            // A session lives no longer than the credential that opened it (deactivated because it leaked, say).
            guard let credential = try await store.credential(uuid: credentialUuid), credential.isActive else {
                throw APIError.unauthorized("Not Authorized: the session ended when the credential that opened it was deactivated")
            }
        }
        // A PAT stops at its organisation's lifetime limit (set after it was made, say).
        var effective = record
        if record.kind == .pat, let organization = try await store.organization(id: record.orgId),
            let limit = OrganizationSettingsService.limit(of: record, maximumDays: organization.maximumPatLifetimeDays)
        {
            guard limit > now else {
                throw APIError.unauthorized(
                    "Not Authorized: the token is older than the organisation lets PATs live (\(organization.maximumPatLifetimeDays ?? 0) days); create a new one"
                )
            }
            effective.expiresAt = min(record.expiresAt, limit)
        }
        return .init(caller: Caller(user: user, token: effective), expiresAt: min(effective.expiresAt, claims.exp.value))
    }
}
