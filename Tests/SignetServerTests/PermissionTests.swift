import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetStore
import SignetTestFixtures
import Testing

@Suite("Roles and assignments")
struct PermissionTests {
    @Test("Operation names are validated; legacy names are stored under their current names", arguments: TestDatabase.available)
    func operations(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let role = try await api.createRole(
                as: admin,
                name: "Mixed",
                operations: ["Auth:Users:Read", "PermissionAssignments:Create", "Auth:Users:Read"]
            )
            #expect(role.operations == ["Auth:Users:Read", "Permissions:Assign"])
            #expect(role.status == "Active" && !role.isImmutable && !role.isArchived)
            for body in [
                #"{"name":"x","operations":["Auth:Users:Read","Auth:Everything"]}"#, #"{"name":"x","operations":[]}"#,
                #"{"name":"","operations":["Auth:Users:Read"]}"#, #"{"name":"x","operations":"Auth:Users:Read"}"#,
                #"{"name":"x","operations":["Auth:Users:Read"],"isImmutable":true}"#,
            ] {
                let reply = try await api.signed(.post, "/permissions", as: admin, body: body)
                #expect(reply.status == .badRequest, "\(body): \(reply.body)")
            }
            let unknown = try await api.signed(.post, "/permissions", as: admin, body: #"{"name":"x","operations":["Auth:Everything"]}"#)
            #expect(unknown.errorMessage?.contains("Auth:Everything") == true)
            let duplicate = try await api.signed(.post, "/permissions", as: admin, body: #"{"name":"Mixed","operations":["Wallets:Read"]}"#)
            #expect(duplicate.status == .conflict)
        }
    }

    @Test("Managed roles are immutable and list every operation", arguments: TestDatabase.available)
    func managed(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let list = try await api.send(.get, "/permissions", token: admin.token).decode(ListResponse<Permission>.self)
            let full = try #require(list.items.first { $0.name == "ManagedFullAdminAccess" })
            #expect(full.isImmutable && full.operations.count == OperationCatalog.current.count)
            #expect(try await api.signed(.put, "/permissions/\(full.id)", as: admin, body: #"{"name":"Mine"}"#).status == .forbidden)
            #expect(try await api.signed(.put, "/permissions/\(full.id)/archive", as: admin, body: #"{"isArchived":true}"#).status == .forbidden)
            #expect(try await api.signed(.delete, "/permissions/\(full.id)", as: admin).status == .forbidden)
            // DELETE (newer SDKs) archives an ordinary role.
            let role = try await api.createRole(as: admin, operations: ["Wallets:Read"])
            let deleted = try await api.signed(.delete, "/permissions/\(role.id)", as: admin)
            #expect(try deleted.decode(Permission.self).isArchived)
        }
    }

    @Test("A role change, a revoked assignment and an archive restrict a user's PAT on its very next request", arguments: TestDatabase.available)
    func changesApplyAtOnce(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let role = try await api.createRole(as: admin, operations: ["Auth:Pats:Create", "Auth:Users:Read"])
            let (user, signer) = try await api.createUser(as: admin, email: "dev@example.com")
            let assignment = try await api.assign(role.id, to: user.userId, as: admin)
            let (pat, patIdentity) = try await api.createPat(as: try await api.session(user.username, orgId: server.orgId, signer: signer))
            #expect(pat.permissionAssignments.map(\.permissionId) == [role.id])
            func usersStatus() async throws -> HTTPResponse.Status {
                try await api.send(.get, "/auth/users", token: patIdentity.token).status
            }
            #expect(try await usersStatus() == .ok)

            // Narrow the role: the PAT loses the operation at once.
            #expect(try await api.signed(.put, "/permissions/\(role.id)", as: admin, body: #"{"operations":["Auth:Pats:Create"]}"#).status == .ok)
            let denied = try await api.send(.get, "/auth/users", token: patIdentity.token)
            #expect(denied.status == .forbidden)
            #expect(denied.errorMessage == "Pat \(pat.tokenId) is not authorized to perform operation (Auth:Users:Read)")
            #expect(
                try await api.signed(.put, "/permissions/\(role.id)", as: admin, body: #"{"operations":["Auth:Pats:Create","Auth:Users:Read"]}"#)
                    .status == .ok
            )
            #expect(try await usersStatus() == .ok)

            // Revoke the user's assignment: the PAT still holds the role itself, but the user no longer does.
            #expect(try await api.signed(.delete, "/permissions/\(role.id)/assignments/\(assignment.id)", as: admin).status == .noContent)
            let logs = try await api.send(.get, "/auth/action/logs", token: admin.token).decode(ListResponse<AuditLog>.self).items
            #expect(logs.contains { $0.httpPath == "/permissions/\(role.id)/assignments/\(assignment.id)" && $0.responseStatus == 204 })
            #expect(try await usersStatus() == .forbidden)
            try await api.assign(role.id, to: user.userId, as: admin)
            #expect(try await usersStatus() == .ok)

            // Archive: nobody holds it any more; restore: back.
            #expect(try await api.signed(.put, "/permissions/\(role.id)/archive", as: admin, body: #"{"isArchived":true}"#).status == .ok)
            #expect(try await usersStatus() == .forbidden)
            #expect(try await api.signed(.put, "/permissions/\(role.id)/archive", as: admin, body: #"{"isArchived":false}"#).status == .ok)
            #expect(try await usersStatus() == .ok)
        }
    }

    @Test("Assignments can target users, service accounts and PATs, and show on them", arguments: TestDatabase.available)
    func assignmentTargets(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let role = try await api.createRole(as: admin, operations: ["Auth:Users:Read"])
            let (user, _) = try await api.createUser(as: admin, email: "u@example.com")
            let (account, _) = try await api.createServiceAccount(as: admin)
            let (pat, _) = try await api.createPat(as: admin)
            for identityId in [user.userId, account.userInfo.userId, pat.tokenId] {
                let assignment = try await api.assign(role.id, to: identityId, as: admin)
                #expect(assignment.permissionId == role.id && assignment.identityId == identityId)
            }
            #expect(
                try await api.send(.get, "/auth/users/\(user.userId)", token: admin.token).decode(User.self).permissionAssignments.map(\.permissionId)
                    == [role.id]
            )
            let accountRoles = try await api.send(.get, "/auth/service-accounts/\(account.userInfo.userId)", token: admin.token)
                .decode(ServiceAccount.self).userInfo.permissionAssignments.map(\.permissionId)
            #expect(accountRoles == [role.id])
            #expect(
                try await api.send(.get, "/auth/pats/\(pat.tokenId)", token: admin.token).decode(AccessToken.self).permissionAssignments.contains {
                    $0.permissionId == role.id
                }
            )
            let again = try await api.signed(
                .post,
                "/permissions/\(role.id)/assignments",
                as: admin,
                body: try api.json(CreateAssignmentRequest(identityId: user.userId))
            )
            #expect(again.status == .conflict)
            for target in ["us-aaaaa-bbbbb-cccccccccccccccc", "pm-aaaaa-bbbbb-cccccccccccccccc", "nobody"] {
                let reply = try await api.signed(
                    .post,
                    "/permissions/\(role.id)/assignments",
                    as: admin,
                    body: try api.json(CreateAssignmentRequest(identityId: target))
                )
                #expect(reply.status == .notFound || reply.status == .badRequest, "\(target)")
            }
            let page = try await api.send(.get, "/permissions/\(role.id)/assignments?limit=2", token: admin.token).decode(
                ListResponse<Assignment>.self
            )
            #expect(page.items.count == 2 && page.nextPageToken != nil)
        }
    }

    @Test("Nobody can grant what they do not hold: not by assigning, widening or restoring a role", arguments: TestDatabase.available)
    func noEscalation(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let manager = try await api.createRole(
                as: admin,
                operations: [
                    "Permissions:Create", "Permissions:Update", "Permissions:Assign", "Permissions:Delete", "Auth:Users:Read", "Permissions:Read",
                ]
            )
            let (user, signer) = try await api.createUser(as: admin, email: "manager@example.com")
            try await api.assign(manager.id, to: user.userId, as: admin)
            let session = try await api.session(user.username, orgId: server.orgId, signer: signer)

            let dangerous = try await api.createRole(as: session, operations: ["Keys:Delete"])
            let assign = try await api.signed(
                .post,
                "/permissions/\(dangerous.id)/assignments",
                as: session,
                body: try api.json(CreateAssignmentRequest(identityId: user.userId))
            )
            #expect(assign.status == .forbidden)
            #expect(assign.errorMessage?.contains("Keys:Delete") == true)
            let full = try #require(try await server.store.role(orgId: server.orgId, name: "ManagedFullAdminAccess"))
            let selfPromotion = try await api.signed(
                .post,
                "/permissions/\(full.id)/assignments",
                as: session,
                body: try api.json(CreateAssignmentRequest(identityId: user.userId))
            )
            #expect(selfPromotion.status == .forbidden)

            let mine = try await api.createRole(as: session, operations: ["Auth:Users:Read"])
            try await api.assign(mine.id, to: user.userId, as: session)
            let widen = try await api.signed(.put, "/permissions/\(mine.id)", as: session, body: #"{"operations":["Auth:Users:Read","Keys:Delete"]}"#)
            #expect(widen.status == .forbidden)

            #expect(try await api.signed(.put, "/permissions/\(dangerous.id)/archive", as: admin, body: #"{"isArchived":true}"#).status == .ok)
            let restore = try await api.signed(.put, "/permissions/\(dangerous.id)/archive", as: session, body: #"{"isArchived":false}"#)
            #expect(restore.status == .forbidden)
        }
    }
}
