import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetStore

/// Passkeys (Fido2 credentials) for people: the WebAuthn creation options, registration, and the
/// check of an assertion. The ceremonies themselves are verified by `SignetCore`'s ``WebAuthn``.
struct PasskeyService: Sendable {
    let store: any SignetStore
    let relyingParty: RelyingParty?
    let now: @Sendable () -> Date

    /// The relying party, or a 400 that says how to configure one.
    func requireRelyingParty() throws -> RelyingParty {
        guard let relyingParty else {
            throw APIError.badRequest(
                "passkeys are not configured on this server: start signet serve with --rp-id and --origin (see the README)"
            )
        }
        return relyingParty
    }

    /// A person's passkeys: only a person logged in may hold or add one (never a PAT or a service account).
    static func requirePerson(_ caller: Caller) throws {
        guard caller.isUserLogin else {
            throw APIError.forbidden("passkeys belong to people: add one from a user's login session, not as \(caller.errorName)")
        }
    }

    /// The WebAuthn user handle of a user: the UTF-8 bytes of the user id, as the Dfns clients make it.
    static func userHandle(_ userId: String) -> [UInt8] { Array(userId.utf8) }

    /// `POST /auth/credentials/init {kind: "Fido2"}`: the creation options.
    func creationOptions(for user: UserRecord, challenge: UserActionChallenge) async throws -> CredentialChallenge {
        let relyingParty = try requireRelyingParty()
        let existing = try await store.credentials(identityId: user.id).filter { $0.kind == .fido2 }
        var options = CredentialChallenge(
            kind: .fido2,
            user: CredentialChallenge.User(id: user.id, displayName: user.name, name: user.username),
            challengeIdentifier: challenge.challengeIdentifier,
            challenge: challenge.challenge,
            attestation: "direct",
            pubKeyCredParams: COSEKey.supportedAlgorithms.map { CredentialChallenge.PublicKeyCredentialParameter(alg: $0) }
        )
        options.rp = RelyingPartyInfo(id: relyingParty.id, name: relyingParty.name)
        options.authenticatorSelection = AuthenticatorSelection(residentKey: "preferred", requireResidentKey: false, userVerification: "required")
        options.excludeCredentials = existing.map { AllowedCredential(id: $0.credentialId) }
        options.temporaryAuthenticationToken = challenge.challengeIdentifier
        return options
    }

    /// Verifies a passkey registration for `user` against `challenge` and returns the credential to
    /// store (not yet stored). Malformed data is a 400; a ceremony that does not check out, a 403.
    func register(_ info: KeyCredentialInfo, name: String, challenge: ChallengeRecord, user: UserRecord) async throws -> CredentialRecord {
        let relyingParty = try requireRelyingParty()
        let credentialId = try Self.decode(info.credId, field: "credentialInfo.credId")
        let verified: VerifiedRegistration
        do {
            verified = try WebAuthn.verifyRegistration(
                clientData: try Self.decode(info.clientData, field: "credentialInfo.clientData"),
                attestationObject: try Self.decode(info.attestationData, field: "credentialInfo.attestationData"),
                credentialId: credentialId,
                issuedChallenge: challenge.challenge,
                relyingParty: relyingParty,
                now: now()
            )
        } catch {
            throw Self.apiError(error, refusing: "the passkey registration is refused")
        }
        let key = verified.publicKey.publicKey
        let credId = Base64URL.encode(verified.credentialId)
        try await Validate.keyIsNew(key, orgId: user.orgId, store: store)
        if try await store.credentialIdentifierTaken(credId) {
            throw APIError.conflict("this passkey is already registered", details: ["duplicate": "credId"])
        }
        var record = CredentialRecord(
            uuid: Identifier.make(.credential),
            orgId: user.orgId,
            credentialId: credId,
            identityId: user.id,
            kind: .fido2,
            name: name,
            publicKeyPEM: key.pemRepresentation,
            fingerprint: key.fingerprint,
            algorithm: key.algorithm,
            createdAt: now()
        )
        record.relyingPartyId = relyingParty.id
        record.origin = verified.origin
        record.aaguid = Hex.encode(verified.aaguid)
        record.attestation = verified.attestation
        record.signCount = Int64(verified.signCount)
        record.backupEligible = verified.backupEligible
        record.backedUp = verified.backedUp
        return record
    }

    /// How the refusal of a passkey flagged as a possible clone begins. A login passes it on instead of
    /// its one generic refusal: the signature verified, so only the authenticator's holder reads it.
    static let possibleClone = "possible clone: "

    /// Checks a passkey's assertion for `challenge`; what it leaves to store is returned, for
    /// ``record(_:of:refuse:)`` once the challenge is used up. A counter that did not go up flags the
    /// credential (a possible clone) and is refused.
    func verify(
        _ assertion: CredentialAssertion,
        by credential: CredentialRecord,
        challenge: ChallengeRecord,
        refuse: (String) -> APIError
    ) async throws -> PasskeyUse {
        do {
            return try await verifyAnswer(assertion, by: credential, challenge: challenge, refuse: refuse)
        } catch let error as APIError where error.status == .badRequest && challenge.purpose == .login {
            // A malformed answer to a login gets the login's one refusal: a decoy challenge names no
            // real passkey, so a 400 only for real ones would tell a stranger which usernames exist.
            throw refuse(error.message)
        }
    }

    /// What a verified assertion leaves to store once its challenge is used up (``record(_:of:refuse:)``).
    struct PasskeyUse: Sendable {
        let signCount: UInt32
        let backedUp: Bool
    }

    /// Stores a verified use, after its challenge was used up (so two copies of one answer never get
    /// here both). The counter is a compare-and-set. When another answer raised it meanwhile: to the
    /// same value, two signatures carry one counter value, which a genuine authenticator never makes
    /// (a clone: flagged); beyond it, two ceremonies ran at once and this answer lost (refused, to
    /// sign again). A counter that went back before this answer was checked is caught by
    /// ``verify(_:by:challenge:refuse:)``.
    func record(
        _ use: PasskeyUse,
        of credential: CredentialRecord,
        assertion: CredentialAssertion,
        challenge: ChallengeRecord,
        refuse: (String) -> APIError
    ) async throws {
        let raised = try await store.recordSignCount(uuid: credential.uuid, signCount: Int64(use.signCount), at: now())
        if !raised && use.signCount > 0 {
            let stored = try await store.counter(of: credential)?.signCount ?? credential.signCount
            guard stored > Int64(use.signCount) else {
                let reason = "another answer carried the same signature counter value \(use.signCount)"
                throw try await flag(credential, assertion, challenge, reason, refuse)
            }
            throw refuse("another answer raised this passkey's signature counter to \(stored) at the same moment; sign again")
        }
        if use.backedUp != credential.backedUp { try await store.recordBackupState(uuid: credential.uuid, backedUp: use.backedUp) }
    }

    /// Whether an answer whose counter did not go up must flag its passkey, once its challenge is used
    /// up. The challenge kept each passkey's count when it was issued: a genuine authenticator signs
    /// it later, with a higher count, so an answer at or below that count is a clone's. Above it but
    /// below the count stored since, it may be a late answer from the genuine authenticator (it
    /// signed two challenges and the later one arrived first): refused, not flagged. A challenge
    /// issued for no passkey in particular (a discoverable login) kept no count: there a count
    /// stored after the challenge was issued, by the nodes' clocks, makes the answer late.
    func isClone(_ regressed: CounterNotIncreased, challenge: ChallengeRecord) async throws -> Bool {
        guard regressed.received < regressed.stored, regressed.received > 0 else { return true }
        if let atIssue = challenge.signCountsAtIssue[regressed.credential.uuid] { return Int64(regressed.received) <= atIssue }
        guard let counter = try await store.counter(of: regressed.credential) else { return true }
        return challenge.createdAt >= counter.recordedAt
    }

    private func verifyAnswer(
        _ assertion: CredentialAssertion,
        by credential: CredentialRecord,
        challenge: ChallengeRecord,
        refuse: (String) -> APIError
    ) async throws -> PasskeyUse {
        let relyingParty = try requireRelyingParty()
        guard ExactText.equals(credential.relyingPartyId, relyingParty.id) else {
            throw refuse("this passkey belongs to relying party \(credential.relyingPartyId), not \(relyingParty.id)")
        }
        guard let authenticatorData = assertion.authenticatorData else {
            throw APIError.invalid(
                "firstFactor.credentialAssertion.authenticatorData",
                "field 'firstFactor.credentialAssertion.authenticatorData' is required for a Fido2 credential"
            )
        }
        guard let publicKey = try? PublicKey(pem: credential.publicKeyPEM) else {
            throw refuse("this passkey's key is no longer accepted; register a new passkey")
        }
        let stored = UInt32(clamping: try await store.signCount(of: credential))
        let verified: VerifiedAssertion
        do {
            verified = try WebAuthn.verifyAssertion(
                clientData: try Self.decode(assertion.clientData, field: "firstFactor.credentialAssertion.clientData"),
                authenticatorData: try Self.decode(authenticatorData, field: "firstFactor.credentialAssertion.authenticatorData"),
                signature: try Self.decode(assertion.signature, field: "firstFactor.credentialAssertion.signature"),
                publicKey: publicKey,
                issuedChallenge: challenge.challenge,
                relyingParty: relyingParty,
                storedSignCount: stored,
                userHandle: try assertion.userHandle.map { try Self.decode($0, field: "firstFactor.credentialAssertion.userHandle") },
                expectedUserHandle: Self.userHandle(credential.identityId),
                storedBackupEligible: credential.backupEligible
            )
        } catch let error as WebAuthnError {
            if case .counterNotIncreased(let stored, let received) = error {
                throw CounterNotIncreased(
                    credential: credential,
                    assertion: assertion,
                    reason: error.description,
                    stored: stored,
                    received: received
                )
            }
            if Self.isMalformed(error) { throw APIError.badRequest(error.description) }
            throw refuse(error.description)
        }
        return PasskeyUse(signCount: verified.signCount, backedUp: verified.backedUp)
    }

    /// A verified signature whose counter did not go up. Flagged only once the caller has used up its
    /// challenge: a second copy of an answer already accepted (its counter stored meanwhile) is a
    /// replay, refused as one, not a clone.
    struct CounterNotIncreased: Error {
        let credential: CredentialRecord
        let assertion: CredentialAssertion
        let reason: String
        let stored: UInt32
        let received: UInt32
    }

    private static func decode(_ text: String, field: String) throws -> [UInt8] {
        guard let bytes = Base64URL.decode(text), !bytes.isEmpty else { throw APIError.invalid(field, "field '\(field)' must be base64url") }
        return bytes
    }

    /// Malformed input is the client's mistake (400); a ceremony that does not verify is a refusal (403).
    private static func apiError(_ error: any Error, refusing what: String) -> any Error {
        guard let error = error as? WebAuthnError else { return error }
        return isMalformed(error) ? APIError.badRequest(error.description) : APIError.forbidden("\(what): \(error.description)")
    }

    private static func isMalformed(_ error: WebAuthnError) -> Bool {
        switch error {
        case .malformed, .cbor, .unsupportedKey, .unsupportedAttestation, .algorithmNotOffered: return true
        default: return false
        }
    }
}
