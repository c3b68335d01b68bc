import Foundation
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

    static let methods: Set<String> = ["POST", "PUT", "DELETE", "GET"]

    /// `POST /auth/action/init`.
    func initiate(_ request: CreateUserActionChallengeRequest, caller: Caller) async throws -> UserActionChallenge {
        guard Self.methods.contains(request.userActionHttpMethod) else {
            throw APIError.badRequest("userActionHttpMethod must be one of POST, PUT, DELETE, GET")
        }
        let path = request.userActionHttpPath
        guard path.hasPrefix("/"), path.utf8.count <= 2048, !path.contains(where: \.isWhitespace) else {
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
        let credentials = try await store.credentials(identityId: caller.signingIdentityId)
        return try await challenges.issue(
            purpose: .userAction, user: caller.user, tokenId: caller.token.id, credentials: credentials,
            method: request.userActionHttpMethod, path: path, payload: request.userActionPayload)
    }

    /// `POST /auth/action`.
    func complete(_ answer: SignedChallenge, caller: Caller) async throws -> UserActionResponse {
        let verified = try await challenges.verify(
            answer, purpose: .userAction, tokenId: caller.token.id, identityId: caller.signingIdentityId,
            refuse: { APIError.forbidden("user action signature is invalid: \($0)") })
        let challenge = verified.challenge
        let now = Date()
        let record = UserActionRecord(
            id: Identifier.make(.userAction), orgId: caller.orgId, userId: caller.userId, tokenId: caller.token.id,
            tokenKind: caller.token.kind, credentialUuid: verified.credential.uuid, challengeId: challenge.id,
            httpMethod: challenge.httpMethod ?? "", httpPath: challenge.httpPath ?? "", payload: challenge.payload ?? "",
            clientData: verified.assertion.clientData, signature: verified.assertion.signature, createdAt: now,
            expiresAt: now.addingTimeInterval(lifetime))
        try await store.insertUserAction(record)
        let token = try await tokens.mint(
            audience: .userAction, id: record.id, username: caller.user.username,
            metadata: AppMetadata(userId: caller.userId, orgId: caller.orgId, tokenKind: .temporary), issuedAt: now,
            expiresAt: record.expiresAt)
        return UserActionResponse(userAction: token)
    }

    /// Checks the `X-DFNS-USERACTION` token of a request that must be signed, and uses it up.
    ///
    /// It must have been issued to this caller's token, for this method and path, for a payload
    /// with the same meaning as `body` (the request body, read with ``SignedPayload/meaning(of:)``),
    /// and never used before. Nothing is consumed when a check
    /// fails; the single use itself is decided by the database.
    func consume(header: String?, caller: Caller, method: String, path: String, query: String?, body: JSONValue) async throws
        -> UserActionRecord
    {
        guard let header, !header.isEmpty else {
            throw APIError.forbidden(
                "this request must be signed: send X-DFNS-USERACTION (from POST /auth/action/init, then POST /auth/action)")
        }
        let claims: TokenClaims
        do {
            claims = try await tokens.verify(header, audience: .userAction)
        } catch .expired {
            throw APIError.forbidden("the user action has expired; sign the request again")
        } catch {
            throw APIError.forbidden("X-DFNS-USERACTION is not a user action Signet issued")
        }
        guard let record = try await store.userAction(id: claims.jti.value), record.orgId == caller.orgId else {
            throw APIError.forbidden("X-DFNS-USERACTION is not a user action Signet issued")
        }
        guard record.tokenId == caller.token.id else {
            throw APIError.forbidden("the user action was signed by another caller")
        }
        let pathMatches = record.httpPath == path || (query.map { record.httpPath == "\(path)?\($0)" } ?? false)
        guard record.httpMethod == method, pathMatches else {
            throw APIError.forbidden(
                "the user action was signed for \(record.httpMethod) \(record.httpPath), not \(method) \(path)")
        }
        guard SignedPayload.matches(signed: record.payload, bodyMeaning: body) else {
            throw APIError.forbidden("the request body is not the payload that was signed")
        }
        guard try await store.consumeUserAction(id: record.id, at: Date()) else {
            throw APIError.forbidden("user action has already been used or has expired")
        }
        return record
    }
}
