/// Group commit for SQLite's one writing connection.
///
/// With `synchronous = FULL` every commit waits for the disk (an fsync), so a writer that commits
/// each transaction alone is bound by the disk's flush rate, not by its CPU. Here transactions that
/// arrive together share one commit: the first opens `BEGIN IMMEDIATE`, each runs inside its own
/// `SAVEPOINT` (so one that fails is rolled back alone), and the holder that finds nobody queued
/// (or the batch full, or open too long) commits for all. **Nobody is answered before the commit
/// of their batch has returned**: a member that hands the batch on waits for its outcome, whether
/// its own work succeeded or failed (a refusal may rest on another member's change, which must be
/// committed for the refusal to stand). If that commit fails, every member gets the error.
///
/// Members of one batch see each other's changes, in order, as statements of one transaction would.
/// One instance serves one connection.
package actor GroupCommit {
    /// What the holder must do when it takes the connection.
    package enum Entry: Sendable {
        /// A batch is open: run in it.
        case join
        /// No batch is open: open one with `BEGIN IMMEDIATE`, after `ROLLBACK` when `rollBackFirst`
        /// (an earlier rollback failed, so the connection may still be inside a transaction).
        case open(rollBackFirst: Bool)
    }

    /// The most transactions one commit carries.
    package let maximumMembers: Int
    /// How long a batch may stay open while others keep arriving.
    package let maximumAge: Duration

    private var isLocked = false
    private var lockWaiters: [CheckedContinuation<Void, Never>] = []
    private var isOpen = false
    private var mayBeInTransaction = false
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

    /// Takes the connection (first come, first served) and says whether to join the open batch or
    /// open one (then call ``opened()``, or ``openFailed()`` if `BEGIN` failed).
    package func enter() async -> Entry {
        if isLocked {
            await withCheckedContinuation { lockWaiters.append($0) }
        } else {
            isLocked = true
        }
        members += 1
        return isOpen ? .join : .open(rollBackFirst: mayBeInTransaction)
    }

    /// The batch is open.
    package func opened() {
        isOpen = true
        mayBeInTransaction = false
        openedAt = .now
    }

    /// `BEGIN` failed: nobody else is in this batch; the connection passes on.
    package func openFailed() {
        members = 0
        release()
    }

    /// The holder's own work is done (or failed and was rolled back to its savepoint). Returns true
    /// when the holder must commit the batch now (nobody is queued, or the batch is full or old) and
    /// then call ``finish(_:rolledBack:)``. Otherwise the connection passes to the next one queued,
    /// who carries the batch on, and this returns once the batch is committed, or throws its error.
    package func done() async throws -> Bool {
        if lockWaiters.isEmpty || members >= maximumMembers || ContinuousClock.now - openedAt >= maximumAge { return true }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            commitWaiters.append(continuation)
            release()
        }
        return false
    }

    /// The holder committed the batch (`error` nil) or it is lost (`error`; `rolledBack` false when
    /// even `ROLLBACK` failed, so the next batch rolls back first): every member waiting is answered,
    /// and the connection passes on.
    package func finish(_ error: (any Error)?, rolledBack: Bool = true) {
        let waiting = commitWaiters
        commitWaiters = []
        if error == nil { commits += 1 }
        if !rolledBack { mayBeInTransaction = true }
        isOpen = false
        members = 0
        for waiter in waiting {
            if let error { waiter.resume(throwing: error) } else { waiter.resume() }
        }
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
