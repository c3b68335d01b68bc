import Foundation
import HTTPTypes
import SignetAPI
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// Reads that must not grow with the data: a cold list reads the same number of times for 2 items
/// as for 22 (no query per item): PATs, users, service accounts.
@Suite("Query counts")
struct QueryCountTests {
    @Test("A cold GET /auth/pats reads a fixed number of times whatever the number of PATs", arguments: TestDatabase.available)
    func patListReadsAreFixed(database: TestDatabase.Kind) async throws {
        let configuration = ServerConfiguration.quietForReadCounts()
        try await TestServer.with(database, configuration: configuration) { server, api in
            let admin = try await server.admin(api)
            let readers = try await api.createRole(as: admin, operations: ["Auth:Users:Read"])
            // The counter also sees the background reads (the signing-key poller, the janitor), which
            // can land inside a request's window: the fewest of three requests is the request's own.
            let reads = { @Sendable () async throws -> (count: Int, items: [AccessToken]) in
                var fewest = Int.max
                var items: [AccessToken] = []
                for _ in 0..<3 {
                    let before = server.store.reads.value
                    let reply = try await api.send(.get, "/auth/pats", token: admin.token)
                    fewest = min(fewest, server.store.reads.value - before)
                    items = try reply.decode(ListResponse<AccessToken>.self).items
                }
                return (fewest, items)
            }
            for index in 0..<2 { _ = try await api.createPat(as: admin, name: "few-\(index)", permissionId: readers.id) }
            let few = try await reads()
            for index in 0..<20 {
                _ = try await api.createPat(as: admin, name: "many-\(index)", permissionId: index.isMultiple(of: 2) ? readers.id : nil)
            }
            let many = try await reads()
            #expect(few.items.count == 2 && many.items.count == 22)
            #expect(many.count == few.count, "reads for 2 PATs: \(few.count), for 22: \(many.count)")
            // Each PAT still shows its own credential and roles.
            #expect(Set(many.items.map(\.credId)).count == 22 && many.items.allSatisfy { $0.credId.hasPrefix("cr-") })
            let single = try await api.send(.get, "/auth/pats/\(many.items[2].tokenId)", token: admin.token).decode(AccessToken.self)
            #expect(
                single.permissionAssignments == many.items[2].permissionAssignments,
                "\(single.permissionAssignments) vs \(many.items[2].permissionAssignments)"
            )
            #expect(many.items.filter { $0.name.hasPrefix("many-") && $0.permissionAssignments.map(\.permissionId) == [readers.id] }.count == 10)
        }
    }

    @Test("Cold lists of users and of service accounts read a fixed number of times whatever their length", arguments: TestDatabase.available)
    func userListReadsAreFixed(database: TestDatabase.Kind) async throws {
        let configuration = ServerConfiguration.quietForReadCounts()
        try await TestServer.with(database, configuration: configuration) { server, api in
            let admin = try await server.admin(api)
            let readers = try await api.createRole(as: admin, operations: ["Auth:Users:Read"])
            func fewestReads(_ path: String) async throws -> (count: Int, body: String) {
                var fewest = Int.max
                var body = ""
                for _ in 0..<3 {
                    let before = server.store.reads.value
                    let reply = try await api.send(.get, path, token: admin.token)
                    fewest = min(fewest, server.store.reads.value - before)
                    body = reply.body
                }
                return (fewest, body)
            }
            func add(_ range: Range<Int>) async throws {
                for index in range {
                    _ = try await RegistrationTests.invite(api, as: admin, email: "person-\(index)@example.com")
                    _ = try await api.createServiceAccount(as: admin, name: "sa-\(index)", permissionId: index.isMultiple(of: 2) ? readers.id : nil)
                }
            }
            try await add(0..<2)
            let fewUsers = try await fewestReads("/auth/users?limit=100")
            let fewAccounts = try await fewestReads("/auth/service-accounts")
            try await add(2..<22)
            let manyUsers = try await fewestReads("/auth/users?limit=100")
            let manyAccounts = try await fewestReads("/auth/service-accounts")
            #expect(manyUsers.count == fewUsers.count, "reads for 3 users: \(fewUsers.count), for 23: \(manyUsers.count)")
            #expect(manyAccounts.count == fewAccounts.count, "reads for 2 service accounts: \(fewAccounts.count), for 22: \(manyAccounts.count)")
            // A list's item is what the single route answers.
            let users = try SignetJSON.decoder().decode(ListResponse<UserInfo>.self, from: Data(manyUsers.body.utf8)).items
            #expect(users.count == 23)
            for user in users.suffix(3) {
                #expect(try await api.send(.get, "/auth/users/\(user.userId)", token: admin.token).decode(UserInfo.self) == user)
            }
            let accounts = try SignetJSON.decoder().decode(ListResponse<ServiceAccount>.self, from: Data(manyAccounts.body.utf8)).items
            #expect(accounts.count == 22 && accounts.allSatisfy { $0.accessTokens.count == 1 })
            for account in accounts.suffix(3) {
                let single = try await api.send(.get, "/auth/service-accounts/\(account.userInfo.userId)", token: admin.token)
                #expect(try single.decode(ServiceAccount.self) == account)
            }
            #expect(accounts.filter { $0.userInfo.permissionAssignments.map(\.permissionId) == [readers.id] }.count == 11)
        }
    }

    @Test("A cold audit log reads a fixed number of times whatever the number of credentials in it", arguments: TestDatabase.available)
    func auditLogReadsAreFixed(database: TestDatabase.Kind) async throws {
        let configuration = ServerConfiguration.quietForReadCounts()
        try await TestServer.with(database, configuration: configuration) { server, api in
            let admin = try await server.admin(api)
            func fewestReads() async throws -> (count: Int, body: String) {
                var fewest = Int.max
                var body = ""
                for _ in 0..<3 {
                    let before = server.store.reads.value
                    let reply = try await api.send(.get, "/auth/action/logs", token: admin.token)
                    fewest = min(fewest, server.store.reads.value - before)
                    body = reply.body
                }
                return (fewest, body)
            }
            // Each PAT renames itself: an entry signed by a credential of its own.
            func act(_ range: Range<Int>) async throws {
                for index in range {
                    let (pat, identity) = try await api.createPat(as: admin, name: "log-\(index)")
                    let rename = try api.json(UpdatePersonalAccessTokenRequest(name: "log-\(index)-renamed"))
                    #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)", as: identity, body: rename).status == .ok)
                }
            }
            try await act(0..<2)
            let few = try await fewestReads()
            try await act(2..<22)
            let many = try await fewestReads()
            #expect(many.count == few.count, "reads for 4 entries: \(few.count), for 44: \(many.count)")
            let entries = try SignetJSON.decoder().decode(ListResponse<AuditLog>.self, from: Data(many.body.utf8)).items
            #expect(entries.count >= 44 && Set(entries.map(\.firstFactorCredential.credentialUuid)).count >= 23)
            for entry in entries.prefix(3) {
                #expect(try await api.send(.get, "/auth/action/logs/\(entry.id)", token: admin.token).decode(AuditLog.self) == entry)
            }
        }
    }
}

extension ServerConfiguration {
    /// No authorization cache, and no background reader (the webhook dispatcher, the signing-key
    /// poller) landing inside a measured request: on a loaded machine a request takes long enough
    /// for one to land in every round, and the counts would differ by it.
    static func quietForReadCounts() -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.authorizationCache = false
        configuration.webhooks.dispatches = false
        configuration.signingKeyPollInterval = .seconds(3600)
        return configuration
    }
}
