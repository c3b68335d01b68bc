import Foundation
public import SignetAPI
public import SignetCore

extension SignetClient {
    /// Registers the first credential of a person an administrator created without a key, with the
    /// one-time `registrationCode` they were given: a Key credential for `privateKey`, whose credId
    /// is `credentialId` (random if `nil`). Log in afterwards with ``login(baseURL:organizationID:username:signer:configuration:httpClient:)``.
    public static func register(
        baseURL: String,
        organizationID: String,
        username: String,
        registrationCode: String,
        privateKey: PrivateKey,
        credentialId: String? = nil,
        credentialName: String? = nil,
        configuration: Configuration = Configuration()
    ) async throws -> RegisterResponse {
        let anonymous = try SignetClient(baseURL: baseURL, organizationID: organizationID, authToken: nil, configuration: configuration)
        let challenge = try await anonymous.transport.send(
            Endpoints.registrationInit,
            body: RegistrationChallengeRequest(orgId: organizationID, username: username, registrationCode: registrationCode)
        )
        let (clientData, attestation) = try KeyAttestation.make(challenge: challenge.challenge, key: privateKey)
        let credential = RegistrationCredential(
            credentialKind: .key,
            credentialInfo: KeyCredentialInfo(
                credId: credentialId ?? Base64URL.encode(Identifier.randomBytes(32)),
                clientData: clientData,
                attestationData: attestation
            ),
            credentialName: credentialName
        )
        let registering = Transport(
            baseURL: anonymous.transport.baseURL,
            organizationID: organizationID,
            authToken: challenge.temporaryAuthenticationToken,
            signer: nil,
            configuration: configuration,
            httpClient: anonymous.transport.httpClient
        )
        return try await registering.send(Endpoints.register, body: RegisterRequest(firstFactorCredential: credential))
    }
}

extension UsersAPI {
    /// `PUT /auth/registration/code` (signed): a new one-time registration code for a person; the
    /// previous one stops working. The answer shows it once, in `registrationCode`.
    public func newRegistrationCode(username: String, organizationID: String) async throws -> User {
        try await transport.send(Endpoints.newRegistrationCode, body: RegistrationCodeRequest(username: username, orgId: organizationID))
    }
}
