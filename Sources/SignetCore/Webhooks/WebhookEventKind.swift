/// The kinds of event a webhook may subscribe to: Signet's own (what an identity server does,
/// which Dfns has no events for) and Dfns' (accepted so a Dfns client's subscription is valid;
/// Signet emits none of them itself: it runs no wallets, and policies are not served yet).
public enum WebhookEventKind {
    /// The events Signet emits, each with the `data` documented in docs/webhooks.md.
    public enum Signet: String, Sendable, CaseIterable {
        case tokenCreated = "token.created"
        case tokenDeactivated = "token.deactivated"
        case tokenReactivated = "token.reactivated"
        case tokenDeleted = "token.deleted"
        /// 14, 7 and 1 days before a PAT or service-account token expires.
        case tokenExpiring = "token.expiring"
        case credentialCreated = "credential.created"
        case credentialDeactivated = "credential.deactivated"
        case credentialReactivated = "credential.reactivated"
        case credentialDeleted = "credential.deleted"
        /// A passkey answered with a signature count that went back: possibly a clone.
        case credentialCounterRegression = "credential.counter_regression"
        case recoveryUsed = "recovery.used"
        /// A person was added and given a registration code (or a new one).
        case userInvited = "user.invited"
        case userRegistered = "user.registered"
        case userDeactivated = "user.deactivated"
        case userReactivated = "user.reactivated"
        case userDeleted = "user.deleted"
        /// Signet's token-signing key was rotated (`signet signing-keys rotate`).
        case signingKeyRotated = "signing_key.rotated"
    }

    /// The kinds Dfns defines (dfns_sdk 1.0.4, `generated/webhooks/types.py`).
    public static let dfns: Set<String> = [
        "policy.triggered", "policy.approval.pending", "policy.approval.resolved",
        "key.created", "key.deleted", "key.delegated", "key.exported",
        "wallet.blockchainevent.detected", "wallet.blockchain_event.transfer.included", "wallet.blockchain_event.misc.confirmed",
        "wallet.created", "wallet.activated", "wallet.delegated", "wallet.exported",
        "wallet.signature.failed", "wallet.signature.rejected", "wallet.signature.requested", "wallet.signature.signed",
        "wallet.transaction.broadcasted", "wallet.transaction.confirmed", "wallet.transaction.failed",
        "wallet.transaction.rejected", "wallet.transaction.requested",
        "wallet.transfer.broadcasted", "wallet.transfer.confirmed", "wallet.transfer.failed",
        "wallet.transfer.rejected", "wallet.transfer.requested",
        "wallet.offer.received", "wallet.offer.accepted", "wallet.offer.rejected", "wallet.offer.withdrawn",
        "wallet.tags.modified", "vault.created", "vault.updated", "vault.tags.modified", "vault.event.created",
        "address_watch.blockchain_event.transfer.confirmed", "address_watch.blockchain_event.misc.confirmed",
        "payout.action.required", "allocation.action.created", "allocation.action.completed", "allocation.action.failed",
        "swap.requested", "swap.rejected", "swap.completed", "swap.failed",
    ]

    /// Every kind a subscription may name, `*` (all of them) aside.
    public static let subscribable: Set<String> = dfns.union(Signet.allCases.map(\.rawValue))

    /// Whether a webhook subscribed to `events` receives `kind`.
    public static func matches(_ events: [String], kind: String) -> Bool {
        events.contains { subscription in
            subscription.unicodeScalars.elementsEqual("*".unicodeScalars) || subscription.unicodeScalars.elementsEqual(kind.unicodeScalars)
        }
    }
}
