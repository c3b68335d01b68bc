import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SignetCore
import SignetServer
import SignetStore

/// Whole requests through Signet's router and middleware, in-process (no sockets): what one
/// authenticated read costs the server, with the authorization cache on (warm) and off.
enum InProcessRequests {
    static func measure(_ measure: Measure) async throws -> [Measure.Result] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "signet.bench")
        logger.logLevel = .error
        let store = try await SQLStore.sqlite(path: directory + "/signet.sqlite", logger: logger)
        do {
            let organization = try await Fixture.initialize(store, key: try PrivateKey.generate(.ecdsaP256))
            let (token, _) = try await Fixture.pat(
                store,
                organization: organization,
                userId: organization.userId,
                key: try PrivateKey.generate(.ecdsaP256).publicKey,
                tokens: try await Fixture.authority(store)
            )
            var results: [Measure.Result] = []
            for cache in [true, false] {
                let app = try await buildApplication(
                    configuration: ServerConfiguration(authorizationCache: cache),
                    store: store,
                    logger: logger
                )
                let label = cache ? "warm: cache on" : "cold: cache off"
                results += try await app.test(.router) { client in
                    try await requests(client, token: token, label: label, pages: cache, measure: measure)
                }
            }
            try await store.shutdown()
            return results
        } catch {
            try? await store.shutdown()
            throw error
        }
    }

    /// The requests measured on one application: the page and the health check once (`pages`), and
    /// two authenticated reads.
    static func requests(
        _ client: some TestClientProtocol,
        token: String,
        label: String,
        pages: Bool,
        measure: Measure
    ) async throws -> [Measure.Result] {
        func request(_ path: String, bearer: Bool) async throws {
            var headers = HTTPFields()
            if bearer { headers[.authorization] = "Bearer \(token)" }
            let response = try await client.execute(uri: path, method: .get, headers: headers)
            guard response.status == .ok else { throw ValidationFailure("\(path) answered \(response.status)") }
        }
        var results: [Measure.Result] = []
        if pages {
            results.append(
                try await measure.run("request in-process: GET /healthz (hello world)") {
                    try await request("/healthz", bearer: false)
                }
            )
            results.append(
                try await measure.run("request in-process: GET /settings/developers/personal-access-tokens (a dashboard page)") {
                    try await request("/settings/developers/personal-access-tokens", bearer: false)
                }
            )
        }
        results.append(
            try await measure.run("request in-process: GET /auth/pats with a PAT, \(label)") {
                try await request("/auth/pats", bearer: true)
            }
        )
        results.append(
            try await measure.run("request in-process: GET /auth/whoami with a PAT, \(label)") {
                try await request("/auth/whoami", bearer: true)
            }
        )
        return results
    }
}
