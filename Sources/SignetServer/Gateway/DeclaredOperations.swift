import NIOConcurrencyHelpers
import SignetStore

/// The operations the gateway's configuration declares, assignable in roles next to the built-in
/// ones, and the lock that makes "check the roles, then replace the set" one step: a role written
/// while a reload checks cannot slip an operation past it, since role writes that name operations
/// and the reload take turns (``changing(_:)``).
final class DeclaredOperations: Sendable {
    private let value: NIOLockedValueBox<Set<String>>
    private let lock = AsyncLock()

    init(_ operations: Set<String>) { value = NIOLockedValueBox(operations) }

    /// The set in force.
    var current: Set<String> { value.withLockedValue { $0 } }

    /// Runs `body` (a role write, or a reload's check and swap) while no other such body runs.
    func changing<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await lock.withLock(body)
    }

    /// Replaces the set; call inside ``changing(_:)``.
    func replace(with operations: Set<String>) { value.withLockedValue { $0 = operations } }
}
