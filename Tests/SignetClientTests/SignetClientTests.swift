import Foundation
import SignetAPI
import SignetClient
import SignetCore
import SignetStore
import Testing

@Suite("Swift SDK against a live server")
struct SignetClientTests {
    @Test("Login, whoami and logout; the token is checked against the organisation at construction")
    func authentication() async throws {
        try await LiveServer.with { server in
            let admin = try await server.admin()
            let me = try await admin.auth.whoami()
            #expect(me.username == server.adminEmail && me.tokenKind == .login && me.allOperations)
            #expect(throws: SignetClientError.self) {
                try SignetClient(baseURL: server.baseURL, organizationID: "or-other", authToken: admin.authToken)
            }
            #expect(throws: SignetClientError.self) {
                try SignetClient(baseURL: server.baseURL, organizationID: server.orgId, authToken: "not-a-jwt")
            }
            #expect(try await admin.auth.logout().message == "logged out")
            await #expect(throws: SignetClientError.self) { try await admin.auth.whoami() }
        }
    }

    @Test("PATs: every method, with keys of every algorithm signing their own actions", arguments: KeyAlgorithm.allCases)
    func personalAccessTokens(algorithm: KeyAlgorithm) async throws {
        try await LiveServer.with { server in
            let admin = try await server.admin()
            let key = try PrivateKey.generate(algorithm)
            let pat = try await admin.personalAccessTokens.create(
                CreatePersonalAccessTokenRequest(name: "sdk", publicKey: key.publicKey.pemRepresentation, daysValid: 1)
            )
            let token = try #require(pat.accessToken)
            let asPat = try SignetClient(
                baseURL: server.baseURL,
                organizationID: server.orgId,
                authToken: token,
                signer: KeySigner(credentialID: pat.credId, privateKey: key)
            )
            #expect(try await asPat.personalAccessTokens.update(pat.tokenId, UpdatePersonalAccessTokenRequest(name: "renamed")).name == "renamed")
            #expect(try await admin.personalAccessTokens.list().map(\.tokenId) == [pat.tokenId])
            #expect(try await admin.personalAccessTokens.get(pat.tokenId).name == "renamed")
            #expect(try await admin.personalAccessTokens.deactivate(pat.tokenId).isActive == false)
            do {
                _ = try await asPat.auth.whoami()
                Issue.record("a deactivated PAT was accepted")
            } catch let error as SignetClientError {
                #expect(error.status == 401)
            }
            #expect(try await admin.personalAccessTokens.activate(pat.tokenId).isActive)
            #expect(try await asPat.auth.whoami().tokenKind == .pat)
            #expect(try await admin.personalAccessTokens.delete(pat.tokenId).isActive == false)
        }
    }

    @Test("Service accounts, users, roles and assignments: every method")
    func administration() async throws {
        try await LiveServer.with { server in
            let admin = try await server.admin()
            let role = try await admin.permissions.create(CreatePermissionRequest(name: "readers", operations: ["Auth:Users:Read"]))
            #expect(try await admin.permissions.get(role.id).name == "readers")
            #expect(try await admin.permissions.update(role.id, UpdatePermissionRequest(name: "user-readers")).name == "user-readers")
            #expect(try await admin.permissions.list(limit: 1).nextPageToken != nil)

            let accountKey = try PrivateKey.generate(.ed25519)
            let account = try await admin.serviceAccounts.create(
                CreateServiceAccountRequest(name: "bot", publicKey: accountKey.publicKey.pemRepresentation, permissionId: role.id)
            )
            let id = account.userInfo.userId
            #expect(try await admin.serviceAccounts.list().map(\.userInfo.userId) == [id])
            #expect(try await admin.serviceAccounts.get(id).userInfo.name == "bot")
            #expect(try await admin.serviceAccounts.update(id, UpdateServiceAccountRequest(name: "bot-2")).userInfo.name == "bot-2")
            #expect(try await admin.serviceAccounts.deactivate(id).userInfo.isActive == false)
            #expect(try await admin.serviceAccounts.activate(id).userInfo.isActive)

            let userKey = try PrivateKey.generate(.rsa)
            let user = try await admin.users.create(CreateUserRequest(email: "dev@example.com", publicKey: userKey.publicKey.pemRepresentation))
            #expect(try await admin.users.get(user.userId).username == "dev@example.com")
            #expect(try await admin.users.update(user.userId, UpdateUserRequest(isSSORequired: false)).userId == user.userId)
            let assignment = try await admin.permissions.assign(role.id, to: user.userId)
            #expect(try await admin.permissions.listAssignments(role.id).items.map(\.id).contains(assignment.id))
            // The new user logs in with an RSA key and reads users through the role.
            let credential = try #require(try await server.store.credentials(identityId: user.userId).first)
            let dev = try await SignetClient.login(
                baseURL: server.baseURL,
                organizationID: server.orgId,
                username: "dev@example.com",
                signer: KeySigner(credentialID: credential.credentialId, privateKey: userKey)
            )
            #expect(try await dev.users.listAll().count == 2)
            try await admin.permissions.revoke(role.id, assignmentId: assignment.id)
            do {
                _ = try await dev.users.list()
                Issue.record("a revoked role still granted access")
            } catch let error as SignetClientError {
                // What a program acts on is named, not worded.
                #expect(error.status == 403 && error.refusalID == "operation_not_granted" && error.operation == "Auth:Users:Read", "\(error)")
            }
            #expect(try await admin.users.deactivate(user.userId).isActive == false)
            #expect(try await admin.users.activate(user.userId).isActive)
            #expect(try await admin.users.list(kind: .customerEmployee).items.count == 2)
            #expect(try await admin.users.delete(user.userId).isActive == false)
            #expect(try await admin.serviceAccounts.delete(id).userInfo.isActive == false)
            #expect(try await admin.permissions.archive(role.id).isArchived)
        }
    }

    @Test("Credentials: add a key, rotate, and the audit log of it all")
    func credentialsAndAudit() async throws {
        try await LiveServer.with { server in
            let admin = try await server.admin()
            let newKey = try PrivateKey.generate(.ed25519)
            let credential = try await admin.credentials.add(key: newKey, name: "laptop")
            #expect(try await admin.credentials.list().count == 2)
            let rotated = try SignetClient(
                baseURL: server.baseURL,
                organizationID: server.orgId,
                authToken: admin.authToken,
                signer: KeySigner(credentialID: credential.credentialId, privateKey: newKey)
            )
            let old = try #require(try await admin.credentials.list().first { $0.credentialId == server.adminCredentialId })
            _ = try await rotated.credentials.deactivate(old.credentialUuid)
            // The session was opened with the old key: deactivating that key ended it.
            await #expect(throws: SignetClientError.self) { try await rotated.credentials.list() }
            let relogged = try await SignetClient.login(
                baseURL: server.baseURL,
                organizationID: server.orgId,
                username: server.adminEmail,
                signer: KeySigner(credentialID: credential.credentialId, privateKey: newKey)
            )
            _ = try await relogged.credentials.activate(old.credentialUuid)

            let challenge = try await relogged.credentials.createChallenge()
            #expect(challenge.kind == .key && !challenge.challenge.isEmpty)

            let logs = try await relogged.auditLogs.list(startTime: Date().addingTimeInterval(-3600))
            #expect(logs.count == 3)
            #expect(try await relogged.auditLogs.get(try #require(logs.first).id) == logs.first)
            #expect(try await relogged.auditLogs.list(userId: "us-aaaaa-bbbbb-cccccccccccccccc").isEmpty)
        }
    }

    @Test("Delegated signing: challenge and signature through the low-level calls")
    func delegatedSigning() async throws {
        try await LiveServer.with { server in
            let admin = try await server.admin()
            let challenge = try await admin.auth.createUserActionChallenge(
                CreateUserActionChallengeRequest(userActionPayload: "", userActionHttpMethod: "PUT", userActionHttpPath: "/auth/logout")
            )
            let signer = KeySigner(credentialID: server.adminCredentialId, privateKey: server.adminKey)
            let answer = SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try await signer.sign(challenge))
            #expect(try await admin.auth.signUserActionChallenge(answer).userAction.split(separator: ".").count == 3)
        }
    }

    @Test("Errors are typed: the server's message, a missing signer, a signer whose key is not allowed")
    func errors() async throws {
        try await LiveServer.with { server in
            let admin = try await server.admin()
            do {
                _ = try await admin.personalAccessTokens.get("to-aaaaa-bbbbb-cccccccccccccccc")
                Issue.record("expected 404")
            } catch let error as SignetClientError where error.errorType == .server {
                #expect(error.status == 404 && error.message?.contains("not found") == true)
            }
            let unsigned = try SignetClient(baseURL: server.baseURL, organizationID: server.orgId, authToken: admin.authToken)
            await #expect(throws: SignetClientError.self) {
                try await unsigned.permissions.create(CreatePermissionRequest(name: "x", operations: ["Wallets:Read"]))
            }
            let strangerKey = KeySigner(credentialID: "not-mine", privateKey: try PrivateKey.generate(.ed25519))
            // Fast Auth (the default): the server refuses the credential.
            let stranger = try SignetClient(baseURL: server.baseURL, organizationID: server.orgId, authToken: admin.authToken, signer: strangerKey)
            do {
                _ = try await stranger.permissions.create(CreatePermissionRequest(name: "x", operations: ["Wallets:Read"]))
                Issue.record("a stranger's key signed")
            } catch let error as SignetClientError where error.errorType == .server {
                #expect(error.status == 403 && error.message?.contains("not-mine") == true, "\(error)")
            }
            // The three-request flow: the signer itself sees its credential is not allowed.
            var slow = SignetClient.Configuration()
            slow.fastAuth = false
            let slowStranger = try SignetClient(
                baseURL: server.baseURL,
                organizationID: server.orgId,
                authToken: admin.authToken,
                signer: strangerKey,
                configuration: slow
            )
            await #expect(throws: KeySigner.Failure.self) {
                try await slowStranger.permissions.create(CreatePermissionRequest(name: "x", operations: ["Wallets:Read"]))
            }
        }
    }
}
