import Foundation
import NIOHTTP1
public import SignetAPI
public import SignetCore

extension AuthAPI {
    /// `POST /auth/recover/user/code`: asks for a recovery code for `username`, delivered through
    /// the organisation's registration webhook. The answer is the same whether or not it was sent.
    public func sendRecoveryCode(username: String) async throws -> MessageResponse {
        try await transport.send(Endpoints.recoveryCode, body: SendRecoveryCodeRequest(username: username, orgId: organizationID))
    }
}

extension CredentialsAPI {
    /// Adds `key` as the caller's recovery key (a person's login session only): it never signs a
    /// login or a user action, only a recovery. `encryptedPrivateKey` is stored as given and handed
    /// back at recovery; Signet never sees the key in the clear.
    public func addRecoveryKey(_ key: PrivateKey, name: String = "Recovery key", encryptedPrivateKey: String? = nil) async throws -> Credential {
        let challenge = try await createChallenge(kind: .recoveryKey)
        let (clientData, attestationData) = try KeyAttestation.make(challenge: challenge.challenge, key: key)
        return try await create(
            CreateCredentialRequest(
                credentialKind: .recoveryKey,
                credentialInfo: KeyCredentialInfo(
                    credId: Base64URL.encode(Identifier.randomBytes(32)),
                    clientData: clientData,
                    attestationData: attestationData
                ),
                credentialName: name,
                challengeIdentifier: challenge.challengeIdentifier,
                encryptedPrivateKey: encryptedPrivateKey
            )
        )
    }
}

extension SignetClient {
    /// Recovers a person's account with their recovery key and the code the webhook delivered:
    /// registers `newKey` (which then signs in) and ends every other credential, session and PAT.
    public static func recover(
        baseURL: String,
        organizationID: String,
        username: String,
        recoveryCode: String,
        recoveryKey: PrivateKey,
        recoveryCredentialId: String,
        newKey: PrivateKey,
        newCredentialName: String? = nil,
        configuration: Configuration = Configuration()
    ) async throws -> RegisterResponse {
        let anonymous = try SignetClient(baseURL: baseURL, organizationID: organizationID, authToken: nil, configuration: configuration)
        let request = CreateRecoveryChallengeRequest(
            username: username,
            verificationCode: recoveryCode,
            orgId: organizationID,
            credentialId: recoveryCredentialId
        )
        let challenge = try await anonymous.transport.send(Endpoints.recoveryInit, body: request).registration
        let (clientData, attestation) = try KeyAttestation.make(challenge: challenge.challenge, key: newKey)
        let info = KeyCredentialInfo(credId: Base64URL.encode(Identifier.randomBytes(32)), clientData: clientData, attestationData: attestation)
        let newCredentials = RegisterRequest(
            firstFactorCredential: RegistrationCredential(credentialKind: .key, credentialInfo: info, credentialName: newCredentialName)
        )
        // The recovery key signs the new credentials: clientData's challenge is the base64url of their JSON.
        let signed = KeyAssertion.clientData(challenge: Base64URL.encode(Array(try SignetJSON.encoder().encode(newCredentials))))
        let assertion = CredentialAssertion(
            credId: recoveryCredentialId,
            clientData: Base64URL.encode(signed),
            signature: Base64URL.encode(try recoveryKey.signature(for: signed))
        )
        let recovering = Transport(
            baseURL: anonymous.transport.baseURL,
            organizationID: organizationID,
            authToken: challenge.temporaryAuthenticationToken,
            signer: nil,
            configuration: configuration,
            httpClient: anonymous.transport.httpClient
        )
        return try await recovering.send(
            .POST,
            Endpoints.recover.path.filled([]),
            body: RecoverRequest(recovery: .init(credentialAssertion: assertion), newCredentials: newCredentials),
            as: RegisterResponse.self
        )
    }
}
