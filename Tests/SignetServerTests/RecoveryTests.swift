import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetStore
import SignetTestFixtures
import Testing

/// Account recovery with a recovery key: the recovery key signs the new credential, which then
/// replaces every other credential, session and PAT of the person.
@Suite("Account recovery")
struct RecoveryTests {
    /// A person with a key, a session, a PAT and a registered recovery key (`encryptedPrivateKey` "sealed").
    struct Person {
        let user: User
        let session: Identity
        let pat: Identity
        let recoveryKey: PrivateKey
        let recoveryCredId: String
    }

    static func person(_ api: APIClient, server: TestServer, admin: Identity, email: String) async throws -> Person {
        let (user, signer) = try await api.createUser(as: admin, email: email)
        try await api.assign(try await api.createRole(as: admin, operations: ["Auth:Pats:Create"]).id, to: user.userId, as: admin)
        let session = try await api.session(user.username, orgId: server.orgId, signer: signer)
        let (_, pat) = try await api.createPat(as: session)
        let challenge = try await api.send(.post, "/auth/credentials/init", token: session.token, body: #"{"kind":"RecoveryKey"}"#)
            .decode(CredentialChallenge.self)
        let key = try PrivateKey.generate(.ecdsaP256)
        let (clientData, attestationData) = try KeyAttestation.make(challenge: challenge.challenge, key: key)
        let credId = Base64URL.encode(Identifier.randomBytes(32))
        let request = CreateCredentialRequest(
            credentialKind: .recoveryKey,
            credentialInfo: KeyCredentialInfo(credId: credId, clientData: clientData, attestationData: attestationData),
            credentialName: "recovery",
            challengeIdentifier: challenge.challengeIdentifier,
            encryptedPrivateKey: "sealed"
        )
        let added = try await api.signed(.post, "/auth/credentials", as: session, body: try api.json(request))
        #expect(added.status == .ok, "\(added.body)")
        #expect(try added.decode(Credential.self).kind == .recoveryKey)
        return Person(user: user, session: session, pat: pat, recoveryKey: key, recoveryCredId: credId)
    }

    /// A known recovery code for the person (what the webhook would have carried).
    static func code(_ server: TestServer, _ person: Person, _ code: String = "recovery-code-1") async throws -> String {
        _ = try await server.store.addRecoveryCode(
            userId: person.user.userId,
            digest: TokenDigest.of(code),
            expiresAt: Date().addingTimeInterval(600),
            at: Date(),
            keeping: 10
        )
        return code
    }

    static func initiate(_ api: APIClient, server: TestServer, _ person: Person, code: String) async throws -> Reply {
        let request = CreateRecoveryChallengeRequest(
            username: person.user.username,
            verificationCode: code,
            orgId: server.orgId,
            credentialId: person.recoveryCredId
        )
        return try await api.send(.post, "/auth/recover/user/init", body: try api.json(request))
    }

    /// The recover body: a new Key attested for the challenge (and a next recovery key when given),
    /// signed over by `signer` (the recovery key).
    static func recoverBody(
        _ challenge: RecoveryChallenge,
        person: Person,
        signer: PrivateKey,
        newKey: PrivateKey,
        nextRecoveryKey: PrivateKey? = nil
    ) throws -> String {
        func credential(_ kind: String, _ name: String, _ key: PrivateKey) throws -> String {
            let (clientData, attestationData) = try KeyAttestation.make(challenge: challenge.registration.challenge, key: key)
            let credId = Base64URL.encode(Identifier.randomBytes(32))
            return
                #"{"credentialKind":"\#(kind)","credentialName":"\#(name)","credentialInfo":{"credId":"\#(credId)","clientData":"\#(clientData)","attestationData":"\#(attestationData)"}}"#
        }
        var newCredentials = #"{"firstFactorCredential":\#(try credential("Key", "new laptop", newKey))"#
        if let nextRecoveryKey { newCredentials += #","recoveryCredential":\#(try credential("RecoveryKey", "next recovery", nextRecoveryKey))"# }
        newCredentials += "}"
        let signed = KeyAssertion.clientData(type: KeyAssertion.getType, challenge: Base64URL.encode(Array(newCredentials.utf8)))
        let signature = Base64URL.encode(try signer.signature(for: signed))
        return
            #"{"recovery":{"kind":"RecoveryKey","credentialAssertion":{"credId":"\#(person.recoveryCredId)","clientData":"\#(Base64URL.encode(signed))","signature":"\#(signature)"}},"newCredentials":\#(newCredentials)}"#
    }

    @Test("A recovery leaves no PAT, no outstanding registration code, and can register the next recovery key", arguments: TestDatabase.available)
    func whatItLeaves(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let person = try await Self.person(api, server: server, admin: admin, email: "taken@example.com")
            // A registration code issued for the person before (by whoever held an admin account).
            let renewed = try await api.signed(
                .put,
                "/auth/registration/code",
                as: admin,
                body: try api.json(RegistrationCodeRequest(username: person.user.username, orgId: server.orgId))
            )
            let registrationCode = try #require(try renewed.decode(User.self).registrationCode)
            #expect(try await server.store.tokens(userId: person.user.userId, kind: .pat).count == 1)
            let challenge = try await Self.initiate(api, server: server, person, code: try await Self.code(server, person)).decode(
                RecoveryChallenge.self
            )
            let body = try Self.recoverBody(
                challenge,
                person: person,
                signer: person.recoveryKey,
                newKey: try PrivateKey.generate(.ed25519),
                nextRecoveryKey: try PrivateKey.generate(.ecdsaP256)
            )
            let recovered = try await api.send(.post, "/auth/recover/user", token: challenge.registration.temporaryAuthenticationToken, body: body)
            #expect(recovered.status == .ok, "\(recovered.body)")
            let active = try await server.store.credentials(identityId: person.user.userId).filter(\.isActive)
            #expect(Set(active.map(\.kind)) == [.key, .recoveryKey] && active.count == 2)
            #expect(try await server.store.tokens(userId: person.user.userId, kind: .pat).isEmpty)  // deleted, not listed
            let stale = RegistrationChallengeRequest(orgId: server.orgId, username: person.user.username, registrationCode: registrationCode)
            #expect(try await api.send(.post, "/auth/registration/init", body: try api.json(stale)).status == .unauthorized)
            // The audit log shows the recovery, signed by the recovery key.
            let logs = try await api.send(.get, "/auth/action/logs?userId=\(person.user.userId)", token: admin.token).decode(
                ListResponse<AuditLog>.self
            )
            let entry = try #require(logs.items.first { $0.httpPath == "/auth/recover/user" }, "\(logs.items.map(\.httpPath))")
            #expect(entry.userId == person.user.userId && entry.tokenKind == .temporary)
        }
    }

    @Test("The recovery key signs a new key in; every other credential, session and PAT of the person stops", arguments: TestDatabase.available)
    func recovers(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let person = try await Self.person(api, server: server, admin: admin, email: "lost@example.com")
            let code = try await Self.code(server, person)
            #expect(try await Self.initiate(api, server: server, person, code: "wrong").status == .unauthorized)
            let challenge = try await Self.initiate(api, server: server, person, code: code).decode(RecoveryChallenge.self)
            #expect(challenge.allowedRecoveryCredentials == [AllowedRecoveryCredential(id: person.recoveryCredId, encryptedRecoveryKey: "sealed")])
            #expect(challenge.registration.user.id == person.user.userId)

            let newKey = try PrivateKey.generate(.ed25519)
            let body = try Self.recoverBody(challenge, person: person, signer: person.recoveryKey, newKey: newKey)
            let token = challenge.registration.temporaryAuthenticationToken
            #expect(try await api.send(.post, "/auth/recover/user", body: body).status == .unauthorized)  // no temporary token
            let recovered = try await api.send(.post, "/auth/recover/user", token: token, body: body)
            #expect(recovered.status == .ok, "\(recovered.body)")
            #expect(try recovered.decode(RegisterResponse.self).user.id == person.user.userId)
            #expect(try await api.send(.post, "/auth/recover/user", token: token, body: body).status == .unauthorized)  // once

            #expect(try await api.send(.get, "/auth/whoami", token: person.session.token).status == .unauthorized)
            #expect(try await api.send(.get, "/auth/whoami", token: person.pat.token).status == .unauthorized)
            let credentials = try await server.store.credentials(identityId: person.user.userId)
            #expect(credentials.filter(\.isActive).map(\.name) == ["new laptop"])
            _ = try await api.session(person.user.username, orgId: server.orgId, signer: TestSigner(credentialId: "", key: newKey))
        }
    }

    @Test(
        "Refused: another key's signature, signed credentials that differ, a non-recovery credential; wrong codes spend nothing",
        arguments: TestDatabase.available
    )
    func refusals(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let person = try await Self.person(api, server: server, admin: admin, email: "careful@example.com")
            let code = try await Self.code(server, person)
            let challenge = try await Self.initiate(api, server: server, person, code: code).decode(RecoveryChallenge.self)
            let token = challenge.registration.temporaryAuthenticationToken
            let stranger = try Self.recoverBody(
                challenge,
                person: person,
                signer: try PrivateKey.generate(.ecdsaP256),
                newKey: try PrivateKey.generate(.ed25519)
            )
            #expect(try await api.send(.post, "/auth/recover/user", token: token, body: stranger).status == .unauthorized)
            // The recovery key's signature over one new key does not carry another.
            let honest = try Self.recoverBody(challenge, person: person, signer: person.recoveryKey, newKey: try PrivateKey.generate(.ed25519))
            let swapped = try Self.recoverBody(challenge, person: person, signer: person.recoveryKey, newKey: try PrivateKey.generate(.ed25519))
            let mixed =
                String(honest.prefix(upTo: try #require(honest.range(of: #","newCredentials""#)).lowerBound))
                + String(swapped.suffix(from: try #require(swapped.range(of: #","newCredentials""#)).lowerBound))
            #expect(try await api.send(.post, "/auth/recover/user", token: token, body: mixed).status == .unauthorized)
            #expect(try await server.store.credentials(identityId: person.user.userId).filter(\.isActive).count == 2)
            #expect(try await api.send(.get, "/auth/whoami", token: person.session.token).status == .ok)

            // Wrong guesses spend nothing: the person's code still works after them.
            let other = try await Self.code(server, person, "recovery-code-2")
            for _ in 0..<6 { #expect(try await Self.initiate(api, server: server, person, code: "guess").status == .unauthorized) }
            #expect(try await Self.initiate(api, server: server, person, code: other).status == .ok)
            // A credential that is not the person's recovery key gets the same refusal.
            let third = try await Self.code(server, person, "recovery-code-3")
            let request = CreateRecoveryChallengeRequest(
                username: person.user.username,
                verificationCode: third,
                orgId: server.orgId,
                credentialId: try await server.store.credentials(identityId: person.user.userId).first { $0.kind == .key }?.credentialId ?? ""
            )
            #expect(try await api.send(.post, "/auth/recover/user/init", body: try api.json(request)).status == .unauthorized)
        }
    }

    @Test("Asking for a code answers alike for anyone; a code is made only for a person with a recovery key", arguments: TestDatabase.available)
    func codeRequests(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let person = try await Self.person(api, server: server, admin: admin, email: "kept@example.com")
            let (plain, _) = try await api.createUser(as: admin, email: "plain@example.com")
            var answers = Set<String>()
            for username in [person.user.username, plain.username, "nobody@example.com"] {
                let reply = try await api.send(
                    .post,
                    "/auth/recover/user/code",
                    body: try api.json(SendRecoveryCodeRequest(username: username, orgId: server.orgId))
                )
                #expect(reply.status == .ok)
                answers.insert(reply.body)
            }
            #expect(answers.count == 1)
            // Codes were made for the person only, and no more than three are outstanding at once.
            for _ in 0..<3 {
                let again = try api.json(SendRecoveryCodeRequest(username: person.user.username, orgId: server.orgId))
                #expect(try await api.send(.post, "/auth/recover/user/code", body: again).status == .ok)
            }
            let later = Date().addingTimeInterval(60)
            #expect(try await !server.store.addRecoveryCode(userId: person.user.userId, digest: "x", expiresAt: later, at: Date(), keeping: 3))
            #expect(try await server.store.addRecoveryCode(userId: plain.userId, digest: "x", expiresAt: later, at: Date(), keeping: 1))
            // A recovery key never signs a login or a user action.
            let keys = try await api.send(
                .post,
                "/auth/login/init",
                body: try api.json(LoginChallengeRequest(username: person.user.username, orgId: server.orgId))
            )
            .decode(UserActionChallenge.self).allowCredentials.key.map(\.id)
            #expect(!keys.contains(person.recoveryCredId))
        }
    }
}
