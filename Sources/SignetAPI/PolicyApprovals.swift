public import Foundation

/// Who asked for a held change.
public struct ChangeRequester: Codable, Sendable, Equatable {
    public var userId: String
    /// The token they used (a PAT's `to-…`, or a login's).
    public var tokenId: String?

    public init(userId: String, tokenId: String?) {
        self.userId = userId
        self.tokenId = tokenId
    }
}

/// What a held change would write: an assignment, a permission (role) or a policy, as it will be;
/// or (Signet extensions) a request to a gateway route, or a PAT or service account to create.
public indirect enum ChangeRequestBody: Codable, Sendable, Equatable {
    case assignment(Assignment)
    case permission(Permission)
    case policy(Policy)
    case gatewayRequest(HeldGatewayRequest)
    case token(HeldTokenRequest)

    public init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        if keys.contains("tokenKind") {
            self = .token(try HeldTokenRequest(from: decoder))
        } else if keys.contains("upstream") {
            self = .gatewayRequest(try HeldGatewayRequest(from: decoder))
        } else if keys.contains("identityId") {
            self = .assignment(try Assignment(from: decoder))
        } else if keys.contains("activityKind") {
            self = .policy(try Policy(from: decoder))
        } else {
            self = .permission(try Permission(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .assignment(let value): try value.encode(to: encoder)
        case .permission(let value): try value.encode(to: encoder)
        case .policy(let value): try value.encode(to: encoder)
        case .gatewayRequest(let value): try value.encode(to: encoder)
        case .token(let value): try value.encode(to: encoder)
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// A change a policy holds for approval (Dfns' change request).
public struct ChangeRequest: Codable, Sendable, Equatable {
    /// `cr-…` in Dfns; Signet's are `cq-…` (its `cr-…` are credentials).
    public var id: String
    public var requester: ChangeRequester
    /// `Assignment`, `Permission` or `Policy`; `GatewayRequest`, `PersonalAccessToken` or
    /// `ServiceAccount` for Signet's own kinds.
    public var kind: String
    /// `Create`, `Update` or `Delete`; `Forward` for a gateway request.
    public var operationKind: String
    /// `Pending`, `Applied`, `Failed` or `Rejected`; a gateway request is `Forwarding` between its
    /// approval and the upstream's answer (and stays so if the node died meanwhile: never resent);
    /// a PAT or service account is `Claimable` between its approval and its initiator's claim.
    public var status: String
    /// The assignment, permission or policy it changes; the upstream's name for a gateway request;
    /// the PAT's token id, or the service account's user id, once claimed (empty before).
    public var entityId: String
    public var dateCreated: Date
    public var dateResolved: Date?
    public var approvalId: String?
    public var body: ChangeRequestBody
    /// Why a change whose approval was met was not applied (`Failed`): a Signet extension.
    public var failureReason: String?

    public init(
        id: String,
        requester: ChangeRequester,
        kind: String,
        operationKind: String,
        status: String,
        entityId: String,
        dateCreated: Date,
        dateResolved: Date? = nil,
        approvalId: String? = nil,
        body: ChangeRequestBody,
        failureReason: String? = nil
    ) {
        self.id = id
        self.requester = requester
        self.kind = kind
        self.operationKind = operationKind
        self.status = status
        self.entityId = entityId
        self.dateCreated = dateCreated
        self.dateResolved = dateResolved
        self.approvalId = approvalId
        self.body = body
        self.failureReason = failureReason
    }
}

/// The activity an approval is about: its kind and the held change.
public struct ApprovalActivity: Codable, Sendable, Equatable {
    /// `Permissions:Assign`, `Permissions:Modify` or `Policies:Modify`.
    public var kind: String
    public var changeRequest: ChangeRequest

    public init(kind: String, changeRequest: ChangeRequest) {
        self.kind = kind
        self.changeRequest = changeRequest
    }
}

/// One policy's part in an approval.
public struct PolicyEvaluationResult: Codable, Sendable, Equatable {
    public var policyId: String
    public var triggered: Bool
    public var reason: String

    public init(policyId: String, triggered: Bool, reason: String) {
        self.policyId = policyId
        self.triggered = triggered
        self.reason = reason
    }
}

/// One approver's decision.
public struct PolicyApprovalDecision: Codable, Sendable, Equatable {
    public var userId: String
    public var date: Date
    /// `Approved` or `Denied`.
    public var value: String
    public var reason: String?

    public init(userId: String, date: Date, value: String, reason: String?) {
        self.userId = userId
        self.date = date
        self.value = value
        self.reason = reason
    }

    /// Writes `reason` as `null` when there is none, as Dfns types it (`string | null`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(userId, forKey: .userId)
        try container.encode(date, forKey: .date)
        try container.encode(value, forKey: .value)
        try container.encode(reason, forKey: .reason)
    }

    private enum CodingKeys: String, CodingKey {
        case userId, date, value, reason
    }
}

/// An approval: a held change, the policies that hold it, and the decisions so far.
public struct PolicyApproval: Codable, Sendable, Equatable {
    /// `ap-…`.
    public var id: String
    public var initiatorId: String
    public var activity: ApprovalActivity
    /// `Pending`, `Approved`, `Denied` or `Expired`.
    public var status: String
    public var expirationDate: Date?
    public var dateCreated: Date
    public var dateUpdated: Date
    public var dateResolved: Date?
    public var policyEvaluations: [PolicyEvaluationResult]
    public var decisions: [PolicyApprovalDecision]

    public init(
        id: String,
        initiatorId: String,
        activity: ApprovalActivity,
        status: String,
        expirationDate: Date?,
        dateCreated: Date,
        dateUpdated: Date,
        dateResolved: Date?,
        policyEvaluations: [PolicyEvaluationResult],
        decisions: [PolicyApprovalDecision]
    ) {
        self.id = id
        self.initiatorId = initiatorId
        self.activity = activity
        self.status = status
        self.expirationDate = expirationDate
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.dateResolved = dateResolved
        self.policyEvaluations = policyEvaluations
        self.decisions = decisions
    }
}
