import NIOConcurrencyHelpers
import Testing

@testable import SignetStore

/// ``LegacyNameKeys``: whether migration 5's PAT name keys remain is asked outside transactions
/// only; inside one, and before any answer, the lookup that also reads those keys is used.
@Suite("Store: whether migration 5's PAT name keys remain")
struct LegacyNameKeysTests {
    @Test("Inside a transaction nothing is asked: before any answer the full lookup is used, then the last answer")
    func insideTransactions() async throws {
        let keys = LegacyNameKeys()
        let asked = NIOLockedValueBox(0)
        let check: () async throws -> Bool = {
            asked.withLockedValue { $0 += 1 }
            return false
        }
        #expect(try await keys.mayExist(refreshing: false, check: check) == true)
        #expect(asked.withLockedValue { $0 } == 0)
        #expect(try await keys.mayExist(refreshing: true, check: check) == false)
        #expect(try await keys.mayExist(refreshing: true, check: check) == false, "a minute-old answer is not asked again")
        #expect(try await keys.mayExist(refreshing: false, check: check) == false)
        #expect(asked.withLockedValue { $0 } == 1)
    }

    @Test("A failed check is asked again by the next caller")
    func failure() async throws {
        let keys = LegacyNameKeys()
        await #expect(throws: CancellationError.self) { try await keys.mayExist(refreshing: true) { throw CancellationError() } }
        #expect(try await keys.mayExist(refreshing: true) { true } == true)
    }
}
