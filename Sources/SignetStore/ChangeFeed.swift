import NIOConcurrencyHelpers

/// What changed in the store, as far as caches care.
package enum StoreChange: Hashable, Sendable {
    /// Users, tokens, roles, assignments or credentials: anything that decides who may do what.
    case authorization
    /// The keys that sign tokens.
    case signingKeys
    /// Only details that lists show (a token's name or external id), of anyone: nothing that decides
    /// who may do what, so caches drop what they rendered and keep verified callers and permissions.
    /// Sent by nodes of earlier versions; this one sends ``detailsOf(userId:)``.
    case details
    /// ``details`` of one user's tokens only (a rename): caches drop what they rendered for that
    /// user alone.
    case detailsOf(userId: String)
    /// New webhook deliveries are due: nothing cached depends on them; the node delivering them wakes.
    case webhookEvents

    /// How the change travels between nodes (PostgreSQL's `NOTIFY` payload).
    package var payload: String {
        switch self {
        case .authorization: "authorization"
        case .signingKeys: "signingKeys"
        case .details: "details"
        case .detailsOf(let userId): "details:" + userId
        case .webhookEvents: "webhookEvents"
        }
    }

    /// The change a payload names; nil for one this version does not know (its reader then assumes
    /// the widest change, ``authorization``).
    package init?(payload: String) {
        switch payload {
        case "authorization": self = .authorization
        case "signingKeys": self = .signingKeys
        case "details": self = .details
        case "webhookEvents": self = .webhookEvents
        default:
            guard payload.hasPrefix("details:"), payload.count > "details:".count else { return nil }
            self = .detailsOf(userId: String(payload.dropFirst("details:".count)))
        }
    }
}

/// Tells subscribers when the store changes: right after a local commit, and (over PostgreSQL)
/// when another node commits. Also says whether remote changes are being heard at all: a cache
/// must not serve anything while they are not.
package final class ChangeFeed: Sendable {
    private struct State {
        var subscribers: [@Sendable (StoreChange) -> Void] = []
        var isLive: Bool
    }

    private let state: NIOLockedValueBox<State>

    /// - Parameter live: whether changes are complete from the start (a single-node store), or
    ///   only once a listener has connected (``setLive(_:)``).
    package init(live: Bool) {
        state = NIOLockedValueBox(State(isLive: live))
    }

    /// Calls `handler` on every change.
    package func subscribe(_ handler: @escaping @Sendable (StoreChange) -> Void) {
        state.withLockedValue { $0.subscribers.append(handler) }
    }

    /// Announces a change to every subscriber.
    package func publish(_ change: StoreChange) {
        for subscriber in state.withLockedValue({ $0.subscribers }) { subscriber(change) }
    }

    /// Whether every change, local and remote, is being announced.
    package var isLive: Bool { state.withLockedValue { $0.isLive } }

    /// Marks the feed as complete or not. Going live announces a change of everything, since
    /// changes made while it was not may have been missed.
    package func setLive(_ live: Bool) {
        let wasLive = state.withLockedValue { state -> Bool in
            let previous = state.isLive
            state.isLive = live
            return previous
        }
        if live && !wasLive {
            publish(.authorization)
            publish(.signingKeys)
        }
    }
}
