import Foundation
import HTTPTypes
import HummingbirdTesting
import SignetAPI
import SignetCore
import SignetServer
import SignetTestFixtures
import Testing

/// The gateway's decisions in process: the route's operation, the signed-route user action, the
/// identity token and `/auth/check`. Each test fails if the check it names is removed.
@Suite("Gateway: decisions")
struct GatewayDecisionTests {
    /// The claims of a JWT, unverified (the test reads what the gateway wrote).
    static func claims(_ token: String?) throws -> JSONValue {
        let parts = try #require(token).split(separator: ".")
        return try JSONValue(parsing: try #require(Base64URL.decode(String(parts[1]))))
    }

    @Test("A route's operation is checked (user ∩ token); refused requests reach nothing", arguments: TestDatabase.available)
    func operation(database: TestDatabase.Kind) async throws {
        try await GatewayForwardingTests.withGateway(database) { server, api, _, upstream in
            let admin = try await server.admin(api)
            let role = try await api.createRole(as: admin, operations: ["Auth:Users:Read"])
            let (_, narrow) = try await api.createPat(as: admin, permissionId: role.id)
            let refused = try await api.send(.get, "/wallets", token: narrow.token)
            #expect(refused.status == .forbidden && refused.errorMessage?.contains("Wallets:Read") == true, "\(refused.body)")
            #expect(try await api.send(.get, "/wallets", token: nil).status == .unauthorized)
            #expect(upstream.requests.isEmpty)
            let readers = try await api.createRole(as: admin, operations: ["Wallets:Read"])
            let (_, reader) = try await api.createPat(as: admin, permissionId: readers.id)
            #expect(try await api.send(.get, "/wallets", token: reader.token).status == .ok)
            #expect(upstream.requests.count == 1)
        }
    }

    @Test("A signed route needs a user action bound to it, used up before forwarding", arguments: TestDatabase.available)
    func signedRoute(database: TestDatabase.Kind) async throws {
        try await GatewayForwardingTests.withGateway(database) { server, api, _, upstream in
            let admin = try await server.admin(api)
            let body = #"{"network":"Ethereum"}"#
            #expect(try await api.send(.post, "/wallets", token: admin.token, body: body).status == .forbidden)  // no user action
            let action = try await api.userAction(as: admin, method: "POST", path: "/wallets", payload: body)
            let swapped = try await api.send(
                .post,
                "/wallets",
                token: admin.token,
                body: #"{"network":"Bitcoin"}"#,
                headers: ["X-DFNS-USERACTION": action]
            )
            #expect(swapped.status == .forbidden, "a body other than the signed one: \(swapped.body)")
            // Through the gateway, no body and {} are different requests (an upstream may read them differently).
            let signedEmpty = try await api.userAction(as: admin, method: "POST", path: "/wallets", payload: "")
            #expect(
                try await api.send(.post, "/wallets", token: admin.token, body: "{}", headers: ["X-DFNS-USERACTION": signedEmpty]).status
                    == .forbidden
            )
            let signedObject = try await api.userAction(as: admin, method: "POST", path: "/wallets", payload: "{}")
            #expect(
                try await api.send(.post, "/wallets", token: admin.token, body: nil, headers: ["X-DFNS-USERACTION": signedObject]).status
                    == .forbidden
            )
            #expect(upstream.requests.isEmpty)
            let fresh = try await api.userAction(as: admin, method: "POST", path: "/wallets", payload: body)
            #expect(try await api.send(.post, "/wallets", token: admin.token, body: body, headers: ["X-DFNS-USERACTION": fresh]).status == .ok)
            let received = try #require(upstream.requests.last)
            #expect(received.body == Array(body.utf8))
            #expect(received.header("X-Signet-User-Action-Id")?.hasPrefix("ua-") == true)
            #expect(
                try Self.claims(received.header("X-Signet-Identity"))["user_action_id"] == .string(received.header("X-Signet-User-Action-Id") ?? "")
            )
            let replay = try await api.send(.post, "/wallets", token: admin.token, body: body, headers: ["X-DFNS-USERACTION": fresh])
            #expect(replay.status == .forbidden)
            #expect(upstream.requests.count == 1)
        }
    }

    @Test("Fast Auth signs a gateway write in one request; a replay reaches nothing", arguments: TestDatabase.available)
    func fastAuth(database: TestDatabase.Kind) async throws {
        try await GatewayForwardingTests.withGateway(database) { server, api, port, upstream in
            let admin = try await server.admin(api)
            let (_, asPat) = try await api.createPat(as: admin)
            let body = #"{"network":"Ethereum"}"#
            let header = try FastAuthHeader(method: "POST", host: "127.0.0.1", path: "/wallets", body: Array(body.utf8), orgId: server.orgId)
                .header(asPat.signer)
            func send() async throws -> String {
                let connection = try RawConnection(port: port)
                defer { connection.close() }
                connection.send(
                    "POST /wallets HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(asPat.token)\r\nX-DFNS-USERACTION: \(header)\r\n"
                        + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
                )
                return await connection.readAll()
            }
            let first = try await send()
            #expect(first.hasPrefix("HTTP/1.1 200"), "\(first.prefix(300))")
            let received = try #require(upstream.requests.last)
            #expect(received.header("X-Signet-User-Action-Id")?.hasPrefix("ua-") == true && received.body == Array(body.utf8))
            let replay = try await send()
            #expect(replay.hasPrefix("HTTP/1.1 403") && replay.contains("already used"), "\(replay.prefix(300))")
            #expect(upstream.requests.count == 1)
        }
    }

    @Test("The identity token names its audience and the very request it was issued for", arguments: [TestDatabase.Kind.sqlite])
    func identityToken(database: TestDatabase.Kind) async throws {
        try await GatewayForwardingTests.withGateway(database) { server, api, _, upstream in
            let admin = try await server.admin(api)
            #expect(try await api.send(.get, "/wallets/wa-1?view=full", token: admin.token).status == .ok)
            let received = try #require(upstream.requests.last)
            let claims = try Self.claims(received.header("X-Signet-Identity"))
            #expect(claims["aud"] == .array([.string("wallets")]) || claims["aud"] == .string("wallets"))
            #expect(claims["htm"] == .string("GET") && claims["htu"] == .string(received.target))
            #expect(claims["operation"] == .string("Wallets:Read") && claims["jti"] != nil)
            // /auth/check's token for GET /wallets is no token for a POST, nor for another path.
            let check = try await api.client.execute(
                uri: "/auth/check",
                method: .get,
                headers: [
                    .authorization: "Bearer \(admin.token)", HTTPField.Name("X-Original-Method")!: "GET",
                    HTTPField.Name("X-Original-URI")!: "/wallets",
                ]
            )
            #expect(check.status == .ok)
            let checked = try Self.claims(check.headers[HTTPField.Name("X-Signet-Identity")!])
            #expect(checked["htm"] == .string("GET") && checked["htu"] == .string("/api/v1/wallets"), "\(checked)")
            #expect(upstream.requests.count == 1)
        }
    }

    @Test("/auth/check refuses two header pairs that disagree, and reads only the configured pair", arguments: [TestDatabase.Kind.sqlite])
    func checkHeaders(database: TestDatabase.Kind) async throws {
        try await GatewayForwardingTests.withGateway(database) { server, api, _, _ in
            let admin = try await server.admin(api)
            let role = try await api.createRole(as: admin, operations: ["Wallets:Read"])
            let (_, reader) = try await api.createPat(as: admin, permissionId: role.id)
            let both = [
                "X-Original-Method": "GET", "X-Original-URI": "/wallets", "X-Forwarded-Method": "POST", "X-Forwarded-Uri": "/wallets",
            ]
            #expect(try await api.send(.get, "/auth/check", token: reader.token, headers: both).status == .badRequest)
            let mixed = ["X-Original-Method": "GET", "X-Forwarded-Uri": "/wallets"]
            #expect(try await api.send(.get, "/auth/check", token: reader.token, headers: mixed).status == .badRequest)  // half of each pair
            let agreeing = ["X-Original-Method": "GET", "X-Original-URI": "/wallets", "X-Forwarded-Method": "GET", "X-Forwarded-Uri": "/wallets"]
            #expect(try await api.send(.get, "/auth/check", token: reader.token, headers: agreeing).status == .ok)
            let forwarded = ["X-Forwarded-Method": "GET", "X-Forwarded-Uri": "/wallets"]
            #expect(try await api.send(.get, "/auth/check", token: reader.token, headers: forwarded).status == .ok)
        }
        try await GatewayForwardingTests.withGateway(database, check: "check: { headers: X-Original }") { server, api, _, _ in
            let admin = try await server.admin(api)
            let forwarded = ["X-Forwarded-Method": "GET", "X-Forwarded-Uri": "/wallets"]
            #expect(try await api.send(.get, "/auth/check", token: admin.token, headers: forwarded).status == .forbidden)
            let original = ["X-Original-Method": "GET", "X-Original-URI": "/wallets"]
            let check = try await api.send(.get, "/auth/check", token: admin.token, headers: original)
            #expect(check.status == .ok)
        }
    }
}
