import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

@Suite("Service accounts")
struct ServiceAccountTests {
    @Test("Create returns the account and its token once; the account has no permissions without a role", arguments: TestDatabase.available)
    func create(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (account, identity) = try await api.createServiceAccount(as: admin, name: "ci-bot")
            #expect(account.userInfo.userId.hasPrefix("us-"))
            #expect(account.userInfo.isServiceAccount)
            #expect(account.userInfo.kind == .customerEmployee)
            #expect(account.userInfo.username == "ci-bot")
            #expect(account.userInfo.permissionAssignments.isEmpty)
            #expect(account.userInfo.permissions == [])
            let token = try #require(account.accessTokens.first)
            #expect(token.kind == .serviceAccount && token.linkedUserId == account.userInfo.userId)
            let claims = try JSONValue(parsing: try #require(Base64URL.decode(String(identity.token.split(separator: ".")[1]))))
            #expect(claims["jti"] == .string(token.tokenId))
            #expect(claims["https://custom/app_metadata"]?["tokenKind"] == .string("ServiceAccount"))

            let fetched = try await api.send(.get, "/auth/service-accounts/\(account.userInfo.userId)", token: admin.token)
            #expect(fetched.status == .ok)
            #expect(try fetched.decode(ServiceAccount.self).accessTokens.map(\.accessToken) == [nil])
            #expect(!fetched.body.contains(identity.token))
            let listed = try await api.send(.get, "/auth/service-accounts", token: admin.token).decode(ListResponse<ServiceAccount>.self)
            #expect(listed.items.map(\.userInfo.userId) == [account.userInfo.userId])
            // Without permissions it can do nothing that needs one.
            #expect(try await api.send(.get, "/auth/service-accounts", token: identity.token).status == .forbidden)
            // Service accounts are not people.
            #expect(try await api.send(.get, "/auth/users", token: admin.token).decode(ListResponse<User>.self).items.count == 1)
        }
    }

    @Test("A service account signs its own user actions with its own keypair", arguments: TestDatabase.available)
    func signsItsOwnActions(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let role = try await api.createRole(as: admin, operations: ["Auth:ServiceAccounts:Read", "Auth:ServiceAccounts:Update"])
            let (account, identity) = try await api.createServiceAccount(as: admin, permissionId: role.id)
            let renamed = try await api.signed(
                .put,
                "/auth/service-accounts/\(account.userInfo.userId)",
                as: identity,
                body: #"{"name":"renamed-bot"}"#
            )
            #expect(renamed.status == .ok, "\(renamed.body)")
            #expect(try renamed.decode(ServiceAccount.self).userInfo.name == "renamed-bot")
            // The administrator's key cannot sign for it.
            let challenge = try await api.send(
                .post,
                "/auth/action/init",
                token: identity.token,
                body: try api.json(CreateUserActionChallengeRequest(userActionPayload: "", userActionHttpMethod: "PUT", userActionHttpPath: "/x"))
            ).decode(UserActionChallenge.self)
            #expect(challenge.allowCredentials.key.map(\.id) == [identity.signer.credentialId])
            let forged = try await api.send(
                .post,
                "/auth/action",
                token: identity.token,
                body: try api.json(
                    SignedChallenge(
                        challengeIdentifier: challenge.challengeIdentifier,
                        firstFactor: try server.adminSigner.with(credentialId: identity.signer.credentialId).sign(challenge)
                    )
                )
            )
            #expect(forged.status == .forbidden)
        }
    }

    @Test(
        "Its permissions are its own, and granting a role needs Permissions:Assign and every operation of the role",
        arguments: TestDatabase.available
    )
    func permissions(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let wide = try await api.createRole(as: admin, operations: ["Auth:Users:Read", "Keys:Delete"])
            let narrow = try await api.createRole(as: admin, operations: ["Auth:Users:Read"])
            let creatorRole = try await api.createRole(
                as: admin,
                operations: ["Auth:ServiceAccounts:Create", "Permissions:Assign", "Auth:Users:Read"]
            )
            let (user, signer) = try await api.createUser(as: admin, email: "ops@example.com")
            try await api.assign(creatorRole.id, to: user.userId, as: admin)
            let creator = try await api.session(user.username, orgId: server.orgId, signer: signer)

            let key = try TestSigner.generate().publicKeyPEM
            let tooWide = try await api.signed(
                .post,
                "/auth/service-accounts",
                as: creator,
                body: try api.json(CreateServiceAccountRequest(name: "wide", publicKey: key, permissionId: wide.id))
            )
            #expect(tooWide.status == .forbidden)
            #expect(tooWide.errorMessage?.contains("Keys:Delete") == true)
            let (account, identity) = try await api.createServiceAccount(as: creator, permissionId: narrow.id)
            #expect(account.userInfo.permissions == ["Auth:Users:Read"])
            #expect(try await api.send(.get, "/auth/users", token: identity.token).status == .ok)
            #expect(try await api.send(.get, "/permissions", token: identity.token).status == .forbidden)
        }
    }

    @Test("Deactivate, activate and delete; the creator's fate changes nothing for the account", arguments: TestDatabase.available)
    func lifecycle(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (user, signer) = try await api.createUser(as: admin, email: "maker@example.com")
            let full = try #require(try await server.store.role(orgId: server.orgId, name: "ManagedFullAdminAccess"))
            try await api.assign(full.id, to: user.userId, as: admin)
            let maker = try await api.session(user.username, orgId: server.orgId, signer: signer)
            let role = try await api.createRole(as: admin, operations: ["Auth:ServiceAccounts:Read"])
            let (account, identity) = try await api.createServiceAccount(as: maker, permissionId: role.id)
            let path = "/auth/service-accounts/\(account.userInfo.userId)"

            #expect(try await api.signed(.put, "/auth/users/\(user.userId)/deactivate", as: admin).status == .ok)
            #expect(try await api.send(.get, path, token: identity.token).status == .ok)
            #expect(try await api.signed(.delete, "/auth/users/\(user.userId)", as: admin).status == .ok)
            #expect(try await api.send(.get, path, token: identity.token).status == .ok)

            let deactivated = try await api.signed(.put, path + "/deactivate", as: admin, body: #"{"force":false}"#)
            #expect(try deactivated.decode(ServiceAccount.self).userInfo.isActive == false)
            #expect(try await api.send(.get, path, token: identity.token).status == .unauthorized)
            #expect(try await api.signed(.put, path + "/activate", as: admin).status == .ok)
            #expect(try await api.send(.get, path, token: identity.token).status == .ok)
            // It cannot deactivate or delete itself.
            #expect(try await api.signed(.put, path + "/deactivate", as: identity).status == .forbidden)
            #expect(try await api.signed(.delete, path + "?force=true", as: admin, payload: "").status == .ok)
            #expect(try await api.send(.get, path, token: identity.token).status == .unauthorized)
            #expect(try await api.send(.get, path, token: admin.token).status == .notFound)
        }
    }

    @Test("A PAT may not deactivate a service account (Dfns rule); an account may not deactivate itself", arguments: TestDatabase.available)
    func deactivationRules(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let role = try await api.createRole(as: admin, operations: ["Auth:ServiceAccounts:Deactivate"])
            let (account, identity) = try await api.createServiceAccount(as: admin, permissionId: role.id)
            let (pat, patIdentity) = try await api.createPat(as: admin)
            let path = "/auth/service-accounts/\(account.userInfo.userId)/deactivate"
            let byPat = try await api.signed(.put, path, as: patIdentity)
            #expect(byPat.status == .forbidden)
            #expect(byPat.errorMessage == "Pat \(pat.tokenId) is not authorized to perform operation (Auth:ServiceAccounts:Deactivate)")
            let bySelf = try await api.signed(.put, path, as: identity)
            #expect(bySelf.status == .conflict)
        }
    }

    @Test("Names and keys are unique; bad input is a 400", arguments: TestDatabase.available)
    func validation(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (_, identity) = try await api.createServiceAccount(as: admin, name: "dup")
            let sameName = try await api.signed(
                .post,
                "/auth/service-accounts",
                as: admin,
                body: try api.json(CreateServiceAccountRequest(name: "DUP", publicKey: try TestSigner.generate().publicKeyPEM))
            )
            #expect(sameName.status == .conflict)
            let sameKey = try await api.signed(
                .post,
                "/auth/service-accounts",
                as: admin,
                body: try api.json(CreateServiceAccountRequest(name: "other", publicKey: identity.signer.publicKeyPEM))
            )
            #expect(sameKey.status == .conflict)
            let unknown = try await api.signed(
                .post,
                "/auth/service-accounts",
                as: admin,
                body: #"{"name":"x","publicKey":"y","secondsValid":5}"#
            )
            #expect(unknown.status == .badRequest)
            #expect(try await api.send(.get, "/auth/service-accounts/us-nope", token: admin.token).status == .notFound)
            #expect(try await api.send(.get, "/auth/service-accounts/\(server.organization.userId)", token: admin.token).status == .notFound)
        }
    }
}
