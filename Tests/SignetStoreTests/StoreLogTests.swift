import Foundation
import Logging
import NIOConcurrencyHelpers
import SignetCore
import SignetStore
import SignetTestFixtures
import Testing

/// The store's log, even at trace level: no statement's bound values, so never a secret the
/// database holds (a token-signing private key is written with a bound value).
@Suite("Store: nothing bound reaches the log")
struct StoreLogTests {
    @Test("A signing key written and read at trace level: its private key is not in the log", arguments: TestDatabase.available)
    func privateKeyNotLogged(database: TestDatabase.Kind) async throws {
        let lines = NIOLockedValueBox<[String]>([])
        var logger = Logger(label: "signet.store") { _ in CapturingLogHandler(lines: lines) }
        logger.logLevel = .trace
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-log-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let location: StoreLocation =
            database == .postgres ? .postgres(url: try await TestDatabase.createPostgres()) : .sqlite(path: directory + "/signet.sqlite")
        let key = SigningKeyMaterial.generate(now: Date())
        let written = await Result {
            try await SQLStore.with(location, logger: logger) { store in
                try await store.insertSigningKey(key)
                #expect(try await store.signingKeys().contains { $0.kid == key.kid })
            }
        }
        if case .postgres(let url) = location { try? await TestDatabase.dropPostgres(url) }
        try written.get()
        let secret = Data(key.privateKey).base64EncodedString()
        #expect(!lines.withLockedValue { $0 }.contains { $0.contains(secret) }, "a private key reached the store's log")
    }
}
