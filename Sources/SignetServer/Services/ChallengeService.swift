import Foundation
import HTTPTypes
import JWTKit
import SignetAPI
import SignetCore
import SignetStore

/// Issues challenges and checks the signed answers, for logins and user actions alike.
struct ChallengeService: Sendable {
    let store: any SignetStore
    let tokens: TokenAuthority
    let lifetime: TimeInterval
    /// Checks passkey assertions.
    let passkeys: PasskeyService
    /// The current time (injectable, so tests can move it instead of sleeping).
    let now: @Sendable () -> Date

    /// What a verified answer proved.
    struct Answer: Sendable {
        let challenge: ChallengeRecord
        let credential: CredentialRecord
        let assertion: CredentialAssertion
        /// The challenge's single use, not yet written (a Key's answer): the caller's write makes it
        /// (``committing(in:_:)``). `nil` when it is written already (a passkey's, with its counter).
        let use: DeferredSingleUse?

        /// Runs `body`, whose first transaction also uses the challenge up (written on its own
        /// afterwards if `body` wrote nothing); a replay throws the refusal, and its change is rolled back.
        func committing<T: Sendable>(in store: any SignetStore, _ body: @Sendable () async throws -> T) async throws -> T {
            guard let use else { return try await body() }
            return try await use.run(in: store, body)
        }

        /// Who answered: the user the challenge was issued for, or, for a discoverable passkey
        /// login (issued for no one), the passkey's owner.
        var userId: String { challenge.userId.isEmpty ? credential.identityId : challenge.userId }
    }

    /// Who a challenge is for: the user's ids, and the username as the client gave it.
    struct Subject: Sendable {
        let orgId: String
        let userId: String
        let username: String
    }

    /// Issues a challenge that only the listed credentials may answer.
    func issue(
        purpose: ChallengePurpose,
        user: UserRecord,
        tokenId: String?,
        credentials: [CredentialRecord],
        method: String? = nil,
        path: String? = nil,
        payload: String? = nil
    ) async throws -> UserActionChallenge {
        let active = credentials.filter(\.isActive)
        return try await issue(
            purpose: purpose,
            for: Subject(orgId: user.orgId, userId: user.id, username: user.username),
            tokenId: tokenId,
            allowedCredentialIds: Self.keyIds(active),
            passkeys: active.filter { $0.kind == .fido2 },
            method: method,
            path: path,
            payload: payload
        )
    }

    /// Every id the active keys among `credentials` may be named by: each one's credId and, where it
    /// differs, its `cr-…` uuid (the TypeScript SDK's signer checks its own id against this list).
    static func keyIds(_ credentials: [CredentialRecord]) -> [String] {
        credentials.filter { $0.isActive && $0.kind == .key }.flatMap { key in
            key.credentialId.utf8.elementsEqual(key.uuid.utf8) ? [key.credentialId] : [key.credentialId, key.uuid]
        }
    }

    /// Issues a challenge that only the listed key ids and `passkeys` may answer. Each passkey's
    /// signature count now is kept with it: an answer must count above it (``PasskeyService/isClone(_:challenge:)``).
    func issue(
        purpose: ChallengePurpose,
        for subject: Subject,
        tokenId: String?,
        allowedCredentialIds allowed: [String],
        passkeys: [CredentialRecord] = [],
        method: String? = nil,
        path: String? = nil,
        payload: String? = nil
    ) async throws -> UserActionChallenge {
        let passkeyIds = passkeys.map(\.credentialId)
        var counts: [String: Int64] = [:]
        for passkey in passkeys { counts[passkey.uuid] = try await store.signCount(of: passkey) }
        let now = self.now()
        let id = Identifier.make(.challenge)
        let nonce = Identifier.make(.nonce) + "-" + Base64URL.encode(Identifier.randomBytes(16))
        let challenge = Base64URL.encode(#"{"id":"\#(id)","nonce":"\#(nonce)"}"#)
        var record = ChallengeRecord(
            id: id,
            orgId: subject.orgId,
            purpose: purpose,
            userId: subject.userId,
            tokenId: tokenId,
            challenge: challenge,
            allowedCredentialIds: allowed + passkeyIds,
            httpMethod: method,
            httpPath: path,
            payload: payload,
            createdAt: now,
            expiresAt: now.addingTimeInterval(lifetime)
        )
        record.signCountsAtIssue = counts
        try await store.insertChallenge(record)
        let identifier = try await tokens.mint(
            audience: .challenge,
            id: id,
            username: subject.username,
            metadata: AppMetadata(userId: subject.userId, orgId: subject.orgId, tokenKind: .temporary),
            issuedAt: now,
            expiresAt: record.expiresAt
        )
        let kinds = [SupportedCredentialKind(kind: .key)] + (passkeyIds.isEmpty ? [] : [SupportedCredentialKind(kind: .fido2)])
        return UserActionChallenge(
            challenge: challenge,
            challengeIdentifier: identifier,
            supportedCredentialKinds: kinds,
            allowCredentials: AllowCredentials(
                key: allowed.map { AllowedCredential(id: $0) },
                webauthn: passkeyIds.map { AllowedCredential(id: $0) }
            )
        )
    }

    /// Verifies a signed answer; the challenge is used up now (a passkey's answer) or by the
    /// caller's write (``Answer/committing(in:_:)``, which the caller must call).
    ///
    /// - Parameters:
    ///   - purpose: what the challenge must have been issued for.
    ///   - tokenId: for user actions, the token the caller presents now; it must be the one the challenge was issued to.
    ///   - identityId: whose credentials may answer (the user logging in, or the caller's signing identity).
    ///   - refuse: builds the refusal for an answer that does not prove what it must (401 at login, 403 for actions).
    func verify(
        _ answer: SignedChallenge,
        purpose: ChallengePurpose,
        tokenId: String?,
        identityId: String? = nil,
        refuse: (String) -> APIError
    ) async throws -> Answer {
        let claims: TokenClaims
        do {
            claims = try await tokens.verify(answer.challengeIdentifier, audience: .challenge)
        } catch .expired {
            throw refuse("the challenge has expired; ask for a new one")
        } catch {
            throw refuse("challengeIdentifier is not a challenge Signet issued")
        }
        guard let challenge = try await store.challenge(id: claims.jti.value), challenge.purpose == purpose,
            ExactText.equals(challenge.orgId, claims.sub.value)
        else { throw refuse("challengeIdentifier is not valid for this request") }
        // A replayed answer stops here, before its signature or a passkey's counter is looked at (the
        // database still decides single use below, for answers that race).
        guard challenge.usedAt == nil, challenge.expiresAt > now() else {
            throw refuse("the challenge has already been answered or has expired; ask for a new one")
        }
        if purpose == .userAction {
            guard let tokenId, let issuedTo = challenge.tokenId, ExactText.equals(issuedTo, tokenId) else {
                throw refuse("the challenge was issued to another caller")
            }
        }
        let checked: Checked
        do {
            checked = try await check(answer, challenge: challenge, identityId: identityId, refuse: refuse)
        } catch let regressed as PasskeyService.CounterNotIncreased {
            // A fresh answer whose counter did not go up is a clone; a copy of an answer accepted
            // meanwhile finds its challenge used and is only a replay.
            guard try await store.consumeChallenge(id: challenge.id, at: now()) else {
                throw refuse("the challenge has already been answered or has expired; ask for a new one")
            }
            guard try await passkeys.isClone(regressed, challenge: challenge) else {
                throw refuse("\(regressed.reason): this answer is older than the passkey's last use; sign again")
            }
            throw try await passkeys.flag(regressed.credential, regressed.assertion, challenge, regressed.reason, refuse)
        } catch let error as APIError where error.status == .unauthorized || error.status == .forbidden {
            // A wrong answer counts against the challenge: it dies at the fifth.
            try await store.recordChallengeFailure(id: challenge.id, at: now())
            throw error
        }
        let used = refuse("the challenge has already been answered or has expired; ask for a new one")
        guard let passkeyUse = checked.passkeyUse else {
            // A Key's answer: the challenge is used up by the caller's own write (one commit).
            let (id, now) = (challenge.id, self.now)
            let use = DeferredSingleUse(refusal: used) { store, _ in try await store.consumeChallenge(id: id, at: now()) }
            return Answer(challenge: challenge, credential: checked.credential, assertion: checked.assertion, use: use)
        }
        guard try await store.consumeChallenge(id: challenge.id, at: now()) else { throw used }
        try await passkeys.record(passkeyUse, of: checked.credential, assertion: checked.assertion, challenge: challenge, refuse: refuse)
        return Answer(challenge: challenge, credential: checked.credential, assertion: checked.assertion, use: nil)
    }

    /// A verified answer, before its challenge is used up.
    private struct Checked {
        let credential: CredentialRecord
        let assertion: CredentialAssertion
        /// A passkey's counter and backup state, stored once the challenge is used up.
        let passkeyUse: PasskeyService.PasskeyUse?
    }

    /// Checks that an answer comes from a credential allowed to answer `challenge`, and verifies its signature.
    private func check(
        _ answer: SignedChallenge,
        challenge: ChallengeRecord,
        identityId: String?,
        refuse: (String) -> APIError
    ) async throws -> Checked {
        let kind = answer.firstFactor.kind
        guard kind == .key || kind == .fido2 else {
            throw APIError.badRequest("firstFactor.kind '\(kind.rawValue)' is not supported; Signet verifies Key and Fido2 credentials")
        }
        guard let assertion = answer.firstFactor.credentialAssertion else {
            throw APIError.invalid("firstFactor.credentialAssertion", "field 'firstFactor.credentialAssertion' is required")
        }
        let credId = TextRules.escaped(assertion.credId)
        // A login challenge issued for no one is answered by a discoverable passkey, which must say whose it is.
        let discoverable = challenge.purpose == .login && challenge.userId.isEmpty
        guard let credential = try await credential(named: assertion.credId, orgId: challenge.orgId), credential.kind == kind,
            discoverable
                ? kind == .fido2 && assertion.userHandle != nil
                : challenge.allowedCredentialIds.contains(where: { ExactText.equals($0, credential.credentialId) })
                    && ExactText.equals(credential.identityId, identityId ?? challenge.userId)
        else { throw refuse("credential \(credId) may not answer this challenge") }
        guard credential.isActive else { throw refuse("credential \(credId) has been deactivated") }
        if kind == .fido2 {
            let use = try await passkeys.verify(assertion, by: credential, challenge: challenge, refuse: refuse)
            return Checked(credential: credential, assertion: assertion, passkeyUse: use)
        }
        try verifyKey(assertion, by: credential, challenge: challenge, refuse: refuse)
        return Checked(credential: credential, assertion: assertion, passkeyUse: nil)
    }

    /// A malformed answer: a 400 that says what is wrong, except to a login challenge, where it gets
    /// the login's one refusal (a decoy challenge names no real credential, so a 400 only for real
    /// ones would tell a stranger which usernames exist).
    static func malformed(_ message: String, challenge: ChallengeRecord, refuse: (String) -> APIError) -> APIError {
        challenge.purpose == .login ? refuse(message) : APIError.badRequest(message)
    }

    /// Checks a Key credential's signature over `clientData`.
    private func verifyKey(
        _ assertion: CredentialAssertion,
        by credential: CredentialRecord,
        challenge: ChallengeRecord,
        refuse: (String) -> APIError
    ) throws {
        // A key stored before today's rules (a weak Ed25519 point, say) is refused, not trusted.
        guard let publicKey = try? PublicKey.parsed(pem: credential.publicKeyPEM) else {
            throw refuse("credential \(TextRules.escaped(assertion.credId)) has a key Signet no longer accepts; register a new key")
        }
        do {
            try KeyAssertion.verify(
                clientData: assertion.clientData,
                signature: assertion.signature,
                algorithmHint: assertion.algorithm,
                publicKey: publicKey,
                expectedChallenge: challenge.challenge
            )
        } catch .clientDataNotBase64URL {
            throw Self.malformed(KeyAssertion.Failure.clientDataNotBase64URL.description, challenge: challenge, refuse: refuse)
        } catch .signatureNotBase64URL {
            throw Self.malformed(KeyAssertion.Failure.signatureNotBase64URL.description, challenge: challenge, refuse: refuse)
        } catch .unsupportedAlgorithmHint(let hint) {
            throw Self.malformed(KeyAssertion.Failure.unsupportedAlgorithmHint(hint).description, challenge: challenge, refuse: refuse)
        } catch {
            throw refuse(error.description)
        }
    }

    /// The credential an assertion names: by its `credId`, or by its `cr-…` uuid (what the Dfns
    /// documentation tells users to give their key signers, also for credentials whose `credId`
    /// is a base64url id from before Signet used the uuid).
    /// A `cr-…` name is looked up as a uuid first: Signet made it, and a `credId` chosen to equal
    /// another credential's uuid (refused since, but possibly stored before) must not shadow it.
    func credential(named name: String, orgId: String) async throws -> CredentialRecord? {
        if Identifier.isWellFormed(name, prefix: .credential), let credential = try await store.credential(uuid: name),
            ExactText.equals(credential.orgId, orgId)
        {
            return credential
        }
        return try await store.credential(orgId: orgId, credentialId: name)
    }
}
