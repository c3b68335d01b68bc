import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// Every write method of the store, run in an order where each one changes at least one row.
enum WriteScenario {
    typealias Write = @Sendable (SQLStore, Fixture) async throws -> Void

    /// The records the writes work on.
    struct Fixture: Sendable {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let orgId: String
        let userId: String
        let otherUserId = Identifier.make(.user)
        let credentialUuid = Identifier.make(.credential)
        let tokenId = Identifier.make(.token)
        let roleId = Identifier.make(.permission)
        let assignmentId = Identifier.make(.assignment)
        let groupId = Identifier.make(.userGroup)
        let challengeId = Identifier.make(.challenge)
        let actionId = Identifier.make(.userAction)
        let webhookId = Identifier.make(.webhook)
        let policyId = Identifier.make(.policy)
        let approvalId = Identifier.make(.approval)

        static func seed(_ store: SQLStore) async throws -> Fixture {
            let (org, user) = try await StoreTests.seed(store)
            return Fixture(orgId: org.id, userId: user.id)
        }
    }

    /// `name(firstLabel)` of each write, as ``WriteProbe/writeMethods(in:)`` finds them in the sources.
    static var writes: [(String, Write)] { coreWrites + webhookWrites + settingsWrites + policyWrites }

    /// The writes of people, tokens, roles and the signed path.
    static let coreWrites: [(String, Write)] = [
        (
            "insertOrganization(_)",
            { store, f in
                try await store.insertOrganization(OrganizationRecord(id: Identifier.make(.organization), name: "Other", createdAt: f.now))
            }
        ),
        (
            "insertUser(_)",
            { store, f in
                try await store.insertUser(
                    UserRecord(id: f.otherUserId, orgId: f.orgId, username: "bo@example.com", name: "Bo", kind: .customerEmployee, createdAt: f.now)
                )
            }
        ),
        (
            "updateUserNames(id)",
            { store, f in
                _ = try await store.updateUserNames(id: f.otherUserId, username: "bo2@example.com", name: "Bo", externalId: nil, at: f.now)
            }
        ),
        (
            "setRegistrationCode(userId)",
            { store, f in
                _ = try await store.setRegistrationCode(userId: f.otherUserId, digest: "d", expiresAt: f.now.addingTimeInterval(60))
            }
        ),
        (
            "consumeRegistrationCode(userId)",
            { store, f in _ = try await store.consumeRegistrationCode(userId: f.otherUserId, digest: "d", at: f.now) }
        ),
        (
            "recordRegistrationCodeFailure(userId)",
            { store, f in
                _ = try await store.setRegistrationCode(userId: f.otherUserId, digest: "e", expiresAt: f.now.addingTimeInterval(60))
                try await store.recordRegistrationCodeFailure(userId: f.otherUserId, digest: "e")
            }
        ),
        ("setUserActive(id)", { store, f in _ = try await store.setUserActive(id: f.otherUserId, isActive: false, at: f.now) }),
        ("deleteUser(id)", { store, f in _ = try await store.deleteUser(id: f.otherUserId, at: f.now) }),
        (
            "insertCredential(_)",
            { store, f in
                let key = try PrivateKey.generate(.ed25519).publicKey
                try await store.insertCredential(
                    CredentialRecord(
                        uuid: f.credentialUuid,
                        orgId: f.orgId,
                        credentialId: "probe",
                        identityId: f.userId,
                        name: "k",
                        publicKeyPEM: key.pemRepresentation,
                        fingerprint: key.fingerprint,
                        algorithm: key.algorithm,
                        createdAt: f.now
                    )
                )
            }
        ),
        ("recordSignCount(uuid)", { store, f in _ = try await store.recordSignCount(uuid: f.credentialUuid, signCount: 7, at: Date()) }),
        ("flagCredential(uuid)", { store, f in try await store.flagCredential(uuid: f.credentialUuid) }),
        ("recordBackupState(uuid)", { store, f in try await store.recordBackupState(uuid: f.credentialUuid, backedUp: true) }),
        ("setCredentialActive(uuid)", { store, f in try await store.setCredentialActive(uuid: f.credentialUuid, isActive: false) }),
        ("deleteCredential(uuid)", { store, f in _ = try await store.deleteCredential(uuid: f.credentialUuid) }),
        (
            "insertToken(_)",
            { store, f in
                try await store.insertToken(
                    AccessTokenRecord(
                        id: f.tokenId,
                        orgId: f.orgId,
                        kind: .login,
                        userId: f.userId,
                        credentialUuid: f.credentialUuid,
                        name: "t",
                        tokenDigest: "d",
                        createdAt: f.now,
                        expiresAt: f.now.addingTimeInterval(60)
                    )
                )
            }
        ),
        ("updateTokenDetails(id)", { store, f in _ = try await store.updateTokenDetails(id: f.tokenId, name: "t2", externalId: nil, at: f.now) }),
        (
            "deactivateLoginSessions(credentialUuid)",
            { store, f in try await store.deactivateLoginSessions(credentialUuid: f.credentialUuid, at: f.now) }
        ),
        ("setTokenActive(id)", { store, f in _ = try await store.setTokenActive(id: f.tokenId, isActive: true, at: f.now) }),
        ("deactivateLoginSessions(userId)", { store, f in try await store.deactivateLoginSessions(userId: f.userId, at: f.now) }),
        ("recordTokenUses(_)", { store, f in try await store.recordTokenUses([f.tokenId: f.now]) }),
        (
            "recordTokenClients(_)",
            { store, f in try await store.recordTokenClients([TokenClientRow(tokenId: f.tokenId, address: "", userAgent: "", lastUsedAt: f.now)]) }
        ),
        ("deleteToken(id)", { store, f in _ = try await store.deleteToken(id: f.tokenId, at: f.now) }),
        (
            "insertRole(_)",
            { store, f in
                try await store.insertRole(RoleRecord(id: f.roleId, orgId: f.orgId, name: "r", operations: ["A"], createdAt: f.now))
            }
        ),
        (
            "updateRole(_)",
            { store, f in
                try await store.updateRole(RoleRecord(id: f.roleId, orgId: f.orgId, name: "r2", operations: ["A", "B"], createdAt: f.now))
            }
        ),
        (
            "insertAssignment(_)",
            { store, f in
                try await store.insertAssignment(
                    AssignmentRecord(id: f.assignmentId, orgId: f.orgId, permissionId: f.roleId, identityId: f.userId, createdAt: f.now)
                )
            }
        ),
        ("deleteAssignment(id)", { store, f in try await store.deleteAssignment(id: f.assignmentId) }),
        (
            "addRecoveryCode(userId)",
            { store, f in
                _ = try await store.addRecoveryCode(userId: f.userId, digest: "r", expiresAt: f.now.addingTimeInterval(60), at: f.now, keeping: 3)
            }
        ),
        ("consumeRecoveryCode(userId)", { store, f in _ = try await store.consumeRecoveryCode(userId: f.userId, digest: "r", at: f.now) }),
        (
            "deleteOutstandingCodes(userId)",
            { store, f in
                _ = try await store.addRecoveryCode(userId: f.userId, digest: "s", expiresAt: f.now.addingTimeInterval(60), at: f.now, keeping: 3)
                try await store.deleteOutstandingCodes(userId: f.userId)
            }
        ),
        (
            "insertCredentialCode(_)",
            { store, f in
                try await store.insertCredentialCode(
                    CredentialCodeRow(
                        digest: "d",
                        orgId: f.orgId,
                        userId: f.userId,
                        tokenId: f.tokenId,
                        expiresAt: f.now.addingTimeInterval(60),
                        createdAt: f.now
                    )
                )
            }
        ),
        ("consumeCredentialCode(digest)", { store, f in _ = try await store.consumeCredentialCode(digest: "d", at: f.now) }),
        (
            "insertUserGroup(_)",
            { store, f in
                try await store.insertUserGroup(UserGroupRecord(id: f.groupId, orgId: f.orgId, name: "g", description: nil, createdAt: f.now))
            }
        ),
        (
            "updateUserGroup(_)",
            { store, f in
                try await store.updateUserGroup(UserGroupRecord(id: f.groupId, orgId: f.orgId, name: "g2", description: "d", createdAt: f.now))
            }
        ),
        ("addUserGroupMembers(groupId)", { store, f in try await store.addUserGroupMembers(groupId: f.groupId, userIds: [f.userId], at: f.now) }),
        ("removeUserGroupMembers(groupId)", { store, f in try await store.removeUserGroupMembers(groupId: f.groupId, userIds: [f.userId]) }),
        ("deleteUserGroup(id)", { store, f in try await store.deleteUserGroup(id: f.groupId) }),
        (
            "insertChallenge(_)",
            { store, f in
                try await store.insertChallenge(
                    ChallengeRecord(
                        id: f.challengeId,
                        orgId: f.orgId,
                        purpose: .userAction,
                        userId: f.userId,
                        tokenId: f.tokenId,
                        challenge: "c",
                        allowedCredentialIds: [],
                        createdAt: f.now,
                        expiresAt: f.now.addingTimeInterval(60)
                    )
                )
            }
        ),
        ("recordChallengeFailure(id)", { store, f in try await store.recordChallengeFailure(id: f.challengeId, at: f.now) }),
        ("consumeChallenge(id)", { store, f in _ = try await store.consumeChallenge(id: f.challengeId, at: f.now) }),
        (
            "insertUserAction(_)",
            { store, f in
                try await store.insertUserAction(
                    UserActionRecord(
                        id: f.actionId,
                        orgId: f.orgId,
                        userId: f.userId,
                        tokenId: f.tokenId,
                        tokenKind: .login,
                        credentialUuid: f.credentialUuid,
                        challengeId: f.challengeId,
                        httpMethod: "PUT",
                        httpPath: "/p",
                        payload: "",
                        clientData: "cd",
                        signature: "s",
                        createdAt: f.now,
                        expiresAt: f.now.addingTimeInterval(60)
                    )
                )
            }
        ),
        (
            "useFastAuthNonce(_)",
            { store, f in
                _ = try await store.useFastAuthNonce(
                    "n-\(UUID())",
                    orgId: f.orgId,
                    until: Date(),
                    recording: UserActionRecord(
                        id: Identifier.make(.userAction),
                        orgId: f.orgId,
                        userId: f.userId,
                        tokenId: f.tokenId,
                        tokenKind: .pat,
                        credentialUuid: f.credentialUuid,
                        challengeId: "fast-auth:n",
                        httpMethod: "PUT",
                        httpPath: "/p",
                        payload: "",
                        clientData: "cd",
                        signature: "s",
                        createdAt: f.now,
                        expiresAt: f.now,
                        usedAt: f.now
                    )
                )
            }
        ),
        ("consumeUserAction(id)", { store, f in _ = try await store.consumeUserAction(id: f.actionId, at: f.now) }),
        ("recordUserActionResult(id)", { store, f in try await store.recordUserActionResult(id: f.actionId, status: 200, outcome: "applied") }),
        ("purgeExpired(before)", { store, f in _ = try await store.purgeExpired(before: f.now.addingTimeInterval(3600)) }),
        ("insertSigningKey(_)", { store, f in try await store.insertSigningKey(SigningKeyMaterial.generate(now: f.now)) }),
    ]
}
