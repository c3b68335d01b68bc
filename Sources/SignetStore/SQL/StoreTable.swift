/// The tables of Signet's schema, in an order that satisfies the foreign keys, each classified once
/// by what a change to it means to caches and by its row type.
///
/// Every write names the tables it touches (``SQLStore/write(_:_:)``) and the tables decide what is
/// announced, so no single statement can forget to empty the authorization cache. The switch in
/// ``change`` is exhaustive: a new table does not compile until it is classified, and
/// `WriteAnnouncementTests` fails when the database holds a table this type does not name.
package enum StoreTable: String, CaseIterable, Sendable {
    case organizations
    case users
    case credentials
    case accessTokens = "access_tokens"
    case roles
    case assignments
    case userGroups = "user_groups"
    case userGroupMembers = "user_group_members"
    case challenges
    case credentialCodes = "credential_codes"
    case userActions = "user_actions"
    case signingKeys = "signing_keys"
    case fastAuthNonces = "fast_auth_nonces"
    case credentialCounters = "credential_counters"
    case registrationCodes = "registration_codes"
    case recoveryCodes = "recovery_codes"
    case tokenUsage = "token_usage"
    case tokenClients = "token_clients"
    case webhooks
    case webhookEvents = "webhook_events"
    case leases
    case tokenExpiryNotices = "token_expiry_notices"
    case policies
    case policyApprovals = "policy_approvals"
    case policyDecisions = "policy_decisions"
    case schemaMigrations = "schema_migrations"

    /// What a committed write to this table announces to the caches of every node, or `nil` when
    /// nothing cached is derived from it.
    package var change: StoreChange? {
        switch self {
        // Who may do what, and every response the authorization cache renders from them
        // (organisations too: cheap, written once, and safest announced).
        // (A group's members hold its roles, so both group tables decide who may do what.)
        // Policies too: the gateway caches which of its operations they hold (a request a new policy
        // covers is held on the next request, on every node).
        case .organizations, .users, .credentials, .accessTokens, .roles, .assignments, .userGroups, .userGroupMembers, .policies: .authorization
        case .signingKeys: .signingKeys
        // Read on each request straight from the database, never cached.
        case .challenges, .credentialCodes, .userActions, .schemaMigrations: nil
        // Bookkeeping (Rows/Bookkeeping.swift): use, not access. Written on busy paths, announced
        // nowhere; a response showing it (a token's last use) is stale for up to the cache's lifetime.
        case .fastAuthNonces, .credentialCounters, .registrationCodes, .recoveryCodes, .tokenUsage, .tokenClients: nil
        // Webhooks decide nothing about access; a new event wakes the node that delivers them.
        case .webhookEvents: .webhookEvents
        case .webhooks, .leases, .tokenExpiryNotices: nil
        // Approvals are read from the database, never cached; one that applies a change writes its
        // tables, which announce what they announce.
        case .policyApprovals, .policyDecisions: nil
        }
    }

    /// Columns whose change decides nothing about who may do what, only what lists show. A write
    /// that sets only these (``SQLStore/write(details:owner:body:)``) announces ``StoreChange/detailsOf(userId:)``
    /// instead of ``change``; `WriteAnnouncementTests` watches, with triggers on the other columns,
    /// that such a write really sets nothing else.
    package var detailColumns: Set<String> {
        switch self {
        case .accessTokens: ["name", "name_key", "external_id", "updated_at"]
        default: []
        }
    }

    /// The `Codable` type of the table's rows, or `nil` for the migrations' own bookkeeping
    /// (which `signet migrate` does not copy: the target applies its own migrations).
    package var rowType: (any StoreRow.Type)? {
        switch self {
        case .organizations: OrganizationRecord.self
        case .users: UserRecord.self
        case .credentials: CredentialRecord.self
        case .accessTokens: AccessTokenRecord.self
        case .roles: RoleRecord.self
        case .assignments: AssignmentRecord.self
        case .userGroups: UserGroupRecord.self
        case .userGroupMembers: UserGroupMemberRow.self
        case .challenges: ChallengeRecord.self
        case .credentialCodes: CredentialCodeRow.self
        case .userActions: UserActionRecord.self
        case .signingKeys: SigningKeyRow.self
        case .fastAuthNonces: FastAuthNonceRow.self
        case .credentialCounters: CredentialCounterRow.self
        case .registrationCodes: RegistrationCodeRow.self
        case .recoveryCodes: RecoveryCodeRow.self
        case .tokenUsage: TokenUsageRow.self
        case .tokenClients: TokenClientRow.self
        case .webhooks: WebhookRecord.self
        case .webhookEvents: WebhookEventRecord.self
        case .leases: LeaseRow.self
        case .tokenExpiryNotices: TokenExpiryNoticeRow.self
        case .policies: PolicyRecord.self
        case .policyApprovals: ApprovalRecord.self
        case .policyDecisions: ApprovalDecisionRow.self
        case .schemaMigrations: nil
        }
    }
}
