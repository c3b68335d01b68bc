import Foundation
import HTTPTypes
import Hummingbird
import SignetAPI
import SignetCore
import SignetStore

/// Fast Auth (`docs/contract/dfns-fast-auth.md`): an `X-DFNS-USERACTION` that is a Key credential's
/// assertion over the request itself, accepted in place of a user action token on every signed
/// route. What it must match is checked in ``FastAuth`` (SignetCore); here the credential (an active
/// Key of the bearer's signing identity), the nonce's single use (the database's primary key, so on
/// every node) and the audit record, which keeps the assertion as evidence, as a user action's does.
extension UserActionService {
    /// `Host`, for requests whose authority was not lifted out of the headers (HTTP/1.1 servers lift it).
    static let hostField: HTTPField.Name = {
        guard let name = HTTPField.Name("Host") else { preconditionFailure("invalid header name") }
        return name
    }()

    /// The request a Fast Auth assertion must match, read from what arrived.
    static func fastAuthRequest(_ request: Request, body: [UInt8], orgId: String) -> FastAuth.Request {
        FastAuth.Request(
            method: request.method.rawValue,
            host: host(of: request.head.authority ?? request.headers[hostField] ?? ""),
            target: request.uri.string,
            body: body,
            orgId: orgId
        )
    }

    /// `Host` without its port (`[::1]:8080` → `[::1]`).
    static func host(of authority: String) -> String {
        if authority.hasPrefix("[") { return String(authority.prefix { $0 != "]" }) + (authority.contains("]") ? "]" : "") }
        return String(authority.prefix { $0 != ":" })
    }

    /// The credential a Fast Auth header names, with its parsed key (from the cache when there is one).
    private func signingCredential(named name: String, orgId: String) async throws -> AuthorizationCache.SigningCredential? {
        let challenges = self.challenges
        let load: @Sendable () async throws -> CredentialRecord? = { try await challenges.credential(named: name, orgId: orgId) }
        if let cache { return try await cache.signingCredential(named: name, orgId: orgId, load: load) }
        guard let record = try await load() else { return nil }
        return AuthorizationCache.SigningCredential(record: record, publicKey: try? PublicKey.parsed(pem: record.publicKeyPEM))
    }

    /// Checks a Fast Auth header against the request; its use (the nonce's single use and the audit
    /// record that keeps the assertion, one write) is returned, not written.
    func acceptFastAuth(_ header: String, _ shape: SignedRequestShape, caller: Caller) async throws -> AcceptedUserAction {
        guard fastAuthEnabled else {
            throw APIError(
                .forbidden,
                "Fast Auth is disabled on this server; sign with POST /auth/action/init and POST /auth/action",
                details: ["kind": "FastAuthDisabled"]
            )
        }
        guard let request = shape.fastAuth else {
            throw APIError(
                .forbidden,
                "Fast Auth is not accepted here; send a user action from POST /auth/action/init and POST /auth/action",
                details: ["kind": "FastAuthDisabled"]
            )
        }
        let assertion: FastAuth.Assertion
        do {
            assertion = try FastAuth.parse(header)
            try FastAuth.check(assertion, against: request, now: now())
        } catch {
            throw APIError.forbidden(error.description)
        }
        let credential = try await verifiedSigner(of: assertion, caller: caller)
        let signedAt = Date(timeIntervalSince1970: Double(assertion.timestamp) / 1000)
        let now = self.now()
        var record = UserActionRecord(
            id: Identifier.make(.userAction),
            orgId: caller.orgId,
            userId: caller.userId,
            tokenId: caller.token.id,
            tokenKind: caller.token.kind,
            credentialUuid: credential.uuid,
            challengeId: "fast-auth:" + assertion.nonce,
            httpMethod: request.method,
            httpPath: request.target,
            payload: String(decoding: request.body, as: UTF8.self),
            clientData: assertion.clientData,
            signature: assertion.signature,
            createdAt: now,
            expiresAt: now,
            usedAt: now
        )
        record.audience = shape.audience
        let nonce = assertion.nonce
        let (orgId, until) = (caller.orgId, signedAt.addingTimeInterval(FastAuth.window))
        return AcceptedUserAction(
            record: record,
            fastAuth: true,
            refusal: APIError.forbidden("this Fast Auth request was already used (its nonce was seen before); sign the request again"),
            use: { [record] store, presumed in
                var record = record
                record.resultStatus = presumed?.status
                record.outcome = presumed?.outcome
                return try await store.useFastAuthNonce(nonce, orgId: orgId, until: until, recording: record)
            }
        )
    }

    /// The caller's active Key credential that signed `assertion`, its signature checked.
    private func verifiedSigner(of assertion: FastAuth.Assertion, caller: Caller) async throws -> CredentialRecord {
        let credId = TextRules.escaped(assertion.credId)
        guard let found = try await signingCredential(named: assertion.credId, orgId: caller.orgId) else {
            throw APIError.forbidden("credential \(credId) is not a Key credential of this caller")
        }
        let credential = found.record
        guard credential.kind == .key, ExactText.equals(credential.identityId, caller.signingIdentityId) else {
            throw APIError.forbidden("credential \(credId) is not a Key credential of this caller")
        }
        guard credential.isActive else { throw APIError.forbidden("credential \(credId) has been deactivated") }
        guard let publicKey = found.publicKey else {
            throw APIError.forbidden("credential \(credId) has a key Signet no longer accepts; register a new key")
        }
        do {
            try FastAuth.verifySignature(assertion, publicKey: publicKey)
        } catch {
            throw APIError.forbidden(error.description)
        }
        return credential
    }
}
