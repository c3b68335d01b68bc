import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

@Suite("Users")
struct UserTests {
    @Test("A user created with a public key can log in at once; without one they cannot", arguments: TestDatabase.available)
    func create(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (user, signer) = try await api.createUser(as: admin, email: "New@Example.com")
            #expect(user.username == "New@Example.com" && user.kind == .customerEmployee && user.isActive && user.isRegistered)
            #expect(user.isServiceAccount == false && user.isSSORequired == false && user.permissionAssignments.isEmpty)
            _ = try await api.session("new@example.com", orgId: server.orgId, signer: signer)

            let bare = try await api.signed(.post, "/auth/users", as: admin, body: #"{"email":"bare@example.com","kind":"CustomerEmployee"}"#)
            #expect(try bare.decode(User.self).isRegistered == false)
            let login = try await api.attemptLogin(username: "bare@example.com", orgId: server.orgId, signer: signer)
            #expect(login.status == .unauthorized)

            let duplicate = try await api.signed(.post, "/auth/users", as: admin, body: #"{"email":"NEW@example.com","kind":"CustomerEmployee"}"#)
            #expect(duplicate.status == .conflict)
            for body in [
                #"{"email":"not-an-email","kind":"CustomerEmployee"}"#, #"{"email":"a@b.co","kind":"EndUser"}"#,
                #"{"email":"a@b.co","kind":"Robot"}"#, #"{"email":"a@b.co","kind":"CustomerEmployee","isSSORequired":true}"#,
                #"{"email":"a@b.co","kind":"CustomerEmployee","role":"admin"}"#,
            ] {
                #expect(try await api.signed(.post, "/auth/users", as: admin, body: body).status == .badRequest, "\(body)")
            }
        }
    }

    @Test("Lists page with limit and paginationToken, and filter by kind", arguments: TestDatabase.available)
    func pagination(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            for index in 0..<4 { _ = try await api.createUser(as: admin, email: "user\(index)@example.com") }
            var seen: [String] = []
            var token: String?
            repeat {
                let query = "/auth/users?limit=2" + (token.map { "&paginationToken=\($0)" } ?? "")
                let page = try await api.send(.get, query, token: admin.token).decode(ListResponse<User>.self)
                #expect(page.items.count <= 2)
                seen += page.items.map(\.userId)
                token = page.nextPageToken
            } while token != nil
            #expect(seen.count == 5 && Set(seen).count == 5)
            let employees = try await api.send(.get, "/auth/users?kind=CustomerEmployee", token: admin.token).decode(ListResponse<User>.self)
            #expect(employees.items.count == 5)
            #expect(try await api.send(.get, "/auth/users?kind=EndUser", token: admin.token).decode(ListResponse<User>.self).items.isEmpty)
            for bad in ["limit=0", "limit=x", "limit=501", "kind=Robot", "paginationToken=%21%21"] {
                #expect(try await api.send(.get, "/auth/users?\(bad)", token: admin.token).status == .badRequest, "\(bad)")
            }
        }
    }

    @Test(
        "Deactivation ends sessions and PATs on the next request; activation restores the PATs; login is refused meanwhile",
        arguments: TestDatabase.available
    )
    func deactivation(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let role = try await api.createRole(as: admin, operations: ["Auth:Pats:Create"])
            let (user, signer) = try await api.createUser(as: admin, email: "dev@example.com")
            try await api.assign(role.id, to: user.userId, as: admin)
            let session = try await api.session(user.username, orgId: server.orgId, signer: signer)
            let (_, pat) = try await api.createPat(as: session)

            let deactivated = try await api.signed(.put, "/auth/users/\(user.userId)/deactivate", as: admin)
            #expect(try deactivated.decode(User.self).isActive == false)
            #expect(try await api.send(.get, "/auth/pats", token: session.token).status == .unauthorized)
            #expect(try await api.send(.get, "/auth/pats", token: pat.token).status == .unauthorized)
            let login = try await api.attemptLogin(username: user.username, orgId: server.orgId, signer: signer)
            #expect(login.status == .unauthorized)

            #expect(try await api.signed(.put, "/auth/users/\(user.userId)/activate", as: admin).status == .ok)
            #expect(try await api.send(.get, "/auth/pats", token: pat.token).status == .ok)
            #expect(try await api.send(.get, "/auth/pats", token: session.token).status == .unauthorized)
        }
    }

    @Test("Delete ends the user and their PATs for good, and frees the email", arguments: TestDatabase.available)
    func delete(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let role = try await api.createRole(as: admin, operations: ["Auth:Pats:Create"])
            let (user, signer) = try await api.createUser(as: admin, email: "gone@example.com")
            try await api.assign(role.id, to: user.userId, as: admin)
            let (_, pat) = try await api.createPat(as: try await api.session(user.username, orgId: server.orgId, signer: signer))
            #expect(try await api.signed(.delete, "/auth/users/\(user.userId)", as: admin).status == .ok)
            #expect(try await api.send(.get, "/auth/pats", token: pat.token).status == .unauthorized)
            #expect(try await api.send(.get, "/auth/users/\(user.userId)", token: admin.token).status == .notFound)
            #expect(try await api.signed(.put, "/auth/users/\(user.userId)/activate", as: admin).status == .notFound)
            _ = try await api.createUser(as: admin, email: "gone@example.com")
        }
    }

    @Test("No one can deactivate or delete themselves, and the last full administrator cannot be removed", arguments: TestDatabase.available)
    func guardrails(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let adminId = server.organization.userId
            for (method, path) in [(HTTPRequest.Method.put, "/auth/users/\(adminId)/deactivate"), (.delete, "/auth/users/\(adminId)")] {
                let reply = try await api.signed(method, path, as: admin)
                #expect(reply.status == .conflict)
                #expect(reply.errorMessage?.contains("yourself") == true)
            }
            let full = try #require(try await server.store.role(orgId: server.orgId, name: "ManagedFullAdminAccess"))
            let assignments = try await api.send(.get, "/permissions/\(full.id)/assignments", token: admin.token)
                .decode(ListResponse<Assignment>.self).items
            let own = try #require(assignments.first { $0.identityId == adminId })
            let lastRevoke = try await api.signed(.delete, "/permissions/\(full.id)/assignments/\(own.id)", as: admin)
            #expect(lastRevoke.status == .conflict)
            #expect(lastRevoke.errorMessage?.contains("ManagedFullAdminAccess") == true)

            // With a second administrator, either may remove the other, and the last one is protected again.
            let (second, signer) = try await api.createUser(as: admin, email: "second@example.com")
            let secondAssignment = try await api.assign(full.id, to: second.userId, as: admin)
            let secondSession = try await api.session(second.username, orgId: server.orgId, signer: signer)
            #expect(try await api.signed(.put, "/auth/users/\(adminId)/deactivate", as: secondSession).status == .ok)
            #expect(try await api.send(.get, "/auth/pats", token: admin.token).status == .unauthorized)
            #expect(
                try await api.signed(.delete, "/permissions/\(full.id)/assignments/\(secondAssignment.id)", as: secondSession).status == .conflict
            )
            #expect(try await api.signed(.put, "/auth/users/\(adminId)/activate", as: secondSession).status == .ok)
            let revoked = try await api.signed(.delete, "/permissions/\(full.id)/assignments/\(secondAssignment.id)", as: secondSession)
            #expect(revoked.status == .noContent && revoked.body.isEmpty)
        }
    }

    @Test(
        "An administrator sees a person's PATs (never the tokens); someone who holds less gets 403; unknown ids 404",
        arguments: TestDatabase.available
    )
    func personsPats(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, _) = try await api.createPat(as: admin, name: "admins-bot")
            let (person, signer) = try await api.createUser(as: admin, email: "reader@example.com")
            let role = try await api.createRole(as: admin, operations: ["Auth:Users:Read", "Auth:Pats:Create"])
            try await api.assign(role.id, to: person.userId, as: admin)
            let reader = try await api.session("reader@example.com", orgId: server.orgId, signer: signer)
            let (readersPat, _) = try await api.createPat(as: reader, name: "readers-bot")

            let seen = try await api.send(.get, "/auth/users/\(person.userId)/pats", token: admin.token)
            let items = try seen.decode(ListResponse<AccessToken>.self).items
            #expect(items.map(\.tokenId) == [readersPat.tokenId] && items.allSatisfy { $0.accessToken == nil })
            let upward = try await api.send(.get, "/auth/users/\(server.organization.userId)/pats", token: reader.token)
            #expect(upward.status == .forbidden && !upward.body.contains(pat.tokenId), "\(upward.body)")
            #expect(try await api.send(.get, "/auth/users/us-nobody/pats", token: admin.token).status == .notFound)
        }
    }
}
