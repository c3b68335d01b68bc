import Foundation
import SignetAPI
import SignetCore
import SignetTestFixtures
import Testing

@testable import SignetStore

/// Bookkeeping (counters, registration codes, last use) lives in tables that announce nothing: a
/// write there leaves every cache on every node warm. What decides access still announces.
@Suite("Bookkeeping")
struct BookkeepingTests {
    /// Each bookkeeping write, on rows the scenario left behind.
    static let writes: [(String, WriteScenario.Write)] = [
        ("recordSignCount", { store, f in _ = try await store.recordSignCount(uuid: f.credentialUuid, signCount: 9, at: Date()) }),
        ("recordTokenUses", { store, f in try await store.recordTokenUses([f.tokenId: f.now.addingTimeInterval(5), "to-other": f.now]) }),
        (
            "recordTokenClients",
            { store, f in
                try await store.recordTokenClients([TokenClientRow(tokenId: f.tokenId, address: "192.0.2.1", userAgent: "a", lastUsedAt: f.now)])
            }
        ),
        (
            "setRegistrationCode",
            { store, f in _ = try await store.setRegistrationCode(userId: f.userId, digest: "c", expiresAt: f.now.addingTimeInterval(60)) }
        ),
        ("recordRegistrationCodeFailure", { store, f in try await store.recordRegistrationCodeFailure(userId: f.userId, digest: "c") }),
    ]

    @Test("Bookkeeping writes change only bookkeeping tables and announce nothing", arguments: TestDatabase.available)
    func announceNothing(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let probe = try await WriteProbe.install(on: store)
            for (_, write) in WriteScenario.writes { try await write(store, probe.fixture) }
            for (name, write) in Self.writes {
                try await probe.reset()
                try await write(store, probe.fixture)
                let touched = try await probe.touchedTables()
                #expect(!touched.isEmpty, "\(name) changed nothing: the test does not exercise it")
                #expect(touched.allSatisfy { StoreTable(rawValue: $0)?.change == nil }, "\(name) changed \(touched.sorted())")
                #expect(probe.published().isEmpty, "\(name) announced \(probe.published())")
            }
            // Using up a code registers its user: that is an authorization change, and is announced.
            try await probe.reset()
            _ = try await store.setRegistrationCode(userId: probe.fixture.userId, digest: "u", expiresAt: probe.fixture.now.addingTimeInterval(60))
            #expect(try await store.consumeRegistrationCode(userId: probe.fixture.userId, digest: "u", at: probe.fixture.now))
            #expect(probe.published() == [.authorization])
        }
    }

    @Test("Counters and last use never move back; a code dies at its fifth wrong guess and is used once", arguments: TestDatabase.available)
    func valuesOnlyAdvance(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let f = try await WriteScenario.Fixture.seed(store)
            let key = try PrivateKey.generate(.ed25519).publicKey
            var credential = CredentialRecord(
                uuid: f.credentialUuid,
                orgId: f.orgId,
                credentialId: "c",
                identityId: f.userId,
                kind: .fido2,
                name: "k",
                publicKeyPEM: key.pemRepresentation,
                fingerprint: key.fingerprint,
                algorithm: key.algorithm,
                createdAt: f.now
            )
            credential.signCount = 4
            try await store.insertCredential(credential)
            #expect(try await store.signCount(of: credential) == 4, "the count at registration")
            #expect(try await store.recordSignCount(uuid: credential.uuid, signCount: 9, at: Date()))
            #expect(try await !store.recordSignCount(uuid: credential.uuid, signCount: 9, at: Date()), "a compare-and-set: one answer per value")
            #expect(try await !store.recordSignCount(uuid: credential.uuid, signCount: 6, at: Date()))
            #expect(try await store.signCount(of: credential) == 9)

            try await store.recordTokenUses([f.tokenId: f.now.addingTimeInterval(10)])
            try await store.recordTokenUses([f.tokenId: f.now])
            #expect(try await store.lastUses(tokenIds: [f.tokenId, "to-unused"]) == [f.tokenId: f.now.addingTimeInterval(10)])
            // More tokens than one statement binds: written and read in chunks.
            let many = Dictionary(uniqueKeysWithValues: (0..<1_000).map { ("to-\($0)", f.now.addingTimeInterval(Double($0))) })
            try await store.recordTokenUses(many)
            #expect(try await store.lastUses(tokenIds: Array(many.keys)) == many)

            try await Self.tokenClients(store, f)

            let until = f.now.addingTimeInterval(60)
            _ = try await store.setRegistrationCode(userId: f.userId, digest: "d", expiresAt: until)
            for _ in 0..<(maximumFailures - 1) { try await store.recordRegistrationCodeFailure(userId: f.userId, digest: "d") }
            #expect(try await store.registrationCode(userId: f.userId)?.expiresAt == until, "alive after four wrong guesses")
            try await store.recordRegistrationCodeFailure(userId: f.userId, digest: "an older code")
            #expect(try await store.registrationCode(userId: f.userId)?.failures == 4, "a guess at an older code counts against no newer one")
            try await store.recordRegistrationCodeFailure(userId: f.userId, digest: "d")
            #expect(try await !store.consumeRegistrationCode(userId: f.userId, digest: "d", at: f.now), "dead at the fifth")
            _ = try await store.setRegistrationCode(userId: f.userId, digest: "e", expiresAt: until)
            #expect(try await store.registrationCode(userId: f.userId)?.failures == 0, "a new code starts afresh")
            #expect(try await store.consumeRegistrationCode(userId: f.userId, digest: "e", at: f.now))
            #expect(try await !store.consumeRegistrationCode(userId: f.userId, digest: "e", at: f.now), "used once")
            #expect(try await store.registrationCode(userId: f.userId) == nil)
            // A person deactivated meanwhile: refused, and the code is not used up.
            _ = try await store.setRegistrationCode(userId: f.userId, digest: "g", expiresAt: until)
            _ = try await store.setUserActive(id: f.userId, isActive: false, at: f.now)
            await #expect(throws: StoreError.notFound) { try await store.consumeRegistrationCode(userId: f.userId, digest: "g", at: f.now) }
            #expect(try await store.registrationCode(userId: f.userId)?.digest == "g")
            _ = try await store.setRegistrationCode(userId: f.userId, digest: "x", expiresAt: f.now)
            _ = try await store.purgeExpired(before: f.now.addingTimeInterval(1))
            #expect(try await store.registrationCode(userId: f.userId) == nil, "the janitor removes expired codes")
        }
    }

    /// Each token keeps its five newest clients; a pair seen again only moves forward; many tokens
    /// in one batch are written in chunks; a deleted token's clients go with the janitor.
    static func tokenClients(_ store: SQLStore, _ f: WriteScenario.Fixture) async throws {
        let client = { (index: Int, seconds: Double) in
            TokenClientRow(tokenId: f.tokenId, address: "192.0.2.\(index)", userAgent: "agent \(index)", lastUsedAt: f.now.addingTimeInterval(seconds))
        }
        try await store.recordTokenClients((1...4).map { client($0, Double($0)) })
        try await store.recordTokenClients([client(2, 0.5)])  // 2 again, but older: stays at 2 s
        #expect(try await store.tokenClients(tokenIds: [f.tokenId])[f.tokenId]?.first { $0.address == "192.0.2.2" }?.lastUsedAt == f.now.addingTimeInterval(2))
        try await store.recordTokenClients([client(5, 5), client(6, 6)])
        var kept = try await store.tokenClients(tokenIds: [f.tokenId, "to-unused"])
        #expect(kept.keys.sorted() == [f.tokenId])
        #expect(kept[f.tokenId]?.map(\.address) == ["192.0.2.6", "192.0.2.5", "192.0.2.4", "192.0.2.3", "192.0.2.2"])
        try await store.recordTokenClients([client(1, 10)])  // seen again, now the newest: the oldest kept goes
        kept = try await store.tokenClients(tokenIds: [f.tokenId])
        #expect(kept[f.tokenId]?.map(\.address) == ["192.0.2.1", "192.0.2.6", "192.0.2.5", "192.0.2.4", "192.0.2.3"])
        #expect(kept[f.tokenId]?.first?.lastUsedAt == f.now.addingTimeInterval(10))
        let many = (0..<450).map { TokenClientRow(tokenId: "to-many-\($0)", address: "", userAgent: "", lastUsedAt: f.now) }
        try await store.recordTokenClients(many)
        #expect(try await store.tokenClients(tokenIds: many.map(\.tokenId)).count == 450)
        let token = AccessTokenRecord(
            id: f.tokenId, orgId: f.orgId, kind: .pat, userId: f.userId, credentialUuid: nil, name: "used", tokenDigest: "d",
            createdAt: f.now, expiresAt: f.now.addingTimeInterval(60)
        )
        try await store.insertToken(token)
        _ = try await store.purgeExpired(before: f.now)
        #expect(try await store.tokenClients(tokenIds: [f.tokenId])[f.tokenId]?.count == 5, "a live token keeps its clients")
        _ = try await store.deleteToken(id: f.tokenId, at: f.now)
        _ = try await store.purgeExpired(before: f.now)
        #expect(try await store.tokenClients(tokenIds: [f.tokenId]).isEmpty, "a deleted token's clients go with the janitor")
    }
}
