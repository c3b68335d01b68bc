import Foundation
import Hummingbird
import HummingbirdTesting
import SignetAPI
import SignetClient
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures

/// A Signet server listening on a loopback port for one test, with its administrator's key.
struct LiveServer: Sendable {
    let baseURL: String
    let orgId: String
    let adminEmail = "admin@example.com"
    let adminKey: PrivateKey
    let adminCredentialId: String
    let store: SQLStore
    let directory: String

    /// Runs `body` with a live server on a fresh store.
    static func with<T: Sendable>(_ body: @Sendable (LiveServer) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-live-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try await SQLStore.sqlite(path: directory + "/signet.sqlite")
        let key = try PrivateKey.generate(.ecdsaP256)
        let organization = try await OrganizationBootstrap.initialize(
            store: store,
            organizationName: "Live",
            email: "admin@example.com",
            publicKeyPEM: key.publicKey.pemRepresentation
        )
        let app = try await buildApplication(configuration: ServerConfiguration(port: 0), store: store, logger: TestLogging.server())
        do {
            let result = try await app.test(.live) { client in
                let server = LiveServer(
                    baseURL: "http://127.0.0.1:\(client.port ?? 0)",
                    orgId: organization.orgId,
                    adminKey: key,
                    adminCredentialId: organization.credentialId ?? "",
                    store: store,
                    directory: directory
                )
                return try await body(server)
            }
            try await store.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
            return result
        } catch {
            try? await store.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// The administrator, logged in through the SDK.
    func admin() async throws -> SignetClient {
        try await SignetClient.login(
            baseURL: baseURL,
            organizationID: orgId,
            username: adminEmail,
            signer: KeySigner(credentialID: adminCredentialId, privateKey: adminKey)
        )
    }
}
