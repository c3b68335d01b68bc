import Foundation

/// A recorded history of revocations and the reads that raced them, and the checker that proves no
/// read that began after a revocation was acknowledged (plus the propagation bound) was allowed.
struct RevocationHistory: Sendable {
    /// A change of one subject's access: `revoke` takes it away, `restore` gives it back.
    struct Change: Sendable {
        let subject: Int
        let revoke: Bool
        let node: Int
        let start: ContinuousClock.Instant
        let end: ContinuousClock.Instant
    }

    /// A read whose answer depends on the subject's access: `allowed` when it answered 200.
    struct Read: Sendable {
        let subject: Int
        let node: Int
        let start: ContinuousClock.Instant
        /// When the answer arrived.
        let end: ContinuousClock.Instant
        let allowed: Bool
        /// The server's `X-Request-Id`, to find the request in the node's log.
        var requestId: String? = nil
        /// The HTTP status.
        var status: UInt? = nil
    }

    /// A read allowed although it began after a revocation's acknowledgement plus the bound.
    struct Violation: Sendable, CustomStringConvertible {
        let read: Read
        let change: Change
        var description: String {
            "subject \(read.subject): read on node \(read.node) allowed \(read.start - change.end) after a revocation on node \(change.node) was acknowledged"
                + " (answered \(read.end - read.start) later, request \(read.requestId ?? "?"))"
        }
    }

    /// What the checker found.
    struct Verdict: Sendable {
        var violations: [Violation] = []
        /// Reads that began while a subject was revoked (after the acknowledgement), by outcome.
        var refusedWhileRevoked = 0
        var allowedWithinBound = 0
        /// The longest an allowed read began after the acknowledgement, on the change's node and on another.
        var longestSameNode: Duration = .zero
        var longestOtherNode: Duration = .zero
    }

    var changes: [Change] = []
    var reads: [Read] = []

    /// Checks every read against the windows in which its subject was revoked: from a revocation's
    /// acknowledgement to the start of the change that restored it. A read inside a window (begun
    /// after the acknowledgement, answered before the restoring change began) may not be allowed:
    /// on the node that made the change at all, on another node once `bound` has passed. A read
    /// that overlaps the restoring change may see either state (a request the client queued while a
    /// node restarted reaches it seconds after it began).
    func check(bound: Duration) -> Verdict {
        var verdict = Verdict()
        let bySubject = Dictionary(grouping: changes, by: \.subject).mapValues { $0.sorted { $0.start < $1.start } }
        var windows: [Int: [(change: Change, until: ContinuousClock.Instant?)]] = [:]
        for (subject, list) in bySubject {
            for (index, change) in list.enumerated() where change.revoke {
                let restore = list.dropFirst(index + 1).first { !$0.revoke }
                windows[subject, default: []].append((change, restore?.start))
            }
        }
        for read in reads {
            for window in windows[read.subject] ?? [] where read.start > window.change.end && window.until.map({ read.end < $0 }) ?? true {
                guard read.allowed else {
                    verdict.refusedWhileRevoked += 1
                    continue
                }
                let lag = read.start - window.change.end
                let sameNode = read.node == window.change.node
                if sameNode || lag > bound {
                    verdict.violations.append(Violation(read: read, change: window.change))
                } else {
                    verdict.allowedWithinBound += 1
                }
                if sameNode { verdict.longestSameNode = max(verdict.longestSameNode, lag) } else { verdict.longestOtherNode = max(verdict.longestOtherNode, lag) }
            }
        }
        return verdict
    }
}
