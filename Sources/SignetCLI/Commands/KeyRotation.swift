import Foundation
import SignetAPI
import SignetClient
import SignetCore

/// The credential rotation of the seed, in one step, for whoever the profile signs as (a PAT, a
/// service account or a person): a new keypair, a new credential signed by the old key, the old
/// credential deactivated, and the new key written beside the old one. The token stays the same.
enum KeyRotation {
    struct Result: Encodable {
        let credentialId: String
        let credentialUuid: String
        let privateKeyPath: String
        let publicKeyPath: String
        let deactivatedCredentialUuid: String
    }

    static func rotate(client: SignetClient, algorithm: KeyAlgorithm?) async throws -> Result {
        var profile = try Profile.current()
        let oldSigner = try profile.signer()
        let credentials = try await client.credentials.list()
        guard let old = credentials.first(where: { $0.credentialId == profile.credentialId || $0.credentialUuid == profile.credentialId }) else {
            throw UsageError("credential \(profile.credentialId) is not among yours; check SIGNET_CREDENTIAL_ID")
        }
        let key = try PrivateKey.generate(algorithm ?? oldSigner.algorithm)
        let stamp = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeSeparator(.omitted))
        let base = profile.privateKeyPath.hasSuffix(".pem") ? String(profile.privateKeyPath.dropLast(4)) : profile.privateKeyPath
        let paths = try KeyFiles.write(key, name: "\(base).rotated-\(stamp)")
        let credential = try await client.credentials.add(key: key, name: "rotated \(stamp)")
        let rotated = try SignetClient(
            baseURL: profile.url,
            organizationID: profile.orgId,
            authToken: client.authToken,
            signer: KeySigner(credentialID: credential.credentialUuid, privateKey: key)
        )
        _ = try await rotated.credentials.deactivate(old.credentialUuid)
        if let stored = try Profile.stored(), stored.credentialId == profile.credentialId {
            profile = stored
            profile.credentialId = credential.credentialUuid  // the cr-… id, as every page and table shows it
            profile.privateKeyPath =
                paths.privateKey.hasPrefix("/") ? paths.privateKey : FileManager.default.currentDirectoryPath + "/" + paths.privateKey
            try profile.save()
        }
        return Result(
            credentialId: credential.credentialId,
            credentialUuid: credential.credentialUuid,
            privateKeyPath: paths.privateKey,
            publicKeyPath: paths.publicKey,
            deactivatedCredentialUuid: old.credentialUuid
        )
    }

    static func report(_ result: Result, json: Bool) throws {
        if json { return try Output.json(result) }
        print(
            "New key \(result.privateKeyPath) is credential \(result.credentialUuid); credential \(result.deactivatedCredentialUuid) is deactivated."
        )
        print(
            "The token is unchanged. If you use variables: SIGNET_PRIVATE_KEY=\(result.privateKeyPath) SIGNET_CREDENTIAL_ID=\(result.credentialUuid)"
        )
    }
}
