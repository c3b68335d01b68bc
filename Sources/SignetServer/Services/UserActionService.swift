import Foundation
import HTTPTypes
import JWTKit
import SignetAPI
import SignetCore
import SignetStore

/// User action signing: the challenge bound to one request, its signed answer, and the single use
/// of the resulting `X-DFNS-USERACTION` token by exactly that request.
struct UserActionService: Sendable {
    let store: any SignetStore
    let tokens: TokenAuthority
    let challenges: ChallengeService
    let lifetime: TimeInterval
    /// The current time (injectable, so tests can move it instead of sleeping).
    let now: @Sendable () -> Date
    /// Where a signed request of this method and path will be used (see ``UserActionRecord/audience``).
    let audience: @Sendable (_ method: String, _ path: String) -> String
    /// Whether one-request signed writes (Fast Auth) are accepted (`--no-fast-auth` turns them off).
    var fastAuthEnabled = true
    /// Keeps Fast Auth's credentials and parsed keys between requests (emptied by any credential change).
    var cache: AuthorizationCache?
    /// Signed writes per token (``AbuseLimits``).
    var limiter = AbuseLimiter.unlimited

    static let methods: Set<String> = ["POST", "PUT", "DELETE", "GET"]

    /// `POST /auth/action/init`.
    func initiate(_ request: CreateUserActionChallengeRequest, caller: Caller) async throws -> UserActionChallenge {
        guard Self.methods.contains(request.userActionHttpMethod) else {
            throw APIError.badRequest("userActionHttpMethod must be one of POST, PUT, DELETE, GET")
        }
        let path = request.userActionHttpPath
        guard path.hasPrefix("/"), path.utf8.count <= 2048, !path.contains(where: \.isWhitespace),
            TextRules.forbiddenScalar(in: path) == nil
        else {
            throw APIError.badRequest("userActionHttpPath must be the request's path, starting with '/'")
        }
        if let kind = request.userActionServerKind, kind != "Api", kind != "Staff" {
            throw APIError.badRequest("userActionServerKind must be 'Api' or 'Staff'")
        }
        guard request.userActionPayload.utf8.count <= SignetRequestContext.maximumBodySize else {
            throw APIError.badRequest("userActionPayload is larger than \(SignetRequestContext.maximumBodySize) bytes")
        }
        guard SignedPayload.meaning(of: Array(request.userActionPayload.utf8)) != nil else {
            throw APIError.badRequest("userActionPayload must be the JSON body of the request, or empty")
        }
        try limiter.admitWrite(tokenId: caller.token.id)
        let credentials = try await store.credentials(identityId: caller.signingIdentityId)
        return try await challenges.issue(
            purpose: .userAction,
            user: caller.user,
            tokenId: caller.token.id,
            credentials: credentials,
            method: request.userActionHttpMethod,
            path: path,
            payload: request.userActionPayload
        )
    }

    /// `POST /auth/action`.
    func complete(_ answer: SignedChallenge, caller: Caller) async throws -> UserActionResponse {
        let verified = try await challenges.verify(
            answer,
            purpose: .userAction,
            tokenId: caller.token.id,
            identityId: caller.signingIdentityId,
            refuse: { APIError.forbidden("user action signature is invalid: \($0)") }
        )
        let challenge = verified.challenge
        let now = self.now()
        var record = UserActionRecord(
            id: Identifier.make(.userAction),
            orgId: caller.orgId,
            userId: caller.userId,
            tokenId: caller.token.id,
            tokenKind: caller.token.kind,
            credentialUuid: verified.credential.uuid,
            challengeId: challenge.id,
            httpMethod: challenge.httpMethod ?? "",
            httpPath: challenge.httpPath ?? "",
            payload: challenge.payload ?? "",
            clientData: verified.assertion.clientData,
            signature: verified.assertion.signature,
            createdAt: now,
            expiresAt: now.addingTimeInterval(lifetime)
        )
        record.authenticatorData = verified.assertion.authenticatorData ?? ""
        record.audience = audience(record.httpMethod, String(record.httpPath.prefix { $0 != "?" }))
        let store = self.store
        try await verified.committing(in: store) { [record] in try await store.insertUserAction(record) }
        let token = try await tokens.mint(
            audience: .userAction,
            id: record.id,
            username: caller.user.username,
            metadata: AppMetadata(userId: caller.userId, orgId: caller.orgId, tokenKind: .temporary),
            issuedAt: now,
            expiresAt: record.expiresAt
        )
        return UserActionResponse(userAction: token)
    }

    /// Checks the `X-DFNS-USERACTION` of a request that must be signed, and uses it up now.
    func consume(_ request: SignedRequestShape, caller: Caller) async throws -> UserActionRecord {
        let accepted = try await accept(request, caller: caller)
        // Thrown inside, so the transaction rolls back (on PostgreSQL a conflict has aborted it).
        try await store.transaction { store in
            guard try await accepted.use(store, nil) else { throw accepted.refusal }
        }
        SignetMetrics.signedWrite(fastAuth: accepted.fastAuth)
        return accepted.record
    }

    /// Checks the `X-DFNS-USERACTION` of a request that must be signed (a user action token, or a
    /// Fast Auth assertion); returns its use, not yet written.
    ///
    /// A token must have been issued to this caller's token, for this method, path and query, for a
    /// payload with the same meaning as `body` (the request body, read with
    /// ``SignedPayload/meaning(of:)``), by a credential that is still active, and never used before.
    /// Nothing is used when a check fails; the single use itself is decided by the database, when
    /// the returned use is written.
    func accept(_ request: SignedRequestShape, caller: Caller) async throws -> AcceptedUserAction {
        guard let header = request.header, !header.isEmpty else {
            throw APIError(
                .forbidden,
                "this request must be signed: send X-DFNS-USERACTION (from POST /auth/action/init, then POST /auth/action, or Fast Auth)",
                id: .userActionRequired
            )
        }
        if FastAuth.isFastAuth(header) {
            try limiter.admitWrite(tokenId: caller.token.id)
            return try await acceptFastAuth(header, request, caller: caller)
        }
        let claims: TokenClaims
        do {
            claims = try await tokens.verify(header, audience: .userAction)
        } catch .expired {
            throw APIError.forbidden("the user action has expired; sign the request again")
        } catch {
            throw APIError.forbidden("X-DFNS-USERACTION is not a user action Signet issued")
        }
        guard let record = try await store.userAction(id: claims.jti.value), ExactText.equals(record.orgId, caller.orgId) else {
            throw APIError.forbidden("X-DFNS-USERACTION is not a user action Signet issued")
        }
        guard ExactText.equals(record.tokenId, caller.token.id) else {
            throw APIError.forbidden("the user action was signed by another caller")
        }
        // A replay stops here, before its handler works (the database still decides the single
        // use, for requests that race, when the use is written; so does expiry, then).
        guard record.usedAt == nil, record.expiresAt > now() else {
            throw APIError.forbidden("user action has already been used or has expired")
        }
        try request.requireBinding(signedMethod: record.httpMethod, signedPath: record.httpPath)
        guard ExactText.equals(record.audience, request.audience) else {
            throw APIError.forbidden("the user action was signed for \(Self.describe(record.audience)), not for \(Self.describe(request.audience))")
        }
        guard SignedPayload.matches(signed: record.payload, bodyMeaning: request.body) else {
            throw APIError.forbidden("the request body is not the payload that was signed")
        }
        if let empty = request.bodyIsEmpty, empty != RequestBody.isEmpty(Array(record.payload.utf8)) {
            throw APIError.forbidden(
                empty
                    ? "the request has no body but {} was signed; here they are different requests: sign exactly what you send"
                    : "the request has a body but an empty payload was signed; sign exactly what you send"
            )
        }
        guard let credential = try await store.credential(uuid: record.credentialUuid), credential.isActive else {
            throw APIError.forbidden("the credential that signed this user action has been deactivated; sign the request again")
        }
        let now = self.now
        return AcceptedUserAction(
            record: record,
            fastAuth: false,
            refusal: APIError.forbidden("user action has already been used or has expired"),
            use: { store, presumed in
                try await store.consumeUserAction(id: record.id, at: now(), resultStatus: presumed?.status, outcome: presumed?.outcome)
            }
        )
    }
}

/// A signed request whose signature and binding checked out, its single use not yet written.
struct AcceptedUserAction: Sendable {
    /// The request's audit record.
    let record: UserActionRecord
    /// Whether it was signed with Fast Auth (else with a user action token).
    let fastAuth: Bool
    /// What a replay is told.
    let refusal: APIError
    /// Writes the single use (and a Fast Auth request's audit record) in the transaction it is
    /// given, with how its request is presumed to end, if that is known; `false` when it was made
    /// before, on any node.
    let use: @Sendable (any SignetStore, DeferredSingleUse.Presumption?) async throws -> Bool
}

extension UserActionService {
    /// Signet's own routes.
    static let signet = "signet"
    /// An API that checks user actions with `POST /auth/action/verify`.
    static let verifier = "verifier"

    /// A gateway route to `upstream`.
    static func upstream(_ name: String) -> String { "upstream:" + name }

    /// Where a request will be used: Signet's own paths, a gateway route's upstream, or else an API
    /// that verifies it itself.
    static func audience(method: String, path: String, gateway: GatewayConfiguration?) -> String {
        let segments = path.dropFirst().prefix { $0 != "?" }.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        if let first = segments.first, GatewayConfiguration.isSignetPath(first: first, second: segments.dropFirst().first) { return signet }
        if let gateway, let segments = try? GatewayPath.segments(of: path), let route = gateway.route(method: method, segments: segments) {
            return upstream(route.upstream)
        }
        return verifier
    }

    static func describe(_ audience: String) -> String {
        switch audience {
        case signet: "Signet's own routes"
        case verifier: "an API that verifies it (POST /auth/action/verify)"
        default: "the gateway's upstream \(audience.dropFirst("upstream:".count))"
        }
    }
}
