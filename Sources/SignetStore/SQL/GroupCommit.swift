/// Group commit for SQLite's one writing connection.
///
/// With `synchronous = FULL` every commit waits for the disk (an fsync), so a writer that commits
/// each transaction alone is bound by the disk's flush rate, not by its CPU. Here transactions that
/// arrive together share one commit: the first opens `BEGIN IMMEDIATE`, each runs inside its own
/// `SAVEPOINT` (so one that fails is rolled back alone), and the holder that finds nobody waiting
/// (or the batch full, or open too long) commits for all. **Nobody is answered before the commit
/// that holds their change is durable**: a member that hands the batch on waits for its outcome,
/// and if that commit fails, every member of the batch gets the error and none of their changes
/// was applied.
///
/// Members of one batch see each other's uncommitted changes, in order, as statements of one
/// transaction would; since they commit or fail together, what one decided from another's change
/// (a nonce already taken) stays true.
package actor GroupCommit {
    /// What a member must do once its own work is done.
    package enum Turn: Sendable {
        /// Commit the batch now (nobody is queued, or the batch is full or old), then call ``finish(_:)``.
        case commit
        /// Someone queued will carry the batch on: wait for ``awaitCommit()``.
        case handOff
    }

    /// The most transactions one commit carries.
    package let maximumMembers: Int
    /// How long a batch may stay open while others keep arriving.
    package let maximumAge: Duration

    private var isLocked = false
    private var lockWaiters: [CheckedContinuation<Void, Never>] = []
    private var isOpen = false
    private var members = 0
    private var openedAt = ContinuousClock.now
    private var commitWaiters: [CheckedContinuation<Void, any Error>] = []
    /// How many batches have committed (for tests and metrics).
    package private(set) var commits = 0
    /// How many are queued for the connection.
    package var queued: Int { lockWaiters.count }

    package init(maximumMembers: Int = 256, maximumAge: Duration = .milliseconds(20)) {
        self.maximumMembers = maximumMembers
        self.maximumAge = maximumAge
    }

    /// Takes the connection (first come, first served). Returns true when the caller must open the
    /// batch with `BEGIN IMMEDIATE` (and call ``opened()`` or, if that fails, ``release()``).
    package func enter() async -> Bool {
        if isLocked {
            await withCheckedContinuation { lockWaiters.append($0) }
        } else {
            isLocked = true
        }
        members += 1
        return !isOpen
    }

    /// The batch is open.
    package func opened() {
        isOpen = true
        openedAt = .now
    }

    /// Whether the holder commits now or leaves it to the next one queued.
    package func turn() -> Turn {
        if lockWaiters.isEmpty || members >= maximumMembers || ContinuousClock.now - openedAt >= maximumAge { return .commit }
        return .handOff
    }

    /// The holder committed the batch (`nil`) or could not (`error`; the batch is gone): every member
    /// waiting is answered, and the connection passes on.
    package func finish(_ error: (any Error)?) {
        let waiting = commitWaiters
        commitWaiters = []
        if error == nil { commits += 1 }
        isOpen = false
        members = 0
        for waiter in waiting {
            if let error { waiter.resume(throwing: error) } else { waiter.resume() }
        }
        release()
    }

    /// Hands the connection to the next one queued and waits until the batch is committed.
    package func awaitCommit() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            commitWaiters.append(continuation)
            release()
        }
    }

    /// Leaves without waiting for the batch (the caller's own work failed and was rolled back, or
    /// the batch could not be opened).
    package func leave() {
        members = max(0, members - 1)
        release()
    }

    /// Passes the connection to the next one queued, or frees it.
    private func release() {
        if lockWaiters.isEmpty {
            isLocked = false
        } else {
            lockWaiters.removeFirst().resume()
        }
    }
}
