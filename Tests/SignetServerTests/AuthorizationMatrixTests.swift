import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SignetAPI
import SignetCore
import SignetTestFixtures
import Testing

@testable import SignetServer

/// Every endpoint, called by every kind of caller, against the statuses in `table`.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    static let callers = ["admin", "restricted", "pat", "patNarrow", "sa", "deadUserPat", "deadSA", "none"]

    /// Expected status per endpoint and caller, in the order of `callers`:
    /// admin = full administrator's session; restricted = a person holding Auth:Users:Read and Permissions:Read;
    /// pat = the administrator's PAT without a role of its own choosing; patNarrow = a PAT restricted to Auth:Users:Read;
    /// sa = a service account holding Auth:Users:Read, Auth:Users:Deactivate, Auth:ServiceAccounts:Read, Auth:Logs:Read;
    /// deadUserPat = a PAT of a deactivated user; deadSA = a deactivated service account; none = no token.
    /// `{pat}` is a fresh PAT of the administrator; other placeholders are fresh objects made by the administrator.
    /// Every route the router serves must have a row (`everyRouteHasARow`). Logout comes last: it ends sessions.
    static let table = """
        GET /healthz                             200 200 200 200 200 200 200 200
        GET /.well-known/jwks.json               200 200 200 200 200 200 200 200
        GET /openapi.json                        200 200 200 200 200 200 200 200
        GET /                                      303 303 303 303 303 303 303 303
        GET /login                                200 200 200 200 200 200 200 200
        GET /setup                                200 200 200 200 200 200 200 200
        GET /recover                              200 200 200 200 200 200 200 200
        GET /settings/developers/personal-access-tokens 200 200 200 200 200 200 200 200
        GET /settings/developers/service-accounts 200 200 200 200 200 200 200 200
        GET /settings/users                       200 200 200 200 200 200 200 200
        GET /settings/roles                       200 200 200 200 200 200 200 200
        GET /settings/user-groups                 200 200 200 200 200 200 200 200
        GET /settings/policies                    200 200 200 200 200 200 200 200
        GET /settings/approvals                   200 200 200 200 200 200 200 200
        GET /settings/webhooks                    200 200 200 200 200 200 200 200
        GET /settings/token-inventory             200 200 200 200 200 200 200 200
        GET /settings/credentials                 200 200 200 200 200 200 200 200
        GET /settings/audit-log                   200 200 200 200 200 200 200 200
        GET /assets/{asset}                       200 200 200 200 200 200 200 200
        POST /auth/login/init                    200 200 200 200 200 200 200 200
        POST /auth/login                         200 200 200 200 200 200 200 200
        POST /auth/registration/init             200 200 200 200 200 200 200 200
        POST /auth/registration                  401 401 401 401 401 401 401 401
        POST /auth/recover/user/code             200 200 200 200 200 200 200 200
        POST /auth/recover/user/init             401 401 401 401 401 401 401 401
        POST /auth/recover/user                  401 401 401 401 401 401 401 401
        PUT /auth/registration/code              200 403 200 403 403 401 401 401
        GET /auth/whoami                         200 200 200 200 200 401 401 401
        GET /auth/permissions/explain            200 200 200 200 200 401 401 401
        POST /oauth2/introspect                  403 403 403 403 403 401 401 401
        POST /auth/action/verify                 400 403 400 403 403 401 401 401
        POST /auth/action/init                   200 200 200 200 200 401 401 401
        POST /auth/action                        200 200 200 200 200 401 401 401
        GET /auth/users                          200 200 200 200 200 401 401 401
        GET /auth/users/{user}                   200 200 200 200 200 401 401 401
        GET /auth/users/{user}/pats              200 200 200 200 200 401 401 401
        POST /auth/users                         200 403 200 403 403 401 401 401
        PUT /auth/users/{user}                   200 403 200 403 403 401 401 401
        PUT /auth/users/{user}/deactivate        200 403 403 403 200 401 401 401
        PUT /auth/users/{user}/activate          200 403 200 403 403 401 401 401
        DELETE /auth/users/{user}                200 403 200 403 403 401 401 401
        GET /auth/service-accounts               200 403 200 403 200 401 401 401
        POST /auth/service-accounts              200 403 200 403 403 401 401 401
        GET /auth/service-accounts/{sa}          200 403 200 403 200 401 401 401
        PUT /auth/service-accounts/{sa}          200 403 200 403 403 401 401 401
        PUT /auth/service-accounts/{sa}/deactivate 200 403 403 403 403 401 401 401
        PUT /auth/service-accounts/{sa}/activate 200 403 200 403 403 401 401 401
        DELETE /auth/service-accounts/{sa}       200 403 200 403 403 401 401 401
        POST /auth/service-accounts/credentials  403 403 403 403 200 401 401 401
        DELETE /auth/service-accounts/credentials/{credential} 403 403 403 403 200 401 401 401
        GET /permissions                         200 200 200 403 403 401 401 401
        POST /permissions                        200 403 200 403 403 401 401 401
        GET /permissions/{role}                  200 200 200 403 403 401 401 401
        PUT /permissions/{role}                  200 403 200 403 403 401 401 401
        PUT /permissions/{role}/archive          200 403 200 403 403 401 401 401
        DELETE /permissions/{role}               200 403 200 403 403 401 401 401
        GET /permissions/{role}/assignments      200 403 200 403 403 401 401 401
        POST /permissions/{role}/assignments     200 403 200 403 403 401 401 401
        DELETE /permissions/{role}/assignments/{assignment} 204 403 204 403 403 401 401 401
        GET /auth/user-groups                    200 403 200 403 403 401 401 401
        POST /auth/user-groups                   200 403 200 403 403 401 401 401
        GET /auth/user-groups/{group}            200 403 200 403 403 401 401 401
        PUT /auth/user-groups/{group}            200 403 200 403 403 401 401 401
        DELETE /auth/user-groups/{group}         200 403 200 403 403 401 401 401
        GET /auth/user-groups/{group}/members    200 403 200 403 403 401 401 401
        POST /auth/user-groups/{group}/members   200 403 200 403 403 401 401 401
        DELETE /auth/user-groups/{group}/members 200 403 200 403 403 401 401 401
        GET /auth/tokens                         200 200 200 200 200 401 401 401
        GET /v2/policies                         200 403 200 403 403 401 401 401
        POST /v2/policies                        200 403 200 403 403 401 401 401
        GET /v2/policies/{policy}                200 403 200 403 403 401 401 401
        PUT /v2/policies/{policy}                200 403 200 403 403 401 401 401
        DELETE /v2/policies/{policy}             200 403 200 403 403 401 401 401
        GET /v2/policy-approvals                 200 403 200 403 403 401 401 401
        GET /v2/policy-approvals/{approval}      200 403 200 403 403 401 401 401
        POST /v2/policy-approvals/{approval}/decisions 200 403 200 403 403 401 401 401
        POST /v2/policy-approvals/{approval}/claim 403 409 403 403 403 401 401 401
        GET /auth/organization/settings          200 403 200 403 403 401 401 401
        PUT /auth/organization/settings          200 403 200 403 403 401 401 401
        GET /webhooks                            200 403 200 403 403 401 401 401
        POST /webhooks                           200 403 200 403 403 401 401 401
        GET /webhooks/{webhook}                  200 403 200 403 403 401 401 401
        PUT /webhooks/{webhook}                  200 403 200 403 403 401 401 401
        DELETE /webhooks/{webhook}               200 403 200 403 403 401 401 401
        POST /webhooks/{webhook}/ping            200 403 200 403 403 401 401 401
        POST /webhooks/{webhook}/secret          200 403 200 403 403 401 401 401
        GET /webhooks/{webhook}/events           200 403 200 403 403 401 401 401
        GET /webhooks/{webhook}/events/{event}   200 403 200 403 403 401 401 401
        GET /auth/action/logs                    200 403 200 403 200 401 401 401
        GET /auth/action/logs/{action}           200 403 200 403 200 401 401 401
        GET /auth/audit/export                   200 403 200 403 200 401 401 401
        GET /auth/pats                           200 200 200 200 200 401 401 401
        POST /auth/pats                          200 403 403 403 403 401 401 401
        GET /auth/pats/{pat}                     200 404 200 200 404 401 401 401
        PUT /auth/pats/{pat}                     200 404 403 403 404 401 401 401
        PUT /auth/pats/{pat}/deactivate          200 404 403 403 404 401 401 401
        PUT /auth/pats/{pat}/activate            200 404 403 403 404 401 401 401
        DELETE /auth/pats/{pat}                  200 404 403 403 404 401 401 401
        GET /auth/credentials                    200 200 200 200 200 401 401 401
        POST /auth/credentials/init              200 200 200 200 200 401 401 401
        POST /auth/credentials                   200 200 200 200 200 401 401 401
        PUT /auth/credentials/activate           200 200 200 200 200 401 401 401
        PUT /auth/credentials/deactivate         200 200 200 200 200 401 401 401
        DELETE /auth/credentials/{credential} 200 200 200 200 200 401 401 401
        POST /auth/credentials/code              200 200 403 403 403 401 401 401
        POST /auth/credentials/code/init         200 200 200 200 200 200 200 200
        POST /auth/credentials/code/verify       403 403 403 403 403 403 403 403
        PUT /auth/logout                         200 200 400 400 400 401 401 401
        POST /auth/logout                        200 200 400 400 400 401 401 401
        """

    /// Each row's route, as `METHOD /path/{placeholder}`.
    static var rows: [(route: String, expected: [Int])] {
        table.split(separator: "\n").map { line in
            let fields = line.split(separator: " ").map(String.init)
            return (fields.prefix(fields.count - callers.count).joined(separator: " "), fields.suffix(callers.count).compactMap(Int.init))
        }
    }

    /// `METHOD /a/*/b` for a route with `{placeholder}` or `:parameter` segments.
    static func shape(_ route: String) -> String {
        route.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("{") || $0.hasPrefix(":") ? "*" : String($0) }
            .joined(separator: "/")
    }

    @Test("Every route the router serves has a row in the matrix, and every row is a route", arguments: TestDatabase.available)
    func everyRouteHasARow(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, _ in
            let services = SignetServices(configuration: ServerConfiguration(), store: server.store, logger: Logger(label: "signet.test"))
            let served = Set(buildRouter(services: services).routes.map { Self.shape("\($0.method) \($0.path)") })
            let listed = Set(Self.rows.map { Self.shape($0.route) })
            #expect(served.count >= 44)
            #expect(served.subtracting(listed).isEmpty, "routes without a matrix row: \(served.subtracting(listed).sorted())")
            #expect(listed.subtracting(served).isEmpty, "matrix rows without a route: \(listed.subtracting(served).sorted())")
        }
    }

    @Test("Each endpoint answers each kind of caller as the table says", arguments: TestDatabase.available)
    func matrix(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            var fixtures = try await MatrixFixtures.make(server: server, api: api)
            for (route, expected) in Self.rows {
                if route.hasSuffix("/auth/logout") { fixtures = try await fixtures.withFreshSessions() }
                for (index, caller) in Self.callers.enumerated() {
                    let identity = fixtures.identities[caller]
                    let call = try await fixtures.request(for: route, as: identity)
                    let reply: Reply
                    if let identity, call.signed, expected[index] != 401 {
                        reply = try await api.signed(call.method, call.path, as: identity, body: call.body)
                    } else {
                        reply = try await api.send(call.method, call.path, token: identity?.token, body: call.body)
                    }
                    #expect(Int(reply.status.code) == expected[index], "\(route) as \(caller): \(reply.body.prefix(200))")
                }
            }
        }
    }
}
