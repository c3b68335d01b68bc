import ArgumentParser
import Foundation
import Logging
import SignetAPI
import SignetCore
import SignetStore

/// `signet-bench seed`: fills an initialised store with users, roles and PATs, straight through
/// the store (the API would take hours for a million), so that the load can show whether an
/// authenticated request costs more when the store is large.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Add PATs (with their credentials and role assignments), users and roles to an initialised store.",
        discussion: """
            Each added PAT belongs to one of the added users (--pats-per-user of them each), has its own \
            Ed25519 credential and one role assignment; one role is added per 1,000 PATs. Their tokens are \
            never shown: they exist to make the tables large. Stop the server first when the store is SQLite.
            """
    )

    @Option(help: "The store: a SQLite path, sqlite:PATH, or a postgres:// URL.")
    var database: String

    @Option(help: "How many PATs to add.")
    var pats: Int

    @Option(help: "PATs per added user.")
    var patsPerUser = 100

    func validate() throws {
        guard pats >= 0, patsPerUser > 0 else { throw ValidationError("--pats must be ≥ 0 and --pats-per-user > 0") }
    }

    func run() async throws {
        var logger = Logger(label: "signet.bench")
        logger.logLevel = .error
        let (count, perUser) = (pats, patsPerUser)
        let start = ContinuousClock.now
        try await SQLStore.with(StoreLocation(database), logger: logger) { store in
            try await Self.seed(store, pats: count, perUser: perUser)
        }
        let elapsed = ContinuousClock.now - start
        print("seeded \(count) PATs, \((count + perUser - 1) / perUser) users, \(max(1, count / 1000)) roles in \(elapsed)")
    }

    /// `count` roles of eight random operations each; their ids.
    static func seedRoles(_ store: any SignetStore, count: Int, orgId: String, now: Date) async throws -> [String] {
        var roles: [String] = []
        for index in 0..<count {
            let role = RoleRecord(
                id: Identifier.make(.permission),
                orgId: orgId,
                name: "seeded-\(UUID().uuidString.prefix(8))-\(index)",
                operations: Array(OperationCatalog.current.shuffled().prefix(8)),
                createdAt: now
            )
            try await store.insertRole(role)
            roles.append(role.id)
        }
        return roles
    }

    static func seed(_ store: any SignetStore, pats: Int, perUser: Int) async throws {
        guard pats > 0 else { return }
        let organization = try await Fixture.organization(store)
        let orgId = organization.orgId
        let now = Date()
        let roleIds = try await seedRoles(store, count: max(1, pats / 1000), orgId: orgId, now: now)
        let batch = 2_000
        var added = 0
        var userId = ""
        while added < pats {
            let size = min(batch, pats - added)
            let first = added
            let previousUser = userId
            userId = try await store.transaction { store in
                var currentUser = previousUser
                for index in first..<(first + size) {
                    let roleId = roleIds[index % roleIds.count]
                    if index % perUser == 0 {
                        currentUser = Identifier.make(.user)
                        try await store.insertUser(
                            UserRecord(
                                id: currentUser,
                                orgId: orgId,
                                username: "seeded-\(index)-\(currentUser)@bench.local",
                                name: "Seeded \(index)",
                                kind: .customerEmployee,
                                createdAt: now
                            )
                        )
                        try await store.insertAssignment(
                            AssignmentRecord(
                                id: Identifier.make(.assignment),
                                orgId: orgId,
                                permissionId: roleId,
                                identityId: currentUser,
                                createdAt: now
                            )
                        )
                    }
                    // The token itself is never minted: a random digest stands for it.
                    try await Fixture.insertPat(
                        into: store,
                        id: Identifier.make(.token),
                        orgId: orgId,
                        userId: currentUser,
                        roleId: roleId,
                        key: try PrivateKey.generate(.ed25519).publicKey,
                        name: "seeded-\(index)",
                        tokenDigest: Hex.encode(Identifier.randomBytes(32)),
                        now: now,
                        expiresAt: now + 730 * 86_400
                    )
                }
                return currentUser
            }
            added += size
        }
    }
}
