import Foundation
import HTTPTypes
import Hummingbird
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// Revocation racing renames (lost updates), concurrent credential deactivations, malformed framing
/// and slow clients on a real socket, and a signing-key rotation reaching a running server.
@Suite("Races and transport")
struct RaceAndTransportTests {
    @Test("A revocation is never undone by renames in flight: PATs, service accounts and users, many times", arguments: TestDatabase.available)
    func revocationBeatsRenames(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            for round in 0..<4 {
                let (pat, patIdentity) = try await api.createPat(as: admin)
                let (account, accountIdentity) = try await api.createServiceAccount(as: admin)
                let (user, _) = try await api.createUser(as: admin, email: "race\(round)@example.com")
                // Renames prepared (signed) first, then sent together with the revocations.
                var renames: [(HTTPRequest.Method, String, String, String, Identity)] = []
                for index in 0..<4 {
                    let patBody = #"{"externalId":"r\#(index)"}"#
                    renames.append(
                        (
                            .put, "/auth/pats/\(pat.tokenId)", patBody,
                            try await api.userAction(as: patIdentity, method: "PUT", path: "/auth/pats/\(pat.tokenId)", payload: patBody), patIdentity
                        )
                    )
                    let saBody = #"{"externalId":"r\#(index)"}"#
                    let saPath = "/auth/service-accounts/\(account.userInfo.userId)"
                    renames.append(
                        (
                            .put, saPath, saBody, try await api.userAction(as: accountIdentity, method: "PUT", path: saPath, payload: saBody),
                            accountIdentity
                        )
                    )
                }
                let revocations: [(HTTPRequest.Method, String)] = [
                    round.isMultiple(of: 2) ? (.put, "/auth/pats/\(pat.tokenId)/deactivate") : (.delete, "/auth/pats/\(pat.tokenId)"),
                    (.put, "/auth/service-accounts/\(account.userInfo.userId)/deactivate"),
                    (.put, "/auth/users/\(user.userId)/deactivate"),
                ]
                var actions: [String] = []
                for (method, path) in revocations {
                    actions.append(try await api.userAction(as: admin, method: method.rawValue, path: path, payload: ""))
                }
                await withTaskGroup(of: Void.self) { group in
                    for (method, path, body, action, identity) in renames {
                        group.addTask {
                            _ = try? await api.send(method, path, token: identity.token, body: body, headers: ["X-DFNS-USERACTION": action])
                        }
                    }
                    for ((method, path), action) in zip(revocations, actions) {
                        group.addTask { _ = try? await api.send(method, path, token: admin.token, headers: ["X-DFNS-USERACTION": action]) }
                    }
                }
                #expect(try await server.store.token(id: pat.tokenId)?.isActive == false, "round \(round): PAT revived")
                #expect(try await server.store.user(id: account.userInfo.userId)?.isActive == false, "round \(round): account revived")
                #expect(try await server.store.user(id: user.userId)?.isActive == false, "round \(round): user revived")
                #expect(try await api.send(.get, "/auth/pats", token: patIdentity.token).status == .unauthorized)
                #expect(try await api.send(.get, "/auth/whoami", token: accountIdentity.token).status == .unauthorized)
            }
        }
    }

    @Test("Two concurrent deactivations cannot leave an identity without an active credential", arguments: TestDatabase.available)
    func lastCredentialUnderConcurrency(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            for _ in 0..<4 {
                let (pat, patIdentity) = try await api.createPat(as: admin)
                let (second, secondIdentity) = try await api.addCredential(for: patIdentity)
                let credentials = try await server.store.credentials(identityId: pat.tokenId)
                let first = try #require(credentials.first { $0.uuid != second.credentialUuid })
                let bodies = [#"{"credentialUuid":"\#(first.uuid)"}"#, #"{"credentialUuid":"\#(second.credentialUuid)"}"#]
                let signers = [secondIdentity, patIdentity]
                var actions: [String] = []
                for (body, signer) in zip(bodies, signers) {
                    actions.append(try await api.userAction(as: signer, method: "PUT", path: "/auth/credentials/deactivate", payload: body))
                }
                await withTaskGroup(of: Void.self) { group in
                    for (body, action) in zip(bodies, actions) {
                        group.addTask {
                            _ = try? await api.send(
                                .put,
                                "/auth/credentials/deactivate",
                                token: patIdentity.token,
                                body: body,
                                headers: ["X-DFNS-USERACTION": action]
                            )
                        }
                    }
                }
                let active = try await server.store.credentials(identityId: pat.tokenId).filter(\.isActive)
                #expect(active.count == 1)
            }
        }
    }

    @Test("Malformed chunked bodies are a 400, not a 500", arguments: TestDatabase.available)
    func malformedChunking(database: TestDatabase.Kind) async throws {
        try await TestServer.withLive(database) { _, _, port in
            for request in [
                "POST /auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzzzzzzzzzzzzzzzzzzzz\r\n{}\r\n0\r\n\r\n",
                "POST /auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n",
                "POST /auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            ] {
                let connection = try RawConnection(port: port)
                connection.send(request)
                let response = await connection.readAll(seconds: 5)
                #expect(!response.contains(" 500 "), "\(response)")
                #expect(response.isEmpty || response.hasPrefix("HTTP/1.1 400"), "\(response)")
            }
        }
    }

    @Test("A client that trickles its request head is cut off; others are served meanwhile", arguments: TestDatabase.available)
    func slowHeadsAreCutOff(database: TestDatabase.Kind) async throws {
        var configuration = ServerConfiguration()
        configuration.connectionTimeout = .seconds(2)
        try await TestServer.withLive(database, configuration: configuration) { _, _, port in
            let halfLine = try RawConnection(port: port)
            halfLine.send("GET /heal")
            let slowHeaders = try RawConnection(port: port)
            slowHeaders.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
            // Another client, whole request at once on a new connection (a pooled connection left idle
            // past the timeout on a busy machine would itself be cut off, rightly).
            let other = try RawConnection(port: port)
            other.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(await other.readAll(seconds: 120).hasPrefix("HTTP/1.1 200"))
            #expect(await halfLine.isClosedByServer(within: 120))
            #expect(await slowHeaders.isClosedByServer(within: 120))
        }
    }

    @Test(
        "A client that trickles its body gets 408 once the body timeout has passed, however often it sends a byte",
        arguments: TestDatabase.available
    )
    func slowBodiesAreCutOff(database: TestDatabase.Kind) async throws {
        var configuration = ServerConfiguration()
        configuration.bodyTimeout = .seconds(1)
        try await TestServer.withLive(database, configuration: configuration) { _, api, port in
            let slowBody = try RawConnection(port: port)
            slowBody.send("POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
            for _ in 0..<3 {
                try await Task.sleep(for: .milliseconds(400))
                slowBody.send(" ")
            }
            #expect(try await api.send(.get, "/healthz").status == .ok)
            let answer = await slowBody.readAll(seconds: 120)
            #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
        }
    }

    @Test("A signing key added while the server runs (signet signing-keys rotate) signs new tokens soon after", arguments: TestDatabase.available)
    func rotationReachesARunningServer(database: TestDatabase.Kind) async throws {
        var configuration = ServerConfiguration()
        configuration.signingKeyPollInterval = .milliseconds(100)
        try await TestServer.withLive(database, configuration: configuration) { server, api, _ in
            let before = try await server.admin(api)
            let key = SigningKeyMaterial.generate()
            try await server.store.insertSigningKey(key)
            // Waits for the poller to find it (every 100 ms; a busy machine may take longer).
            var after = try await server.admin(api)
            let deadline = ContinuousClock.now + .seconds(30)
            func kid(_ token: String) -> String {
                String(decoding: token.split(separator: ".").first.flatMap { Base64URL.decode(String($0)) } ?? [], as: UTF8.self)
            }
            while !kid(after.token).contains(key.kid) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                after = try await server.admin(api)
            }
            #expect(kid(after.token).contains(key.kid))
            #expect(try await api.send(.get, "/auth/whoami", token: before.token).status == .ok)
            #expect(try await api.send(.get, "/auth/whoami", token: after.token).status == .ok)
        }
    }
}

/// The connection limit, on a server run as `signet serve` runs it (HummingbirdTesting's live mode
/// rebuilds the configuration without the connection limit, so it cannot show it).
@Suite("Connection limit")
struct ConnectionLimitTests {
    @Test("Beyond the connection limit a client waits until a connection closes, then is served", arguments: TestDatabase.available)
    func connectionLimit(database: TestDatabase.Kind) async throws {
        let server = try await TestServer.make(database, configuration: ServerConfiguration())
        var configuration = server.configuration
        configuration.port = 0
        configuration.maximumConnections = 1
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = try await buildApplication(configuration: configuration, store: server.store, logger: TestLogging.server()) { port in
            portContinuation.yield(port)
        }
        let running = Task { try await app.runService() }
        defer { running.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let holder = try RawConnection(port: port)
        holder.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await holder.readUntilBody(seconds: 120).hasPrefix("HTTP/1.1 200"))
        // The holder keeps its connection (keep-alive): a second connection is not served meanwhile.
        let waiting = try RawConnection(port: port)
        waiting.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(await waiting.readAll(seconds: 1).isEmpty)
        holder.close()
        #expect(await waiting.readAll(seconds: 120).hasPrefix("HTTP/1.1 200"))
        running.cancel()
        _ = try? await running.value
        try await server.close()
    }
}
