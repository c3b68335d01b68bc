import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SignetAPI
import SignetClient
import SignetCore
import SignetTestFixtures
import Testing

/// Three `signet serve` processes on one PostgreSQL database (run by `scripts/test` through
/// `scripts/with-postgres`).
@Suite("Several nodes on one PostgreSQL database", .enabled(if: TestDatabase.postgresURL != nil), .serialized)
struct MultiNodeTests {
    /// Polls `probe` until it stops succeeding; returns how long that took, or nil past 30 seconds
    /// (a deadline only a change that never arrives reaches). How fast changes arrive is measured
    /// and printed here, and benchmarked, not asserted: a busy machine may take longer.
    static func timeUntilRefused(_ probe: @Sendable () async throws -> Void) async -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(30) {
            do {
                try await probe()
            } catch {
                return ContinuousClock.now - start
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    static func report(_ what: String, _ duration: Duration?) {
        let text =
            duration.map { String(format: "%.1f ms", Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1000) } ?? "never"
        print("MEASURED \(what): \(text)")
    }

    /// Deactivates a user on A: their session is refused on B.
    static func userDeactivation(_ cluster: Cluster, admin adminA: SignetClient) async throws {
        let userKey = try PrivateKey.generate(.ed25519)
        let user = try await adminA.users.create(CreateUserRequest(email: "dev@cluster.example", publicKey: userKey.publicKey.pemRepresentation))
        let challenge = try await SignetClient(baseURL: cluster.url(1), organizationID: cluster.orgId, authToken: nil)
            .auth.createLoginChallenge(username: "dev@cluster.example")
        let devSigner = KeySigner(credentialID: challenge.allowCredentials.key[0].id, privateKey: userKey)
        let devOnB = try await SignetClient.login(
            baseURL: cluster.url(1),
            organizationID: cluster.orgId,
            username: "dev@cluster.example",
            signer: devSigner
        )
        _ = try await devOnB.auth.whoami()
        _ = try await adminA.users.deactivate(user.userId)
        let userRevoked = await Self.timeUntilRefused { _ = try await devOnB.auth.whoami() }
        Self.report("user deactivated on A, refused on B after", userRevoked)
        #expect(userRevoked != nil)
    }

    @Test("Tokens minted on one node verify on every other; revocations and role changes reach them")
    func sharingAndRevocation() async throws {
        let cluster = try await Cluster.start(nodes: 3)
        do {
            let adminA = try await cluster.admin(at: 0)
            let adminSigner = KeySigner(credentialID: cluster.adminCredentialId, privateKey: cluster.adminKey)
            // A login token minted by node A works on B and C.
            for node in [1, 2] {
                #expect(try await cluster.client(adminA, signer: adminSigner, at: node).auth.whoami().userId.hasPrefix("us-"))
            }
            // A PAT created through B, used on C (with a role so that role changes can be observed).
            let role = try await cluster.client(adminA, signer: adminSigner, at: 1).permissions.create(
                CreatePermissionRequest(name: "readers", operations: ["Auth:Users:Read", "Auth:Pats:Create"])
            )
            let key = try PrivateKey.generate(.ecdsaP256)
            let pat = try await cluster.client(adminA, signer: adminSigner, at: 1).personalAccessTokens.create(
                CreatePersonalAccessTokenRequest(name: "ci", publicKey: key.publicKey.pemRepresentation, permissionId: role.id)
            )
            let patOnC = try SignetClient(
                baseURL: cluster.url(2),
                organizationID: cluster.orgId,
                authToken: pat.accessToken,
                signer: KeySigner(credentialID: pat.credId, privateKey: key)
            )
            #expect(try await patOnC.users.list().items.count == 1)  // warms C's cache

            // Narrow the role on A: the PAT's next requests on C lose the operation.
            _ = try await adminA.permissions.update(role.id, UpdatePermissionRequest(operations: ["Auth:Pats:Create"]))
            let narrowed = await Self.timeUntilRefused { _ = try await patOnC.users.list() }
            Self.report("role narrowed on A, refused on C after", narrowed)
            #expect(narrowed != nil)

            // Rename the PAT on A (a change of details only, which keeps C's verified callers): C's
            // list shows the new name, and the deactivation below still acts on C's next request.
            let adminOnC = try cluster.client(adminA, signer: adminSigner, at: 2)
            #expect(try await adminOnC.personalAccessTokens.list().contains { $0.name == "ci" })  // warms C's list
            _ = try await adminA.personalAccessTokens.update(pat.tokenId, UpdatePersonalAccessTokenRequest(name: "renamed"))
            let renameStart = ContinuousClock.now
            var listed = false
            while !listed && ContinuousClock.now - renameStart < .seconds(30) {
                listed = try await adminOnC.personalAccessTokens.list().contains { $0.name == "renamed" }
                if !listed { try await Task.sleep(for: .milliseconds(5)) }
            }
            Self.report("PAT renamed on A, new name listed on C after", listed ? ContinuousClock.now - renameStart : nil)
            #expect(listed)

            // Deactivate the PAT on A: refused on C.
            _ = try await patOnC.auth.whoami()
            _ = try await adminA.personalAccessTokens.deactivate(pat.tokenId)
            let revoked = await Self.timeUntilRefused { _ = try await patOnC.auth.whoami() }
            Self.report("PAT deactivated on A, refused on C after", revoked)
            #expect(revoked != nil)

            try await Self.userDeactivation(cluster, admin: adminA)
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    @Test("The same user action, or Fast Auth request, sent to two nodes at once succeeds at most once")
    func singleUseAcrossNodes() async throws {
        let cluster = try await Cluster.start(nodes: 2)
        do {
            let adminA = try await cluster.admin(at: 0)
            let signer = KeySigner(credentialID: cluster.adminCredentialId, privateKey: cluster.adminKey)
            let token = try #require(adminA.authToken)
            for round in 0..<5 {
                let body = #"{"name":"race-\#(round)","operations":["Wallets:Read"]}"#
                let challenge = try await adminA.auth.createUserActionChallenge(
                    CreateUserActionChallengeRequest(userActionPayload: body, userActionHttpMethod: "POST", userActionHttpPath: "/permissions")
                )
                let userAction = try await adminA.auth.signUserActionChallenge(
                    SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try await signer.sign(challenge))
                ).userAction
                let statuses = try await Self.postToBoth(cluster, token: token, userAction: userAction, body: body)
                #expect(statuses.sorted() == [200, 403], "round \(round): \(statuses)")
            }
            // The same Fast Auth request sent to both nodes at once: its nonce is used once, on one of them.
            for round in 0..<5 {
                let body = #"{"name":"fast-race-\#(round)","operations":["Wallets:Read"]}"#
                let request = FastAuth.Request(
                    method: "POST",
                    host: "127.0.0.1",
                    target: "/permissions",
                    body: Array(body.utf8),
                    orgId: cluster.orgId
                )
                let clientData = FastAuth.clientData(for: request, timestamp: Date(), nonce: Identifier.randomBytes(16))
                let header = FastAuth.header(
                    credId: cluster.adminCredentialId,
                    clientData: clientData,
                    signature: try cluster.adminKey.signature(for: clientData),
                    algorithm: nil
                )
                let statuses = try await Self.postToBoth(cluster, token: token, userAction: header, body: body)
                #expect(statuses.sorted() == [200, 403], "Fast Auth round \(round): \(statuses)")
            }
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    @Test("A node whose change listener drops reads the database; a restarted node rejoins; signing keys rotate across nodes")
    func resilience() async throws {
        let cluster = try await Cluster.start(nodes: 2)
        do {
            let adminA = try await cluster.admin(at: 0)
            let signer = KeySigner(credentialID: cluster.adminCredentialId, privateKey: cluster.adminKey)
            let key = try PrivateKey.generate(.ed25519)
            let pat = try await adminA.personalAccessTokens.create(
                CreatePersonalAccessTokenRequest(name: "ci", publicKey: key.publicKey.pemRepresentation)
            )
            let patOnB = try SignetClient(baseURL: cluster.url(1), organizationID: cluster.orgId, authToken: pat.accessToken)
            _ = try await patOnB.auth.whoami()

            // Cut every node's LISTEN connection; changes must still be seen at once (read from the database).
            try Cluster.run(["signing-keys", "list", "--database", cluster.databaseURL])
            let disconnects = cluster.occurrences(of: "change listener disconnected", node: 1)
            try await Self.terminateListeners(cluster.databaseURL)
            // Once B knows its listener is gone, it reads the database: the very next request after a
            // revocation is refused, however long the listener takes to come back.
            #expect(
                await cluster.waitForLog(node: 1, containing: "change listener disconnected", after: disconnects),
                "\(cluster.log(1).suffix(2000))"
            )
            _ = try await adminA.personalAccessTokens.deactivate(pat.tokenId)
            await #expect(throws: (any Error).self) { _ = try await patOnB.auth.whoami() }
            _ = try await adminA.personalAccessTokens.activate(pat.tokenId)
            _ = try await patOnB.auth.whoami()

            // Restart B; it rejoins and serves the same tokens.
            await cluster.stopNode(1)
            try await cluster.startNode(1)
            _ = try await patOnB.auth.whoami()
            #expect(try await cluster.client(adminA, signer: signer, at: 1).auth.whoami().tokenKind == .login)

            try await Self.rotateSigningKey(cluster, signer: signer, patOnB: patOnB)
            let logB = (try? String(contentsOfFile: cluster.directory + "/node1.log", encoding: .utf8)) ?? ""
            #expect(!logB.contains("critical") && !logB.contains(" error "), "\(logB.suffix(2000))")
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    /// Rotates the signing key: new logins on node A are signed with it and verify on node B; old
    /// tokens still verify.
    static func rotateSigningKey(_ cluster: Cluster, signer: KeySigner, patOnB: SignetClient) async throws {
        let rotated = try Cluster.run(["signing-keys", "rotate", "--database", cluster.databaseURL, "--json"])
        let kid = try #require((try JSONSerialization.jsonObject(with: Data(rotated.utf8)) as? [String: Any])?["kid"] as? String)
        // Node A hears of the key by NOTIFY (or its poller): wait for a login signed with it, up to a
        // deadline only a real failure reaches.
        func kidOf(_ token: String?) -> JSONValue? {
            guard let encoded = token?.split(separator: ".").first, let header = Base64URL.decode(String(encoded)) else { return nil }
            return (try? JSONValue(parsing: header))?["kid"]
        }
        var fresh = try await cluster.admin(at: 0)
        let deadline = ContinuousClock.now + .seconds(60)
        while kidOf(fresh.authToken) != .string(kid) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            fresh = try await cluster.admin(at: 0)
        }
        #expect(kidOf(fresh.authToken) == .string(kid))
        #expect(try await cluster.client(fresh, signer: signer, at: 1).auth.whoami().tokenKind == .login)
        #expect(try await patOnB.auth.whoami().tokenKind == .pat)
    }

    /// `POST /permissions` with `userAction` sent to nodes 0 and 1 at once; the two statuses.
    static func postToBoth(_ cluster: Cluster, token: String, userAction: String, body: String) async throws -> [UInt] {
        try await withThrowingTaskGroup(of: UInt.self) { group in
            for node in [0, 1] {
                group.addTask {
                    var request = HTTPClientRequest(url: cluster.url(node) + "/permissions")
                    request.method = .POST
                    request.headers.add(name: "Authorization", value: "Bearer \(token)")
                    request.headers.add(name: "X-DFNS-USERACTION", value: userAction)
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(string: body))
                    return try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// Ends every connection that is listening for Signet's changes.
    static func terminateListeners(_ databaseURL: String) async throws {
        let name = try #require(URLComponents(string: databaseURL)?.path.dropFirst())
        let admin = try #require(TestDatabase.postgresURL)
        try await TestDatabase.execute(
            admin,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)' AND application_name = 'signet-change-listener'"
        )
    }
}
