import Foundation
import HTTPTypes
import SignetAPI
import SignetServer
import SignetTestFixtures
import Testing

/// For APIs behind another proxy: `POST /oauth2/introspect` and `POST /auth/action/verify`, asked
/// by the API's own service account.
@Suite("Introspection and user-action verification")
struct VerificationTests {
    @Test(
        "Introspection: who an active token acts for and its effective operations; anything else is just inactive",
        arguments: TestDatabase.available
    )
    func introspect(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let role = try await api.createRole(as: admin, operations: ["Auth:Tokens:Introspect"])
            let (_, service) = try await api.createServiceAccount(as: admin, permissionId: role.id)
            let readers = try await api.createRole(as: admin, operations: ["Auth:Users:Read"])
            let (pat, asPat) = try await api.createPat(as: admin, permissionId: readers.id)
            let form = { (token: String) in
                "token=\(token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&token_type_hint=access_token"
            }

            let active = try await api.send(
                .post,
                "/oauth2/introspect",
                token: service.token,
                body: form(asPat.token),
                headers: [
                    "Content-Type": "application/x-www-form-urlencoded"
                ]
            ).decode(IntrospectionResponse.self)
            #expect(active.active && active.sub == server.organization.userId && active.tokenId == pat.tokenId && active.tokenType == "Pat")
            #expect(active.scope == "Auth:Users:Read" && (active.exp ?? 0) > Int(Date().timeIntervalSince1970))
            for token in ["garbage", "", admin.token + "x"] {
                let answer = try await api.send(.post, "/oauth2/introspect", token: service.token, body: form(token)).decode(
                    IntrospectionResponse.self
                )
                #expect(!answer.active && answer.sub == nil, "\(token.prefix(10))")
            }
            #expect(try await api.send(.post, "/oauth2/introspect", token: admin.token, body: form(asPat.token)).status == .forbidden)
            // A deactivated PAT is inactive at once.
            #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)/deactivate", as: admin).status == .ok)
            let deactivated = try await api.send(.post, "/oauth2/introspect", token: service.token, body: form(asPat.token))
                .decode(IntrospectionResponse.self)
            #expect(!deactivated.active && deactivated.sub == nil)
        }
    }

    @Test("Verify: a user action is checked against the end user's token, method, path and body, then used up", arguments: TestDatabase.available)
    func verify(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let role = try await api.createRole(as: admin, operations: ["Auth:Actions:Verify"])
            let (_, service) = try await api.createServiceAccount(as: admin, permissionId: role.id)
            let body = #"{"network":"Ethereum"}"#
            let action = try await api.userAction(as: admin, method: "POST", path: "/wallets?dry=1", payload: body)
            let request = { (path: String, body: String) in
                try api.json(VerifyUserActionRequest(userAction: action, accessToken: admin.token, method: "post", path: path, body: body))
            }
            #expect(
                try await api.send(.post, "/auth/action/verify", token: service.token, body: try request("/wallets?dry=1", #"{"network":"Bitcoin"}"#))
                    .status == .forbidden
            )
            #expect(try await api.send(.post, "/auth/action/verify", token: service.token, body: try request("/wallets", body)).status == .forbidden)
            let verified = try await api.send(.post, "/auth/action/verify", token: service.token, body: try request("/wallets?dry=1", body))
            let answer = try verified.decode(VerifiedUserAction.self)
            #expect(answer.userId == server.organization.userId && answer.tokenKind == .login, "\(verified.body)")
            let replay = try await api.send(.post, "/auth/action/verify", token: service.token, body: try request("/wallets?dry=1", body))
            #expect(replay.status == .forbidden && replay.errorMessage?.contains("already been used") == true, "\(replay.body)")
        }
    }

    @Test("A user action is spent only where it was signed for: Signet, a gateway upstream, or a verifying API", arguments: TestDatabase.available)
    func audiences(database: TestDatabase.Kind) async throws {
        try await GatewayForwardingTests.withGateway(database) { server, api, _, upstream in
            let admin = try await server.admin(api)
            let role = try await api.createRole(as: admin, operations: ["Auth:Actions:Verify"])
            let (_, service) = try await api.createServiceAccount(as: admin, permissionId: role.id)
            func verify(_ action: String, _ method: String, _ path: String, _ body: String) async throws -> Reply {
                let request = VerifyUserActionRequest(userAction: action, accessToken: admin.token, method: method, path: path, body: body)
                return try await api.send(.post, "/auth/action/verify", token: service.token, body: try api.json(request))
            }
            // Signed for a gateway route: a verifier cannot spend it; the gateway still can.
            let wallet = #"{"network":"Ethereum"}"#
            let forGateway = try await api.userAction(as: admin, method: "POST", path: "/wallets", payload: wallet)
            let stolen = try await verify(forGateway, "POST", "/wallets", wallet)
            #expect(stolen.status == .forbidden && stolen.errorMessage?.contains("upstream wallets") == true, "\(stolen.body)")
            #expect(try await api.send(.post, "/wallets", token: admin.token, body: wallet, headers: ["X-DFNS-USERACTION": forGateway]).status == .ok)
            // Signed for Signet's own route: a verifier cannot spend it.
            let roleBody = #"{"name":"audience","operations":["Wallets:Read"]}"#
            let forSignet = try await api.userAction(as: admin, method: "POST", path: "/permissions", payload: roleBody)
            let spent = try await verify(forSignet, "POST", "/permissions", roleBody)
            #expect(spent.status == .forbidden && spent.errorMessage?.contains("Signet's own routes") == true, "\(spent.body)")
            #expect(
                try await api.send(.post, "/permissions", token: admin.token, body: roleBody, headers: ["X-DFNS-USERACTION": forSignet]).status == .ok
            )
            // Signed for another API's path: only a verifier spends it.
            let invoice = #"{"amount":1}"#
            let forVerifier = try await api.userAction(as: admin, method: "POST", path: "/invoices", payload: invoice)
            #expect(try await verify(forVerifier, "POST", "/invoices", invoice).status == .ok)
            // No body and {} are different requests to a verifying API, as through the gateway.
            let forNoBody = try await api.userAction(as: admin, method: "POST", path: "/invoices/close", payload: "")
            #expect(try await verify(forNoBody, "POST", "/invoices/close", "{}").status == .forbidden)
            #expect(try await verify(forNoBody, "POST", "/invoices/close", "").status == .ok)
            let forEmptyObject = try await api.userAction(as: admin, method: "POST", path: "/invoices/close", payload: "{}")
            #expect(try await verify(forEmptyObject, "POST", "/invoices/close", "").status == .forbidden)
            #expect(try await verify(forEmptyObject, "POST", "/invoices/close", "{}").status == .ok)
            #expect(upstream.requests.count == 1)
        }
    }
}
