import Foundation
import NIOConcurrencyHelpers
import SignetAPI
import SignetCore
import SignetStore
import SignetTestFixtures
import Testing

@Suite("Store (on every available database)")
struct StoreTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000.123)

    static func seed(_ store: SQLStore) async throws -> (OrganizationRecord, UserRecord) {
        let org = OrganizationRecord(id: Identifier.make(.organization), name: "Org", createdAt: now)
        try await store.insertOrganization(org)
        let user = UserRecord(
            id: Identifier.make(.user),
            orgId: org.id,
            username: "Ann@Example.com",
            name: "Ann",
            kind: .customerEmployee,
            createdAt: now
        )
        try await store.insertUser(user)
        return (org, user)
    }

    @Test("Records round-trip with every field, nils and millisecond times", arguments: TestDatabase.available)
    func roundTrips(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let (org, user) = try await Self.seed(store)
            #expect(try await store.organization(id: org.id) == org)
            #expect(try await store.user(id: user.id) == user)
            #expect(try await store.user(orgId: org.id, username: "ann@EXAMPLE.com") == user)
            let key = try PrivateKey.generate(.ed25519).publicKey
            let credential = CredentialRecord(
                uuid: Identifier.make(.credential),
                orgId: org.id,
                credentialId: "cred-1",
                identityId: user.id,
                name: "k",
                publicKeyPEM: key.pemRepresentation,
                fingerprint: key.fingerprint,
                algorithm: key.algorithm,
                createdAt: Self.now
            )
            try await store.insertCredential(credential)
            #expect(try await store.credential(uuid: credential.uuid) == credential)
            #expect(try await store.credential(orgId: org.id, credentialId: "cred-1") == credential)
            let token = AccessTokenRecord(
                id: Identifier.make(.token),
                orgId: org.id,
                kind: .pat,
                userId: user.id,
                credentialUuid: nil,
                name: "t",
                externalId: "ext",
                tokenDigest: "d",
                createdAt: Self.now,
                expiresAt: Self.now.addingTimeInterval(60)
            )
            try await store.insertToken(token)
            #expect(try await store.token(id: token.id) == token)
            let role = RoleRecord(id: Identifier.make(.permission), orgId: org.id, name: "r", operations: ["A", "B"], createdAt: Self.now)
            try await store.insertRole(role)
            #expect(try await store.role(id: role.id) == role)
            let challenge = Self.challenge(orgId: org.id, userId: user.id, tokenId: token.id)
            try await store.insertChallenge(challenge)
            #expect(try await store.challenge(id: challenge.id) == challenge)
            let action = Self.action(orgId: org.id, userId: user.id, tokenId: token.id, credentialUuid: credential.uuid, challengeId: challenge.id)
            try await store.insertUserAction(action)
            #expect(try await store.userAction(id: action.id) == action)
        }
    }

    @Test("A PAT name is in use by the user's live PATs only, by its uniqueness key, except the PAT being renamed", arguments: TestDatabase.available)
    func patNames(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let (org, user) = try await Self.seed(store)
            func token(_ name: String, kind: TokenKind = .pat, userId: String) -> AccessTokenRecord {
                AccessTokenRecord(
                    id: Identifier.make(.token), orgId: org.id, kind: kind, userId: userId, credentialUuid: nil, name: name,
                    externalId: nil, tokenDigest: Identifier.make(.token), createdAt: Self.now, expiresAt: Self.now.addingTimeInterval(60))
            }
            // "é" precomposed and decomposed: one name.
            let pat = token("caf\u{E9}", userId: user.id)
            try await store.insertToken(pat)
            // A rename announces its owner's details, and nothing when no PAT was renamed.
            let heard = NIOLockedValueBox<[StoreChange]>([])
            store.changes.subscribe { change in heard.withLockedValue { $0.append(change) } }
            _ = try await store.updateTokenDetails(id: pat.id, name: pat.name, externalId: "x", at: Self.now)
            _ = try await store.updateTokenDetails(id: Identifier.make(.token), name: "none", externalId: nil, at: Self.now)
            #expect(heard.withLockedValue { $0 } == [.detailsOf(userId: user.id)])
            try await store.insertToken(token("login", kind: .login, userId: user.id))
            let decomposed = AccessTokenRecord.key(for: "cafe\u{301}")
            #expect(try await store.patNameInUse(key: decomposed, userId: user.id, except: nil))
            #expect(try await !store.patNameInUse(key: decomposed, userId: user.id, except: pat.id))
            #expect(try await !store.patNameInUse(key: AccessTokenRecord.key(for: "Café"), userId: user.id, except: nil))
            #expect(try await !store.patNameInUse(key: AccessTokenRecord.key(for: "login"), userId: user.id, except: nil))
            #expect(try await !store.patNameInUse(key: decomposed, userId: Identifier.make(.user), except: nil))
            _ = try await store.deleteToken(id: pat.id, at: Self.now)
            #expect(try await !store.patNameInUse(key: decomposed, userId: user.id, except: nil))
        }
    }

    @Test("A change travels between nodes as a payload its readers parse back; an unknown one is nil (read as the widest)")
    func changePayloads() {
        for change in [StoreChange.authorization, .signingKeys, .details, .detailsOf(userId: "us-1ab"), .webhookEvents] {
            #expect(StoreChange(payload: change.payload) == change)
        }
        for unknown in ["", "details:", "Authorization", "somethingNew", "details"] where unknown != "details" {
            #expect(StoreChange(payload: unknown) == nil)
        }
    }

    @Test("Unique rules are conflicts: a key, a live username (case-insensitive), a role given twice", arguments: TestDatabase.available)
    func conflicts(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let (org, user) = try await Self.seed(store)
            let twin = UserRecord(
                id: Identifier.make(.user),
                orgId: org.id,
                username: "ann@example.COM",
                name: "Twin",
                kind: .customerEmployee,
                createdAt: Self.now
            )
            await #expect(throws: StoreError.self) { try await store.insertUser(twin) }
            // Once the first is deleted, the name is free again.
            _ = try await store.deleteUser(id: user.id, at: Self.now)
            try await store.insertUser(twin)

            let key = try PrivateKey.generate(.ecdsaP256).publicKey
            func credential(_ id: String) -> CredentialRecord {
                CredentialRecord(
                    uuid: Identifier.make(.credential),
                    orgId: org.id,
                    credentialId: id,
                    identityId: twin.id,
                    name: "k",
                    publicKeyPEM: key.pemRepresentation,
                    fingerprint: key.fingerprint,
                    algorithm: key.algorithm,
                    createdAt: Self.now
                )
            }
            try await store.insertCredential(credential("one"))
            await #expect(throws: StoreError.self) { try await store.insertCredential(credential("two")) }
            #expect(try await store.credentialExists(orgId: org.id, fingerprint: key.fingerprint))

            let role = RoleRecord(id: Identifier.make(.permission), orgId: org.id, name: "r", operations: ["A"], createdAt: Self.now)
            try await store.insertRole(role)
            let assignment = AssignmentRecord(
                id: Identifier.make(.assignment),
                orgId: org.id,
                permissionId: role.id,
                identityId: twin.id,
                createdAt: Self.now
            )
            try await store.insertAssignment(assignment)
            var again = assignment
            again.id = Identifier.make(.assignment)
            await #expect(throws: StoreError.self) { try await store.insertAssignment(again) }
        }
    }

    @Test("A transaction that throws leaves nothing behind", arguments: TestDatabase.available)
    func rollback(database: TestDatabase.Kind) async throws {
        struct Abort: Error {}
        try await StoreHarness.with(database) { (store: SQLStore, _: StoreHarness) async throws -> Void in
            let org = OrganizationRecord(id: Identifier.make(.organization), name: "Gone", createdAt: Self.now)
            await #expect(throws: Abort.self) {
                try await store.transaction { store in
                    try await store.insertOrganization(org)
                    throw Abort()
                }
            }
            #expect(try await store.organization(id: org.id) == nil)
        }
    }

    @Test("Twenty concurrent attempts use a user action or challenge exactly once; expired ones never", arguments: TestDatabase.available)
    func singleUse(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let (org, user) = try await Self.seed(store)
            let action = UserActionRecord(
                id: Identifier.make(.userAction),
                orgId: org.id,
                userId: user.id,
                tokenId: "to-x",
                tokenKind: .login,
                credentialUuid: "cr-x",
                challengeId: "ch-x",
                httpMethod: "PUT",
                httpPath: "/p",
                payload: "",
                clientData: "",
                signature: "",
                createdAt: Date(),
                expiresAt: Date().addingTimeInterval(60)
            )
            try await store.insertUserAction(action)
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 { group.addTask { try await store.consumeUserAction(id: action.id, at: Date()) } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
            var expired = action
            expired.id = Identifier.make(.userAction)
            expired.expiresAt = Date().addingTimeInterval(-1)
            try await store.insertUserAction(expired)
            #expect(try await store.consumeUserAction(id: expired.id, at: Date()) == false)

            let challenge = ChallengeRecord(
                id: Identifier.make(.challenge),
                orgId: org.id,
                purpose: .login,
                userId: user.id,
                tokenId: nil,
                challenge: "c",
                allowedCredentialIds: [],
                createdAt: Date(),
                expiresAt: Date().addingTimeInterval(60)
            )
            try await store.insertChallenge(challenge)
            let challengeWins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 { group.addTask { try await store.consumeChallenge(id: challenge.id, at: Date()) } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(challengeWins == 1)
        }
    }
}
