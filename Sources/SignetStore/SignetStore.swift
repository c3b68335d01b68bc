package import Foundation
package import SignetAPI
package import SignetCore

/// Wrong answers a challenge, or wrong codes a registration code, survives: the fifth ends it.
package let maximumFailures = 5

/// Why the store refused a write.
package enum StoreError: Error, Sendable, Equatable {
    /// A uniqueness rule was broken (a key already registered, a name taken…).
    case conflict(String)
    /// The record to change does not exist.
    case notFound
}

/// Organisations.
package protocol OrganizationRepository: Sendable {
    func insertOrganization(_ organization: OrganizationRecord) async throws
    func organization(id: String) async throws -> OrganizationRecord?
    /// Every organisation, oldest first.
    func organizations() async throws -> [OrganizationRecord]
    /// Sets (or with `nil` clears) the organisation's longest PAT lifetime; every node's caches
    /// hear of it, so it applies to every PAT's next request.
    func setMaximumPatLifetime(orgId: String, days: Int?) async throws
}

/// Users and service accounts.
package protocol UserRepository: Sendable {
    func insertUser(_ user: UserRecord) async throws
    func user(id: String) async throws -> UserRecord?
    /// The users (service accounts and deleted ones included) among `ids`, in one query.
    func users(ids: [String]) async throws -> [UserRecord]
    /// A live (not deleted) user by username, case-insensitively.
    func user(orgId: String, username: String) async throws -> UserRecord?
    /// Renames a live user or service account; only these columns change. `nil` when it is gone.
    func updateUserNames(id: String, username: String, name: String, externalId: String?, at: Date) async throws -> UserRecord?
    /// Activates or deactivates a live user; nothing else is written. `nil` when it is deleted or unknown.
    func setUserActive(id: String, isActive: Bool, at: Date) async throws -> UserRecord?
    /// Marks a user deleted (and inactive) for good. `nil` when it was already deleted or is unknown.
    func deleteUser(id: String, at: Date) async throws -> UserRecord?
    /// Live users of an organisation ordered by id, after `afterId`, at most `limit`.
    func users(orgId: String, serviceAccounts: Bool, kind: UserKind?, afterId: String?, limit: Int) async throws -> [UserRecord]
}

/// Credentials (public keys).
package protocol CredentialRepository: Sendable {
    /// Throws ``StoreError/conflict(_:)`` when the key or credId is already registered in the organisation.
    func insertCredential(_ credential: CredentialRecord) async throws
    func credential(uuid: String) async throws -> CredentialRecord?
    /// The credentials (deleted ones included) among `uuids`, in one query.
    func credentials(uuids: [String]) async throws -> [CredentialRecord]
    func credential(orgId: String, credentialId: String) async throws -> CredentialRecord?
    /// Whether any credential of any organisation, deleted or not, has this `credId` or this `cr-…`
    /// uuid: the two are one namespace, so a new `credId` can never shadow another credential.
    func credentialIdentifierTaken(_ identifier: String) async throws -> Bool
    /// Whether any credential of the organisation, active or not, has this key.
    func credentialExists(orgId: String, fingerprint: String) async throws -> Bool
    /// The credentials of an identity that are not deleted, oldest first.
    func credentials(identityId: String) async throws -> [CredentialRecord]
    /// The credentials (not deleted, oldest first) of each of `identityIds`, in one query.
    func credentials(identityIds: [String]) async throws -> [CredentialRecord]
    /// The credentials (not deleted, oldest first) of every token of `userId` of `kind`, in one
    /// query whatever their number: a list of PATs reads a fixed number of times.
    func tokenCredentials(userId: String, kind: TokenKind) async throws -> [CredentialRecord]
    /// Deletes a credential for good (it stays, inactive, for the audit log). `nil` when already deleted or unknown.
    func deleteCredential(uuid: String) async throws -> CredentialRecord?
    /// Marks a passkey as possibly cloned (never unmarked here) and deactivates it: it stays refused
    /// until re-enabled with another credential.
    func flagCredential(uuid: String) async throws
    func setCredentialActive(uuid: String, isActive: Bool) async throws
    /// Stores a passkey's BS (backed up) flag as its latest assertion showed it.
    func recordBackupState(uuid: String, backedUp: Bool) async throws
}

/// Bookkeeping (``CredentialCounterRow``, ``RegistrationCodeRow``, ``TokenUsageRow``): writes that
/// announce nothing, so they leave every cache warm. Whatever decides access is written to the
/// authorization tables in the same call (a used code registers its user).
package protocol BookkeepingRepository: Sendable {
    /// Gives a live user a new one-time registration code (its digest), replacing any earlier one and
    /// its failures. `nil` when the user is gone.
    func setRegistrationCode(userId: String, digest: String, expiresAt: Date) async throws -> UserRecord?
    /// The user's outstanding registration code, expired or not.
    func registrationCode(userId: String) async throws -> RegistrationCodeRow?
    /// Uses up a live, active user's registration code if `digest` is it and it has not expired, and
    /// marks the user registered, in one transaction. `false` when it was not (already used, replaced,
    /// expired): decided by the database. Throws ``StoreError/notFound`` (and uses nothing up) when
    /// the user was deleted or deactivated meanwhile.
    func consumeRegistrationCode(userId: String, digest: String, at: Date) async throws -> Bool
    /// Counts a wrong guess against the user's code whose digest is `digest` (not against a newer
    /// one); at ``maximumFailures`` the code dies.
    func recordRegistrationCodeFailure(userId: String, digest: String) async throws
    /// A passkey's signature counter as last seen: the greater of its count at registration and at its
    /// latest use.
    func signCount(of credential: CredentialRecord) async throws -> Int64
    /// The latest stored use of a passkey's counter (`nil` before its first use since registration).
    func counter(of credential: CredentialRecord) async throws -> CredentialCounterRow?
    /// Raises a passkey's signature counter to `signCount`, recorded at `date`, as a compare-and-set:
    /// `false` when it was already there or beyond (another answer raised it meanwhile), and then
    /// nothing is written.
    func recordSignCount(uuid: String, signCount: Int64, at date: Date) async throws -> Bool
    /// Records when tokens were last presented (later times only: a record never moves back), in one
    /// statement per 400 tokens.
    func recordTokenUses(_ uses: [String: Date]) async throws
    /// Adds a recovery code unless the person already holds `limit` unexpired ones (then `false`).
    func addRecoveryCode(userId: String, digest: String, expiresAt: Date, at: Date, keeping limit: Int) async throws -> Bool
    /// Whether the digest is one of the person's unexpired recovery codes.
    func recoveryCodeIsValid(userId: String, digest: String, at: Date) async throws -> Bool
    /// Uses that code up, once.
    func consumeRecoveryCode(userId: String, digest: String, at: Date) async throws -> Bool
    /// Deletes every outstanding recovery, registration and credential code of the person.
    func deleteOutstandingCodes(userId: String) async throws
    /// When each of `tokenIds` was last presented, for those used since the record began.
    func lastUses(tokenIds: [String]) async throws -> [String: Date]
    /// Records the clients that presented tokens (a pair seen again moves forward only), keeping
    /// each token's ``TokenClientRow/kept`` most recent.
    func recordTokenClients(_ clients: [TokenClientRow]) async throws
    /// The kept clients of each of `tokenIds`, most recent first.
    func tokenClients(tokenIds: [String]) async throws -> [String: [TokenClientRow]]
}

/// Access tokens (logins, PATs, service-account tokens).
package protocol AccessTokenRepository: Sendable {
    func insertToken(_ token: AccessTokenRecord) async throws
    func token(id: String) async throws -> AccessTokenRecord?
    /// Live (not deleted) tokens of a user of one kind, oldest first.
    func tokens(userId: String, kind: TokenKind) async throws -> [AccessTokenRecord]
    /// Live tokens of `kind` of each of `userIds`, oldest first, in one query.
    func tokens(userIds: [String], kind: TokenKind) async throws -> [AccessTokenRecord]
    /// Whether a live PAT of `userId` other than `tokenId` has a name whose uniqueness key is `key`
    /// (``AccessTokenRecord/key(for:)``): the question the unique index answers, in one index lookup.
    func patNameInUse(key: String, userId: String, except tokenId: String?) async throws -> Bool
    // Each write changes only its own columns, conditionally on the row's current state, and
    // returns the row as it now is: no lifecycle column is ever written back from an earlier read,
    // so a rename racing a deactivation or a deletion cannot undo it.

    /// Renames a live token. `nil` when it is deleted or unknown.
    func updateTokenDetails(id: String, name: String, externalId: String?, at: Date) async throws -> AccessTokenRecord?
    /// Activates or deactivates a live token. `nil` when it is deleted or unknown.
    func setTokenActive(id: String, isActive: Bool, at: Date) async throws -> AccessTokenRecord?
    /// Deletes a token for good (it stays, inactive, for the audit log). `nil` when already deleted or unknown.
    func deleteToken(id: String, at: Date) async throws -> AccessTokenRecord?
    /// How many undeleted tokens there are of each kind and state (`active`, `inactive`, `expired`
    /// at `date`), across organisations: for the metrics.
    func tokenCounts(at date: Date) async throws -> [TokenCount]
    /// Ends every active login session of a user.
    func deactivateLoginSessions(userId: String, at: Date) async throws
    /// Ends every active login session opened with a credential.
    func deactivateLoginSessions(credentialUuid: String, at: Date) async throws
}

/// A number of tokens of one kind in one state (``AccessTokenRepository/tokenCounts(at:)``).
package struct TokenCount: Sendable, Equatable {
    package let kind: TokenKind
    /// `active`, `inactive` or `expired`.
    package let state: String
    package let count: Int
}

/// Roles and their assignments.
package protocol RoleRepository: Sendable {
    func insertRole(_ role: RoleRecord) async throws
    func role(id: String) async throws -> RoleRecord?
    func role(orgId: String, name: String) async throws -> RoleRecord?
    func roles(orgId: String, afterId: String?, limit: Int) async throws -> [RoleRecord]
    func updateRole(_ role: RoleRecord) async throws
    /// Throws ``StoreError/conflict(_:)`` when the role is already assigned to the identity.
    func insertAssignment(_ assignment: AssignmentRecord) async throws
    func assignment(id: String) async throws -> AssignmentRecord?
    func deleteAssignment(id: String) async throws
    func assignments(permissionId: String, afterId: String?, limit: Int) async throws -> [AssignmentRecord]
    /// The assignments of an identity with their roles, archived roles included (its own: see
    /// ``groupAssignedRoles(userIds:)`` for those of its user groups).
    func assignedRoles(identityId: String) async throws -> [(AssignmentRecord, RoleRecord)]
    /// The assignments with their roles (archived ones included) of each of `identityIds`, in one query.
    func assignedRoles(identityIds: [String]) async throws -> [(AssignmentRecord, RoleRecord)]
    /// The roles each user holds through their user groups (archived ones included): the group's
    /// assignment (its `identityId` the group's), with the member it applies to, in one query.
    func groupAssignedRoles(userIds: [String]) async throws -> [(userId: String, assignment: AssignmentRecord, role: RoleRecord)]
    /// The assignments (with their roles) of every token of `userId` of `kind`, in one query.
    func tokenAssignedRoles(userId: String, kind: TokenKind) async throws -> [(AssignmentRecord, RoleRecord)]
    /// What an identity's non-archived roles grant, together: its own and its user groups'.
    func permissions(identityId: String) async throws -> PermissionSet
    /// The active, live people (not service accounts) of an organisation who hold a non-archived
    /// role that grants every operation.
    func fullAdministrators(orgId: String) async throws -> [String]
}

/// User groups and their members (a group's roles apply to its members through ``RoleRepository``).
package protocol UserGroupRepository: Sendable {
    /// Throws ``StoreError/conflict(_:)`` when the organisation has a group of that name.
    func insertUserGroup(_ group: UserGroupRecord) async throws
    func userGroup(id: String) async throws -> UserGroupRecord?
    func userGroups(orgId: String, afterId: String?, limit: Int) async throws -> [UserGroupRecord]
    /// Throws ``StoreError/conflict(_:)`` when the new name is another group's.
    func updateUserGroup(_ group: UserGroupRecord) async throws
    /// Deletes the group with its memberships and the assignments of roles to it, together.
    func deleteUserGroup(id: String) async throws
    /// How many live users each group has.
    func userGroupMemberCounts(groupIds: [String]) async throws -> [String: Int]
    /// The group's live members, by user id.
    func userGroupMembers(groupId: String, afterId: String?, limit: Int) async throws -> [UserRecord]
    /// Adds the users (those already members stay as they are).
    func addUserGroupMembers(groupId: String, userIds: [String], at: Date) async throws
    func removeUserGroupMembers(groupId: String, userIds: [String]) async throws
}

/// Challenges waiting for signatures.
package protocol ChallengeRepository: Sendable {
    func insertChallenge(_ challenge: ChallengeRecord) async throws
    func challenge(id: String) async throws -> ChallengeRecord?
    /// Marks the challenge answered. Returns `false` when it was already answered or has expired:
    /// a challenge is answered at most once, decided by the database.
    func consumeChallenge(id: String, at: Date) async throws -> Bool
    /// Counts a wrong answer to a challenge; at ``maximumFailures`` the challenge dies (as if answered).
    func recordChallengeFailure(id: String, at: Date) async throws
    func insertCredentialCode(_ code: CredentialCodeRow) async throws
    /// Uses the code up, once: its row when it was unused and unexpired at `at`, else `nil`.
    func consumeCredentialCode(digest: String, at: Date) async throws -> CredentialCodeRow?
    /// Deletes challenges, registration codes, Fast Auth nonces, and user actions never used, that
    /// expired before `date`, and the last uses of tokens deleted or expired before it. Used user
    /// actions are the audit trail and stay. Returns how many records were deleted.
    func purgeExpired(before date: Date) async throws -> Int
}

/// Signed user actions and the audit trail they form.
package protocol UserActionRepository: Sendable {
    /// Records a Fast Auth nonce as used until `expiry` and, in the same write, the request's audit
    /// record; `false` (and nothing recorded) when the nonce was used before (on any node: the
    /// database's primary key decides). The nonce and the record are one transaction, in which the
    /// record joins its organisation's audit chain.
    func useFastAuthNonce(_ nonce: String, orgId: String, until expiry: Date, recording action: UserActionRecord) async throws -> Bool
    func insertUserAction(_ action: UserActionRecord) async throws
    func userAction(id: String) async throws -> UserActionRecord?
    /// Marks the action used, noting `resultStatus` and `outcome` (how its request is presumed to
    /// end, when that is known) on its audit record. Returns `false` when it was already used or
    /// has expired: a user action is used at most once, decided by the database.
    func consumeUserAction(id: String, at: Date, resultStatus: Int?, outcome: String?) async throws -> Bool
    /// Notes the status (and what else the request did, if anything) on the action's audit record.
    func recordUserActionResult(id: String, status: Int, outcome: String?) async throws
    /// The organisation's audit records after chain position `index`, in chain order, at most `limit`.
    func auditRecords(orgId: String, after index: Int64, limit: Int) async throws -> [UserActionRecord]
    /// Used actions performed between the dates, optionally by one user, newest first.
    func performedUserActions(orgId: String, from: Date, to: Date, userId: String?, limit: Int) async throws -> [UserActionRecord]
}

extension UserActionRepository {
    /// Marks the action used; its status is written when its request ends.
    package func consumeUserAction(id: String, at date: Date) async throws -> Bool {
        try await consumeUserAction(id: id, at: date, resultStatus: nil, outcome: nil)
    }
}

/// The keys that sign Signet's JWTs.
package protocol SigningKeyRepository: Sendable {
    /// Every signing key, oldest first.
    func signingKeys() async throws -> [SigningKeyMaterial]
    func insertSigningKey(_ key: SigningKeyMaterial) async throws
}

/// Everything Signet persists, with transactions across it.
package protocol SignetStore: OrganizationRepository, UserRepository, CredentialRepository, AccessTokenRepository,
    BookkeepingRepository, RoleRepository, UserGroupRepository, ChallengeRepository, UserActionRepository, SigningKeyRepository,
    WebhookRepository, TokenInventoryRepository, PolicyRepository
{
    /// Whether a signed request's single use is best written in the transaction of its first change
    /// (``DeferredSingleUse``: SQLite, whose one writer shares commits) rather than in a transaction
    /// of its own before the handler runs (PostgreSQL: there writers run side by side, and a change
    /// would hold its rows while the use joins the organisation's audit chain, which writers of an
    /// organisation take one at a time).
    var writesSingleUseWithChange: Bool { get }
    /// Runs `body` in one transaction: everything it writes is committed together, or nothing is.
    /// While a signed request's handler runs, its first transaction (and its first single write)
    /// also writes the request's single use, last, and throws its refusal on a replay
    /// (``DeferredSingleUse``).
    func transaction<T: Sendable>(_ body: @Sendable (any SignetStore) async throws -> T) async throws -> T
    /// Inside a transaction: waits until no other transaction (on any node) holds `key`, then holds
    /// it until commit. Use it for checks that unique indexes cannot express.
    func lock(_ key: String) async throws
    /// Applies pending schema migrations and creates the first token-signing key.
    func migrate() async throws
    /// Committed changes, for caches.
    var changes: ChangeFeed { get }
    /// Releases the store's connections.
    func shutdown() async throws
}
