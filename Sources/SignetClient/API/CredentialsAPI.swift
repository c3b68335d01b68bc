public import Foundation
public import SignetAPI
public import SignetCore

/// `/auth/credentials`: the caller's own credentials, and key rotation.
public struct CredentialsAPI: Sendable {
    let transport: Transport

    public func list() async throws -> [Credential] {
        try await transport.send(Endpoints.listCredentials).items
    }

    /// `POST /auth/credentials/init`.
    public func createChallenge(kind: CredentialKind = .key) async throws -> CredentialChallenge {
        try await transport.send(Endpoints.credentialInit, body: CreateCredentialChallengeRequest(kind: kind))
    }

    /// `POST /auth/credentials` with a prepared attestation.
    public func create(_ request: CreateCredentialRequest) async throws -> Credential {
        try await transport.send(Endpoints.createCredential, body: request)
    }

    /// Adds `key` as a new Key credential of the caller: asks for a challenge, attests with `key`,
    /// and submits it signed by the client's current signer. The bearer token does not change.
    /// Returns the credential; sign with `KeySigner(credentialID: credential.credentialId, privateKey: key)` from now on.
    public func add(key: PrivateKey, name: String) async throws -> Credential {
        let challenge = try await createChallenge()
        let (clientData, attestationData) = try KeyAttestation.make(challenge: challenge.challenge, key: key)
        return try await create(
            CreateCredentialRequest(
                credentialInfo: KeyCredentialInfo(
                    credId: Base64URL.encode(Identifier.randomBytes(32)),
                    clientData: clientData,
                    attestationData: attestationData
                ),
                credentialName: name,
                challengeIdentifier: challenge.challengeIdentifier
            )
        )
    }

    /// `POST /auth/credentials/code` (a person's login session): a one-time code with which another
    /// device, not signed in, adds a credential to this account (``add(key:name:code:)``).
    public func createCode(expiration: Date) async throws -> CredentialCode {
        try await transport.send(Endpoints.createCredentialCode, body: CreateCredentialCodeRequest(expiration: expiration))
    }

    /// `POST /auth/credentials/code/init` (no access token needed): uses the code up.
    public func createChallenge(code: String, kind: CredentialKind = .key) async throws -> CredentialChallenge {
        try await transport.send(Endpoints.credentialCodeInit, body: CreateCredentialChallengeWithCodeRequest(credentialKind: kind, code: code))
    }

    /// `POST /auth/credentials/code/verify` (no access token needed) with a prepared attestation.
    public func createWithCode(_ request: CreateCredentialRequest) async throws -> Credential {
        try await transport.send(Endpoints.createCredentialWithCode, body: request)
    }

    /// Adds `key` to the account whose one-time `code` this is, from a client with no access token:
    /// trades the code for a challenge and answers it with `key`'s attestation.
    public func add(key: PrivateKey, name: String, code: String) async throws -> Credential {
        let challenge = try await createChallenge(code: code)
        let (clientData, attestationData) = try KeyAttestation.make(challenge: challenge.challenge, key: key)
        let info = KeyCredentialInfo(credId: Base64URL.encode(Identifier.randomBytes(32)), clientData: clientData, attestationData: attestationData)
        return try await createWithCode(
            CreateCredentialRequest(credentialInfo: info, credentialName: name, challengeIdentifier: challenge.challengeIdentifier)
        )
    }

    public func activate(_ credentialUuid: String) async throws -> MessageResponse {
        try await transport.send(Endpoints.activateCredential, body: CredentialUuidRequest(credentialUuid: credentialUuid))
    }

    public func deactivate(_ credentialUuid: String) async throws -> MessageResponse {
        try await transport.send(Endpoints.deactivateCredential, body: CredentialUuidRequest(credentialUuid: credentialUuid))
    }
}

/// `/auth/action/logs`.
public struct AuditLogsAPI: Sendable {
    let transport: Transport

    public func list(startTime: Date? = nil, endTime: Date? = nil, userId: String? = nil) async throws -> [AuditLog] {
        let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return try await transport.send(
            Endpoints.listAuditLogs,
            query: [("startTime", startTime?.formatted(format)), ("endTime", endTime?.formatted(format)), ("userId", userId)]
        ).items
    }

    public func get(_ id: String) async throws -> AuditLog {
        try await transport.send(Endpoints.getAuditLog, id)
    }

    /// One page of the audit log as its hash chain (`GET /auth/audit/export`), oldest first;
    /// follow `nextPageToken` for the rest.
    public func export(paginationToken: String? = nil, limit: Int? = nil) async throws -> AuditExportPage {
        try await transport.send(Endpoints.exportAuditLog, query: [("paginationToken", paginationToken), ("limit", limit.map(String.init))])
    }
}
