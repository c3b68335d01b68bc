import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import ServiceLifecycle
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// A Signet server for one test: a fresh store (SQLite in a temporary folder, or a fresh PostgreSQL
/// database on the throwaway cluster), initialised with an organisation and its administrator.
struct TestServer: Sendable {
    let store: SQLStore
    let directory: String
    let organization: OrganizationBootstrap.Result
    let adminSigner: TestSigner
    let configuration: ServerConfiguration
    /// PostgreSQL only: the driver (its pool runs for the whole test), the database, and the pool's task.
    let postgres: (driver: PostgresDriver, url: String, pool: Task<Void, Never>)?

    var orgId: String { organization.orgId }
    /// The first administrator's Key credential (every test server creates one).
    var adminCredentialId: String { organization.credentialId ?? "" }
    var adminCredentialUuid: String { organization.credentialUuid ?? "" }

    /// Runs `body` with a fresh server on `database` and removes everything afterwards. Router
    /// tests take the database as their argument (`arguments: TestDatabase.available`), so one
    /// `swift test` runs them on SQLite and, when the throwaway cluster is up, on PostgreSQL.
    static func with<T: Sendable>(
        _ database: TestDatabase.Kind,
        configuration: ServerConfiguration = ServerConfiguration(),
        limits: Bool = false,
        _ body: @Sendable (TestServer, APIClient) async throws -> T
    ) async throws -> T {
        let server = try await make(database, configuration: configuration, limits: limits)
        do {
            let result = try await server.run { api in try await body(server, api) }
            try await server.close()
            return result
        } catch {
            try? await server.close()
            throw error
        }
    }

    /// A server for one test. The abuse limits are off unless `limits` (then they are the
    /// configuration's): the suite logs in and fails tokens far faster than any person
    /// (``AbuseLimitTests`` tests them).
    static func make(_ database: TestDatabase.Kind, configuration: ServerConfiguration, limits: Bool = false) async throws -> TestServer {
        var configuration = configuration
        if !limits { configuration.abuseLimits = .off }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store: SQLStore
        var postgres: (driver: PostgresDriver, url: String, pool: Task<Void, Never>)?
        if database == .postgres {
            let url = try await TestDatabase.createPostgres()
            var logger = Logger(label: "signet.test")
            logger.logLevel = .error
            let driver = try PostgresDriver(url: url, logger: logger)
            let pool = Task { await driver.client.run() }
            store = SQLStore(driver: driver)
            try await store.migrate()
            postgres = (driver, url, pool)
        } else {
            store = try await SQLStore.sqlite(path: directory + "/signet.sqlite")
        }
        let signer = try TestSigner.generate(.ecdsaP256)
        let organization = try await OrganizationBootstrap.initialize(
            store: store,
            organizationName: "Test org",
            email: "admin@example.com",
            publicKeyPEM: signer.publicKeyPEM
        )
        return TestServer(
            store: store,
            directory: directory,
            organization: organization,
            adminSigner: signer.with(credentialId: organization.credentialId ?? ""),
            configuration: configuration,
            postgres: postgres
        )
    }

    /// Runs `body` against a router built over this server's store (a restart builds a new one). On
    /// PostgreSQL the change listener runs as the application's service, as in `signet serve`.
    func run<T: Sendable>(_ body: @Sendable (APIClient) async throws -> T) async throws -> T {
        var services: [any Service] = []
        if let postgres {
            var logger = Logger(label: "signet.test")
            logger.logLevel = .error
            services.append(PostgresChangeListener(driver: postgres.driver, feed: store.changes, logger: logger))
        }
        let app = try await buildApplication(configuration: configuration, store: store, services: services, logger: TestLogging.server())
        return try await app.test(.router) { client in try await body(APIClient(client: client)) }
    }

    /// Like ``with(configuration:_:)``, over a real socket: `body` also gets the port, for raw HTTP.
    static func withLive<T: Sendable>(
        _ database: TestDatabase.Kind,
        configuration: ServerConfiguration = ServerConfiguration(),
        limits: Bool = false,
        _ body: @Sendable (TestServer, APIClient, Int) async throws -> T
    ) async throws -> T {
        let server = try await make(database, configuration: configuration, limits: limits)
        do {
            let result = try await server.runLive { api, port in try await body(server, api, port) }
            try await server.close()
            return result
        } catch {
            try? await server.close()
            throw error
        }
    }

    /// Like ``run(_:)``, over a real socket: `body` also gets the port, for raw HTTP.
    /// The client's read timeout is one only a real failure reaches (``SocketSender``).
    func runLive<T: Sendable>(_ body: @Sendable (APIClient, Int) async throws -> T) async throws -> T {
        var configuration = self.configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = try await buildApplication(
            configuration: configuration,
            store: store,
            logger: TestLogging.server(),
            onServerRunning: { portSink.yield($0) }
        )
        var logger = Logger(label: "signet.test")
        logger.logLevel = .error
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: SocketSender.readTimeout))
            client.connect()
            do {
                let result = try await body(APIClient(socket: client), port)
                try await client.shutdown()
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                try? await client.shutdown()
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    func close() async throws {
        try await store.shutdown()
        if let postgres {
            postgres.pool.cancel()
            try? await TestDatabase.dropPostgres(postgres.url)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The administrator, logged in.
    func admin(_ api: APIClient) async throws -> Identity {
        Identity(token: try await api.login(username: organization.username, orgId: orgId, signer: adminSigner), signer: adminSigner)
    }

    /// Adds a role directly in the store.
    func addRole(_ name: String, operations: [String]) async throws -> RoleRecord {
        let role = RoleRecord(id: Identifier.make(.permission), orgId: orgId, name: name, operations: operations, createdAt: Date())
        try await store.insertRole(role)
        return role
    }

    /// Assigns a role directly in the store.
    func assign(_ role: RoleRecord, to identityId: String) async throws {
        try await store.insertAssignment(
            AssignmentRecord(id: Identifier.make(.assignment), orgId: orgId, permissionId: role.id, identityId: identityId, createdAt: Date())
        )
    }

    /// Adds a person with a Key credential and the given roles directly in the store; returns the user and their signer.
    func addUser(email: String, roles: [RoleRecord] = []) async throws -> (UserRecord, TestSigner) {
        let user = UserRecord(id: Identifier.make(.user), orgId: orgId, username: email, name: email, kind: .customerEmployee, createdAt: Date())
        try await store.insertUser(user)
        let signer = try TestSigner.generate(.ed25519)
        let publicKey = signer.key.publicKey
        let credential = CredentialRecord(
            uuid: Identifier.make(.credential),
            orgId: orgId,
            credentialId: Base64URL.encode(Identifier.make(.credentialID)),
            identityId: user.id,
            name: "key",
            publicKeyPEM: publicKey.pemRepresentation,
            fingerprint: publicKey.fingerprint,
            algorithm: publicKey.algorithm,
            createdAt: Date()
        )
        try await store.insertCredential(credential)
        for role in roles { try await assign(role, to: user.id) }
        return (user, signer.with(credentialId: credential.credentialId))
    }

    /// Sets a user's `isActive` directly in the store.
    func setUserActive(_ userId: String, _ isActive: Bool) async throws {
        _ = try await store.setUserActive(id: userId, isActive: isActive, at: Date())
    }
}
