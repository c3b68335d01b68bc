import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SignetAPI
import SignetCore
import SignetStore
import SignetTestFixtures
import Testing

@testable import SignetServer

/// What changes while the gateway runs: the signing key its identity tokens carry, and its routes.
@Suite("Gateway: keys and reloads")
struct GatewayReloadTests {
    @Test(
        "After a signing-key rotation the identity token is signed with the new key (no cached token outlives it)",
        arguments: [TestDatabase.Kind.sqlite]
    )
    func rotatedKey(database: TestDatabase.Kind) async throws {
        try await GatewayForwardingTests.withGateway(database, configure: { $0.signingKeyPollInterval = .milliseconds(100) }) {
            server,
            api,
            _,
            upstream in
            let admin = try await server.admin(api)
            func kid() async throws -> String {
                #expect(try await api.send(.get, "/wallets", token: admin.token).status == .ok)
                let token = try #require(upstream.requests.last?.header("X-Signet-Identity"))
                let header = try JSONValue(parsing: try #require(Base64URL.decode(String(token.split(separator: ".")[0]))))
                return header["kid"]?.stringValue ?? ""
            }
            let before = try await kid()
            let key = SigningKeyMaterial.generate()
            try await server.store.insertSigningKey(key)
            // The poller finds the key within 100 ms; a cached token would keep the old one for 30 s.
            var after = try await kid()
            let deadline = ContinuousClock.now + .seconds(20)
            while after != key.kid && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                after = try await kid()
            }
            #expect(before != key.kid && after == key.kid)
        }
    }

    @Test("A reload that drops an operation and a role created with it never both succeed", arguments: [TestDatabase.Kind.sqlite])
    func reloadAgainstRoleWrites(database: TestDatabase.Kind) async throws {
        let server = try await TestServer.make(database, configuration: ServerConfiguration())
        let configuration: @Sendable ([String]) throws -> GatewayConfiguration = { operations in
            try GatewayConfiguration.parse(
                """
                upstreams: { api: { url: "http://127.0.0.1:9" } }
                operations: [\(operations.joined(separator: ", "))]
                routes: [{ method: GET, path: /invoices, upstream: api, operation: Invoices:Read }]
                """
            )
        }
        var settings = ServerConfiguration()
        settings.gateway = try configuration(["Invoices:Read"])
        let services = SignetServices(configuration: settings, store: server.store, logger: Logger(label: "signet.test"))
        let gateway = try #require(services.gateway)
        try await services.tokens.load(try await server.store.signingKeys())
        do {
            try await Application(router: buildRouter(services: services)).test(.router) { client in
                let api = APIClient(client: client)
                let admin = try await server.admin(api)
                for round in 0..<10 {
                    let operation = "Invoices:Pay\(round)"
                    try await gateway.reload(try configuration(["Invoices:Read", operation]))
                    let dropping = try configuration(["Invoices:Read"])
                    let reload = Task { (try? await gateway.reload(dropping)) != nil }
                    let role = try await api.signed(
                        .post,
                        "/permissions",
                        as: admin,
                        body: try api.json(CreatePermissionRequest(name: "pay-\(round)", operations: [operation]))
                    )
                    let created = role.status == .ok
                    let reloaded = await reload.value
                    #expect(reloaded != created, "round \(round): reload \(reloaded), role \(created) (\(role.body))")
                    if created { try await gateway.reload(try configuration(["Invoices:Read", operation])) }
                }
            }
            try await server.close()
        } catch {
            try? await server.close()
            throw error
        }
    }

    @Test("After a service account is renamed, the next identity token carries the new name", arguments: [TestDatabase.Kind.sqlite])
    func renamedServiceAccount(database: TestDatabase.Kind) async throws {
        try await GatewayForwardingTests.withGateway(database) { server, api, _, upstream in
            let admin = try await server.admin(api)
            let role = try await api.createRole(as: admin, operations: ["Wallets:Read"])
            let (account, service) = try await api.createServiceAccount(as: admin, permissionId: role.id)
            func username() async throws -> String {
                #expect(try await api.send(.get, "/wallets", token: service.token).status == .ok)
                let token = try #require(upstream.requests.last?.header("X-Signet-Identity"))
                let claims = try JSONValue(parsing: try #require(Base64URL.decode(String(token.split(separator: ".")[1]))))
                let name = claims["username"]?.stringValue ?? ""
                #expect(upstream.requests.last?.header("X-Signet-Username") == name)
                return name
            }
            #expect(try await username() == account.userInfo.username)
            let rename = UpdateServiceAccountRequest(name: "renamed-sa")
            let renamed = try await api.signed(.put, "/auth/service-accounts/\(account.userInfo.userId)", as: admin, body: try api.json(rename))
            #expect(renamed.status == .ok, "\(renamed.body)")
            // A cached identity token (30 s) would still name the account as before.
            #expect(try await username() == "renamed-sa")
        }
    }
}
