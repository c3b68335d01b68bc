import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// For APIs that cannot sit behind the gateway: token introspection (RFC 7662) and the check of a
/// user action for a request the API itself received. Both are asked by the API's service account,
/// which needs a Signet operation for each (`Auth:Tokens:Introspect`, `Auth:Actions:Verify`).
struct VerificationService: Sendable {
    let authenticator: BearerAuthenticator
    let permissions: PermissionService
    let userActions: UserActionService
    let tokens: TokenAuthority
    /// Inactive introspections per caller (``AbuseLimits``).
    var limiter = AbuseLimiter.unlimited

    /// `POST /auth/action/verify`: checks the user action against the end user's token, method,
    /// path (with its query) and body exactly as the API received them, and uses it up.
    func verify(body: [UInt8], caller: Caller) async throws -> VerifiedUserAction {
        let request = try RequestBody.decode(VerifyUserActionRequest.self, from: body)
        let subject: Caller
        do {
            subject = try await authenticator.authenticate(token: request.accessToken)
        } catch {
            throw APIError.forbidden("accessToken is not an active Signet access token")
        }
        guard ExactText.equals(subject.orgId, caller.orgId) else { throw APIError.forbidden("accessToken is not an active Signet access token") }
        let path = String(request.path.prefix { $0 != "?" })
        let query = request.path.firstIndex(of: "?").map { String(request.path[request.path.index(after: $0)...]) }
        guard path.hasPrefix("/") else { throw APIError.badRequest("path must start with / (the request's path and query as received)") }
        guard let meaning = SignedPayload.meaning(of: Array(request.body.utf8)) else {
            throw APIError.badRequest("body is not JSON (send \"\" for none)")
        }
        let shape = SignedRequestShape(
            header: request.userAction,
            method: request.method.uppercased(),
            path: path,
            query: query,
            body: meaning,
            audience: UserActionService.verifier,
            bodyIsEmpty: RequestBody.isEmpty(Array(request.body.utf8)),
            unsignedQueryParameters: []
        )
        let action = try await userActions.consume(shape, caller: subject)
        return VerifiedUserAction(
            userActionId: action.id,
            userId: subject.user.id,
            username: subject.user.username,
            orgId: subject.orgId,
            tokenId: subject.token.id,
            tokenKind: subject.token.kind
        )
    }

    /// `POST /oauth2/introspect` (RFC 7662): `{"active": false}` for anything that is not an active
    /// access token of the caller's organisation, without saying why.
    func introspect(body: [UInt8], caller: Caller) async throws -> IntrospectionResponse {
        guard caller.token.kind == .serviceAccount else {
            throw APIError.forbidden("\(caller.errorName): token introspection is for service accounts (the API's own identity)")
        }
        try limiter.admitIntrospection(by: caller.token.id)
        guard let token = Self.formValue("token", in: body), let subject = try? await authenticator.authenticate(token: token),
            ExactText.equals(subject.orgId, caller.orgId)
        else {
            limiter.recordInactiveIntrospection(by: caller.token.id)
            return IntrospectionResponse(active: false)
        }
        let effective = try await permissions.effective(for: subject)
        var answer = IntrospectionResponse(active: true)
        answer.sub = subject.user.id
        answer.username = subject.user.username
        answer.tokenType = subject.token.kind.rawValue
        answer.exp = Int(subject.token.expiresAt.timeIntervalSince1970)
        answer.iat = Int(subject.token.createdAt.timeIntervalSince1970)
        answer.iss = tokens.issuer
        answer.scope = (effective.grantsAll ? OperationCatalog.current : effective.operations.sorted()).joined(separator: " ")
        answer.orgId = subject.orgId
        answer.tokenId = subject.token.id
        return answer
    }

    /// A value of an `application/x-www-form-urlencoded` body (`+` is a space, `%XX` a byte).
    static func formValue(_ name: String, in body: [UInt8]) -> String? {
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name[...] else { continue }
            return parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }
}
