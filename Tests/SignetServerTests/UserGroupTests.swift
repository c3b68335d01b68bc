import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetStore
import SignetTestFixtures
import Testing

@Suite("User groups")
struct UserGroupTests {
    @Test("Create, read, list, rename, describe and delete; names are unique by their canonical form", arguments: TestDatabase.available)
    func lifecycle(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let created = try await api.signed(.post, "/auth/user-groups", as: admin, body: #"{"name":"Caf\u00e9 ops","description":"on call"}"#)
            #expect(created.status == .ok, "\(created.body)")
            let group = try created.decode(UserGroup.self)
            #expect(group.id.hasPrefix("ug-") && group.name == "Café ops" && group.description == "on call" && group.memberCount == 0)
            #expect(group.orgId == server.orgId)
            // The decomposed spelling of the same name is the same name.
            let twin = try await api.signed(.post, "/auth/user-groups", as: admin, body: #"{"name":"Cafe\u0301 ops"}"#)
            #expect(twin.status == .conflict, "\(twin.body)")

            let read = try await api.send(.get, "/auth/user-groups/\(group.id)", token: admin.token).decode(UserGroup.self)
            #expect(read.id == group.id && read.name == group.name && read.description == group.description && read.memberCount == 0)
            let list = try await api.send(.get, "/auth/user-groups", token: admin.token).decode(ListResponse<UserGroup>.self)
            #expect(list.items.map(\.id) == [group.id])

            let renamed = try await api.signed(.put, "/auth/user-groups/\(group.id)", as: admin, body: #"{"name":"Ops"}"#)
            #expect(try renamed.decode(UserGroup.self).name == "Ops" && renamed.decode(UserGroup.self).description == "on call")
            let cleared = try await api.signed(.put, "/auth/user-groups/\(group.id)", as: admin, body: #"{"description":null}"#)
            #expect(try cleared.decode(UserGroup.self).description == nil && cleared.decode(UserGroup.self).name == "Ops")

            let deleted = try await api.signed(.delete, "/auth/user-groups/\(group.id)", as: admin)
            #expect(deleted.status == .ok && deleted.body == "{}", "\(deleted.body)")
            #expect(try await api.send(.get, "/auth/user-groups/\(group.id)", token: admin.token).status == .notFound)
            // The name can be used again.
            #expect(try await api.signed(.post, "/auth/user-groups", as: admin, body: #"{"name":"Ops"}"#).status == .ok)
        }
    }

    @Test("Bad input is a 400 naming the field; unknown and other organisations' ids are 404", arguments: TestDatabase.available)
    func badInput(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            for body in [#"{"name":""}"#, #"{"name":"x","extra":1}"#, #"{"name":"a\u0000b"}"#, #"{"description":"x"}"#] {
                #expect(try await api.signed(.post, "/auth/user-groups", as: admin, body: body).status == .badRequest, "\(body)")
            }
            let group = try await api.signed(.post, "/auth/user-groups", as: admin, body: #"{"name":"G"}"#).decode(UserGroup.self)
            let (account, _) = try await api.createServiceAccount(as: admin, name: "bot")
            let members = "/auth/user-groups/\(group.id)/members"
            for (body, status) in [
                (#"{"userIds":[]}"#, HTTPResponse.Status.badRequest), (#"{"userIds":["to-1"]}"#, .badRequest),
                (#"{"userIds":"us-x"}"#, .badRequest), (#"{"userIds":["\#(account.userInfo.userId)"]}"#, .badRequest),
                (#"{"userIds":["us-aaaaa-aaaaa-aaaaaaaaaaaaaaaa"]}"#, .notFound),
            ] {
                let reply = try await api.signed(.post, members, as: admin, body: body)
                #expect(reply.status == status, "\(body): \(reply.body)")
            }
            for path in ["/auth/user-groups/ug-aaaaa-aaaaa-aaaaaaaaaaaaaaaa", "/auth/user-groups/nope", "/auth/user-groups/ug-x/members"] {
                #expect(try await api.send(.get, path, token: admin.token).status == .notFound, "\(path)")
            }
        }
    }

    @Test(
        "A member holds the group's roles on the next request, and loses them when removed or the group is deleted",
        arguments: TestDatabase.available
    )
    func membersHoldTheGroupsRoles(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let role = try await api.createRole(as: admin, operations: ["Auth:Users:Read", "Auth:Pats:Create"])
            let (user, signer) = try await api.createUser(as: admin, email: "member@example.com")
            let session = try await api.session(user.username, orgId: server.orgId, signer: signer)
            func canReadUsers() async throws -> Bool { try await api.send(.get, "/auth/users", token: session.token).status == .ok }
            #expect(try await !canReadUsers())

            let group = try await api.signed(.post, "/auth/user-groups", as: admin, body: #"{"name":"Readers"}"#).decode(UserGroup.self)
            try await api.assign(role.id, to: group.id, as: admin)
            let members = "/auth/user-groups/\(group.id)/members"
            let add = #"{"userIds":["\#(user.userId)","\#(user.userId)"]}"#
            #expect(try await api.signed(.post, members, as: admin, body: add).status == .ok)
            #expect(try await canReadUsers())
            #expect(try await api.send(.get, "/auth/user-groups/\(group.id)", token: admin.token).decode(UserGroup.self).memberCount == 1)
            let listed = try await api.send(.get, members, token: admin.token).decode(ListResponse<UserInfo>.self)
            #expect(listed.items.map(\.userId) == [user.userId])
            // The user's record shows what they hold through the group, but lists only their own
            // assignments (revoking a listed one must not take a role from the whole group).
            let info = try await api.send(.get, "/auth/users/\(user.userId)", token: admin.token).decode(UserInfo.self)
            #expect(info.permissions?.contains("Auth:Users:Read") == true && info.permissionAssignments.isEmpty)
            // Explain names the group.
            let why = try await api.send(.get, "/auth/permissions/explain?operation=Auth:Users:Read", token: session.token)
                .decode(PermissionExplanation.self)
            #expect(why.allowed && why.user.grantedBy.map(\.userGroupId) == [group.id])

            // A PAT made without a role gets what its user holds, the group's roles included.
            let (pat, patIdentity) = try await api.createPat(as: session)
            #expect(pat.permissionAssignments.map(\.permissionId) == [role.id])
            #expect(try await api.send(.get, "/auth/users", token: patIdentity.token).status == .ok)

            #expect(try await api.signed(.delete, members, as: admin, body: #"{"userIds":["\#(user.userId)"]}"#).status == .ok)
            #expect(try await !canReadUsers())
            #expect(try await api.send(.get, "/auth/users", token: patIdentity.token).status == .forbidden)

            #expect(try await api.signed(.post, members, as: admin, body: add).status == .ok)
            #expect(try await canReadUsers())
            #expect(try await api.signed(.delete, "/auth/user-groups/\(group.id)", as: admin).status == .ok)
            #expect(try await !canReadUsers())
            // The group's assignment went with it (the PAT keeps the copy it was made with, acting as its user).
            let left = try await api.send(.get, "/permissions/\(role.id)/assignments", token: admin.token).decode(ListResponse<Assignment>.self)
            #expect(left.items.map(\.identityId) == [pat.tokenId])
        }
    }

    @Test("Joining a group grants its roles: adding members needs every operation they grant", arguments: TestDatabase.available)
    func addingIsBoundedByTheCaller(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let full = try #require(try await server.store.role(orgId: server.orgId, name: "ManagedFullAdminAccess"))
            let admins = try await api.signed(.post, "/auth/user-groups", as: admin, body: #"{"name":"Admins"}"#).decode(UserGroup.self)
            try await api.assign(full.id, to: admins.id, as: admin)
            let manager = try await api.createRole(
                as: admin,
                operations: ["Auth:UserGroups:Members:Add", "Auth:UserGroups:Create", "Auth:UserGroups:Members:Read"]
            )
            let (user, signer) = try await api.createUser(as: admin, email: "manager@example.com")
            try await api.assign(manager.id, to: user.userId, as: admin)
            let session = try await api.session(user.username, orgId: server.orgId, signer: signer)

            let promote = try await api.signed(
                .post,
                "/auth/user-groups/\(admins.id)/members",
                as: session,
                body: #"{"userIds":["\#(user.userId)"]}"#
            )
            #expect(promote.status == .forbidden, "\(promote.body)")
            #expect(try await api.send(.get, "/auth/user-groups/\(admins.id)", token: admin.token).decode(UserGroup.self).memberCount == 0)
            // Nor through a role of the group's that is archived now and may be restored later.
            let archived = try await api.createRole(as: admin, operations: ["Wallets:Read"])
            let dormant = try await api.signed(.post, "/auth/user-groups", as: admin, body: #"{"name":"Dormant"}"#).decode(UserGroup.self)
            try await api.assign(archived.id, to: dormant.id, as: admin)
            #expect(try await api.signed(.put, "/permissions/\(archived.id)/archive", as: admin, body: #"{"isArchived":true}"#).status == .ok)
            let sneak = try await api.signed(.post, "/auth/user-groups/\(dormant.id)/members", as: session, body: #"{"userIds":["\#(user.userId)"]}"#)
            #expect(sneak.status == .forbidden, "\(sneak.body)")
            // Listing members shows users, so it needs Auth:Users:Read too.
            #expect(try await api.send(.get, "/auth/user-groups/\(dormant.id)/members", token: session.token).status == .forbidden)
            // A group whose roles the caller holds (none) can be joined.
            let own = try await api.signed(.post, "/auth/user-groups", as: session, body: #"{"name":"Mine"}"#).decode(UserGroup.self)
            #expect(
                try await api.signed(.post, "/auth/user-groups/\(own.id)/members", as: session, body: #"{"userIds":["\#(user.userId)"]}"#).status
                    == .ok
            )
        }
    }

    @Test("The last administrator through a group cannot be removed from it, nor the group deleted", arguments: TestDatabase.available)
    func keepsAnAdministrator(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let first = try await api.send(.get, "/auth/whoami", token: admin.token).decode(WhoAmI.self)
            let full = try #require(try await server.store.role(orgId: server.orgId, name: "ManagedFullAdminAccess"))
            let admins = try await api.signed(.post, "/auth/user-groups", as: admin, body: #"{"name":"Admins"}"#).decode(UserGroup.self)
            try await api.assign(full.id, to: admins.id, as: admin)
            let (second, signer) = try await api.createUser(as: admin, email: "second@example.com")
            let members = "/auth/user-groups/\(admins.id)/members"
            #expect(try await api.signed(.post, members, as: admin, body: #"{"userIds":["\#(second.userId)"]}"#).status == .ok)
            // The second administrator, an administrator only through the group, retires the first.
            let session = try await api.session(second.username, orgId: server.orgId, signer: signer)
            let retire = try await api.signed(.put, "/auth/users/\(first.userId)/deactivate", as: session)
            #expect(retire.status == .ok, "\(retire.body)")

            let leave = try await api.signed(.delete, members, as: session, body: #"{"userIds":["\#(second.userId)"]}"#)
            #expect(leave.status == .conflict, "\(leave.body)")
            #expect(try await api.signed(.delete, "/auth/user-groups/\(admins.id)", as: session).status == .conflict)
            let revoke = try await api.send(.get, "/permissions/\(full.id)/assignments", token: session.token).decode(ListResponse<Assignment>.self)
            let groupAssignment = try #require(revoke.items.first { $0.identityId == admins.id })
            #expect(try await api.signed(.delete, "/permissions/\(full.id)/assignments/\(groupAssignment.id)", as: session).status == .conflict)
            #expect(try await api.send(.get, "/auth/users", token: session.token).status == .ok)
        }
    }
}
