import Foundation
import SQLKit
import SignetCore
import SignetTestFixtures
import Testing

@testable import SignetStore

/// Rows are inserted with a statement head kept per row type and dialect (``RowInsert``): what it
/// runs must be the statement SQLKit's insert builder writes, on both databases, every time.
@Suite("Store: rows inserted with a kept statement head")
struct RowInsertTests {
    @Test("The kept statement is SQLKit's, with the same values bound, with nils and without", arguments: TestDatabase.available)
    func sameAsSQLKit(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let fixture = try await WriteScenario.Fixture.seed(store)
            let rows = [
                AuditChainStoreTests.action(fixture), AuditChainStoreTests.action(fixture, used: fixture.now, payload: #"{"a":1}"#),
                AuditChainStoreTests.action(fixture),
            ]
            try await store.driver.withWriter { database in
                for row in rows {
                    let ours = database.serialize(try database.insertStatement(row))
                    let builder = database.serialize(try database.insert(into: UserActionRecord.table.rawValue).model(row, nilEncodingStrategy: .asNil).query)
                    #expect(ours.sql == builder.sql)
                    #expect(ours.binds.count == builder.binds.count)
                    #expect(ours.binds.map { String(describing: $0) } == builder.binds.map { String(describing: $0) })
                }
            }
        }
    }
}
