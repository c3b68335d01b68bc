import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import Testing

/// Every endpoint, called by every kind of caller, against the statuses in `table`.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    static let callers = ["admin", "restricted", "pat", "patNarrow", "sa", "deadUserPat", "deadSA", "none"]

    /// Expected status per endpoint and caller, in the order of `callers`:
    /// admin = full administrator's session; restricted = a person holding Auth:Users:Read and Permissions:Read;
    /// pat = the administrator's PAT without a role of its own choosing; patNarrow = a PAT restricted to Auth:Users:Read;
    /// sa = a service account holding Auth:Users:Read, Auth:Users:Deactivate, Auth:ServiceAccounts:Read, Auth:Logs:Read;
    /// deadUserPat = a PAT of a deactivated user; deadSA = a deactivated service account; none = no token.
    static let table = """
        GET /auth/users                          200 200 200 200 200 401 401 401
        GET /auth/users/{user}                   200 200 200 200 200 401 401 401
        POST /auth/users                         200 403 200 403 403 401 401 401
        PUT /auth/users/{user}/deactivate        200 403 403 403 200 401 401 401
        PUT /auth/users/{user}/activate          200 403 200 403 403 401 401 401
        DELETE /auth/users/{user}                200 403 200 403 403 401 401 401
        GET /auth/service-accounts               200 403 200 403 200 401 401 401
        POST /auth/service-accounts              200 403 200 403 403 401 401 401
        PUT /auth/service-accounts/{sa}/deactivate 200 403 403 403 403 401 401 401
        GET /permissions                         200 200 200 403 403 401 401 401
        POST /permissions                        200 403 200 403 403 401 401 401
        PUT /permissions/{role}                  200 403 200 403 403 401 401 401
        PUT /permissions/{role}/archive          200 403 200 403 403 401 401 401
        GET /permissions/{role}/assignments      200 403 200 403 403 401 401 401
        POST /permissions/{role}/assignments     200 403 200 403 403 401 401 401
        DELETE /permissions/{role}/assignments/{assignment} 204 403 204 403 403 401 401 401
        GET /auth/action/logs                    200 403 200 403 200 401 401 401
        GET /auth/pats                           200 200 200 200 200 401 401 401
        POST /auth/pats                          200 403 403 403 403 401 401 401
        GET /auth/credentials                    200 200 200 200 200 401 401 401
        """

    @Test("Each endpoint answers each kind of caller as the table says")
    func matrix() async throws {
        try await TestServer.with { server, api in
            let admin = try await server.admin(api)
            let limited = try await api.createRole(as: admin, operations: ["Auth:Users:Read", "Permissions:Read"])
            let narrow = try await api.createRole(as: admin, operations: ["Auth:Users:Read"])
            let saRole = try await api.createRole(
                as: admin, operations: ["Auth:Users:Read", "Auth:Users:Deactivate", "Auth:ServiceAccounts:Read", "Auth:Logs:Read"])
            let (restrictedUser, restrictedSigner) = try await api.createUser(as: admin, email: "restricted@example.com")
            try await api.assign(limited.id, to: restrictedUser.userId, as: admin)
            let (_, pat) = try await api.createPat(as: admin)
            let (_, patNarrow) = try await api.createPat(as: admin, permissionId: narrow.id)
            let (_, sa) = try await api.createServiceAccount(as: admin, permissionId: saRole.id)
            let (doomed, doomedSigner) = try await api.createUser(as: admin, email: "doomed@example.com")
            let full = try #require(try await server.store.role(orgId: server.orgId, name: "ManagedFullAdminAccess"))
            try await api.assign(full.id, to: doomed.userId, as: admin)
            let (_, deadUserPat) = try await api.createPat(as: try await api.session(doomed.username, orgId: server.orgId, signer: doomedSigner))
            #expect(try await api.signed(.put, "/auth/users/\(doomed.userId)/deactivate", as: admin).status == .ok)
            let (deadAccount, deadSA) = try await api.createServiceAccount(as: admin)
            #expect(try await api.signed(.put, "/auth/service-accounts/\(deadAccount.userInfo.userId)/deactivate", as: admin).status == .ok)
            let identities: [String: Identity] = [
                "admin": admin, "restricted": try await api.session(restrictedUser.username, orgId: server.orgId, signer: restrictedSigner),
                "pat": pat, "patNarrow": patNarrow, "sa": sa, "deadUserPat": deadUserPat, "deadSA": deadSA,
            ]

            var counter = 0
            /// Fresh objects for one call, made by the administrator, so that calls never interfere.
            func request(for route: String) async throws -> (HTTPRequest.Method, String, String?) {
                counter += 1
                let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
                let method = HTTPRequest.Method(rawValue: parts[0]) ?? .get
                var path = parts[1]
                if path.contains("{user}") {
                    let (user, _) = try await api.createUser(as: admin, email: "target\(counter)@example.com")
                    path = path.replacingOccurrences(of: "{user}", with: user.userId)
                }
                if path.contains("{sa}") {
                    let (account, _) = try await api.createServiceAccount(as: admin)
                    path = path.replacingOccurrences(of: "{sa}", with: account.userInfo.userId)
                }
                if path.contains("{role}") {
                    let role = try await api.createRole(as: admin, operations: ["Auth:Users:Read"])
                    path = path.replacingOccurrences(of: "{role}", with: role.id)
                    if path.contains("{assignment}") {
                        let (user, _) = try await api.createUser(as: admin, email: "assignee\(counter)@example.com")
                        let assignment = try await api.assign(role.id, to: user.userId, as: admin)
                        path = path.replacingOccurrences(of: "{assignment}", with: assignment.id)
                    }
                }
                let key = try TestSigner.generate(.ed25519).publicKeyPEM
                let bodies: [String: String] = [
                    "POST /auth/users": try api.json(CreateUserRequest(email: "new\(counter)@example.com")),
                    "POST /auth/service-accounts": try api.json(CreateServiceAccountRequest(name: "matrix-\(counter)", publicKey: key)),
                    "POST /permissions": try api.json(CreatePermissionRequest(name: "matrix-\(counter)", operations: ["Wallets:Read"])),
                    "PUT /permissions/{role}": #"{"name":"renamed-\#(counter)"}"#,
                    "PUT /permissions/{role}/archive": #"{"isArchived":true}"#,
                    "POST /permissions/{role}/assignments": try api.json(CreateAssignmentRequest(identityId: restrictedUser.userId)),
                    "POST /auth/pats": try api.json(CreatePersonalAccessTokenRequest(name: "matrix-\(counter)", publicKey: key)),
                ]
                return (method, path, bodies[route])
            }

            for line in Self.table.split(separator: "\n") {
                let fields = line.split(separator: " ").map(String.init)
                let route = fields.prefix(fields.count - Self.callers.count).joined(separator: " ")
                let expected = fields.suffix(Self.callers.count).compactMap(Int.init)
                for (index, caller) in Self.callers.enumerated() {
                    let (method, path, body) = try await request(for: route)
                    let reply: Reply
                    if let identity = identities[caller], expected[index] != 401, method != .get {
                        reply = try await api.signed(method, path, as: identity, body: body)
                    } else {
                        reply = try await api.send(method, path, token: identities[caller]?.token, body: body)
                    }
                    #expect(Int(reply.status.code) == expected[index], "\(route) as \(caller): \(reply.body.prefix(200))")
                }
            }
        }
    }
}
