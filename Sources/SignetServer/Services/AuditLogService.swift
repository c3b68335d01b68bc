import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// The audit log: every completed user action, with its evidence.
struct AuditLogService: Sendable {
    let store: any SignetStore
    let permissions: PermissionService
    /// The current time (injectable, so tests can move it instead of sleeping).
    let now: @Sendable () -> Date

    static let maximumItems = 1000

    /// `GET /auth/action/logs?startTime&endTime&userId`, newest first, at most 1000.
    func list(startTime: String?, endTime: String?, userId: String?, caller: Caller) async throws -> ListResponse<AuditLog> {
        let start = try Self.date(startTime, field: "startTime") ?? Date(timeIntervalSince1970: 0)
        let end = try Self.date(endTime, field: "endTime") ?? now()
        guard start <= end else { throw APIError.badRequest("startTime must not be after endTime") }
        if let userId, !Identifier.isWellFormed(userId, prefix: .user) {
            throw APIError.badRequest("userId must be a user id (us-…)")
        }
        let actions = try await store.performedUserActions(
            orgId: caller.orgId,
            from: start,
            to: end,
            userId: userId,
            limit: Self.maximumItems
        )
        return ListResponse(items: try await Presenter.present(actions, store: store))
    }

    /// `GET /auth/action/logs/{id}`.
    func get(_ id: String, caller: Caller) async throws -> AuditLog {
        guard Identifier.isWellFormed(id, prefix: .userAction), let action = try await store.userAction(id: id),
            action.orgId == caller.orgId, action.usedAt != nil
        else { throw APIError.notFound("audit log \(id) not found") }
        guard let entry = try await Presenter.present([action], store: store).first else {
            throw APIError.notFound("audit log \(id) not found")
        }
        return entry
    }

    /// `GET /auth/audit/export`: the organisation's chain from the start (or after the page token,
    /// a chain position), oldest first, each record with its credential's public key. Two reads
    /// whatever the page's size.
    func export(_ pagination: Pagination, caller: Caller) async throws -> AuditExportPage {
        var after: Int64 = 0
        if let token = pagination.afterId {
            guard let index = Int64(token), index >= 0 else { throw APIError.badRequest("paginationToken is not one this server issued") }
            after = index
        }
        let records = try await store.auditRecords(orgId: caller.orgId, after: after, limit: pagination.fetchLimit)
        let page = pagination.page(records) { String($0.chainIndex ?? 0) }
        let credentials = Dictionary(
            try await store.credentials(uuids: Array(Set(page.items.map(\.credentialUuid)))).map { ($0.uuid, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        return AuditExportPage(
            items: page.items.map { Self.exported($0, credential: credentials[$0.credentialUuid]) },
            nextPageToken: page.nextPageToken
        )
    }

    /// The record as exported: the fields its hash covers, read back as the store hashed them.
    static func exported(_ action: UserActionRecord, credential: CredentialRecord?) -> AuditRecord {
        let entry = action.chainEntry(index: action.chainIndex ?? 0, previous: action.chainPrevious ?? "")
        return AuditRecord(
            index: entry.index, id: entry.id, orgId: entry.orgId, userId: entry.userId, tokenId: entry.tokenId,
            tokenKind: entry.tokenKind, credentialUuid: entry.credentialUuid, challengeId: entry.challengeId,
            httpMethod: entry.httpMethod, httpPath: entry.httpPath, payloadDigest: entry.payloadDigest, clientData: entry.clientData,
            signature: entry.signature, authenticatorData: entry.authenticatorData, audience: entry.audience,
            signedAt: entry.createdAt, usedAt: entry.usedAt, previousHash: entry.previous, hash: action.chainHash ?? "",
            responseStatus: action.resultStatus,
            credential: credential.map {
                AuditRecord.Credential(credentialId: $0.credentialId, kind: $0.kind.rawValue, publicKey: $0.publicKeyPEM)
            }
        )
    }

    /// Reads an ISO-8601 date or Unix seconds, between 1970 and the year 9999 (``QueryValues/date(_:)``);
    /// anything else is refused with a 400 naming `field`.
    static func date(_ text: String?, field: String) throws -> Date? {
        guard let text, !text.isEmpty else { return nil }
        guard let date = QueryValues.date(text) else {
            throw APIError.badRequest("\(field) must be an ISO-8601 date such as 2026-01-31T00:00:00Z, or Unix seconds, between 1970 and 9999")
        }
        return date
    }

    /// Builds entries a batch at a time: one read for their users and one for their credentials,
    /// whatever the number of entries.
    private enum Presenter {
        static func present(_ actions: [UserActionRecord], store: any SignetStore) async throws -> [AuditLog] {
            let users = Dictionary(
                try await store.users(ids: Array(Set(actions.map(\.userId)))).map { ($0.id, $0) },
                uniquingKeysWith: { first, _ in first }
            )
            let credentials = Dictionary(
                try await store.credentials(uuids: Array(Set(actions.map(\.credentialUuid)))).map { ($0.uuid, $0) },
                uniquingKeysWith: { first, _ in first }
            )
            return actions.map { entry($0, user: users[$0.userId], credential: credentials[$0.credentialUuid]) }
        }

        static func entry(_ action: UserActionRecord, user: UserRecord?, credential: CredentialRecord?) -> AuditLog {
            let digest = Hex.sha256(action.payload.utf8)
            var entry = AuditLog(
                id: action.id,
                action: "\(action.httpMethod) \(action.httpPath)",
                actionToken: action.id,
                userId: action.userId,
                username: user?.username,
                tokenId: action.tokenId,
                tokenKind: action.tokenKind,
                httpMethod: action.httpMethod,
                httpPath: action.httpPath,
                payloadDigest: digest,
                datePerformed: action.usedAt,
                dateSigned: action.createdAt,
                responseStatus: action.resultStatus,
                firstFactorCredential: AuditLog.FirstFactorCredential(
                    id: credential?.credentialId ?? "",
                    credentialUuid: action.credentialUuid,
                    kind: credential?.kind,
                    publicKey: credential?.publicKeyPEM ?? "",
                    assertion: AuditLog.FirstFactorCredential.Assertion(
                        authenticatorData: action.authenticatorData.isEmpty ? nil : action.authenticatorData,
                        clientData: action.clientData,
                        signature: action.signature
                    )
                )
            )
            entry.outcome = action.outcome
            return entry
        }
    }
}
