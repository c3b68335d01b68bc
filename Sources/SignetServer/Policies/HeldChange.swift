import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// A change a policy may hold: what it would write, and the `updated_at` (milliseconds) of the
/// entity it changes, so applying it later is refused when the entity changed meanwhile.
struct HeldChange: Sendable {
    /// `Assignment`, `Permission`, `Policy`, `GatewayRequest`, `PersonalAccessToken` or `ServiceAccount`.
    var kind: String
    /// `Create`, `Update` or `Delete`.
    var operationKind: String
    var entityId: String
    var body: ChangeRequestBody
    var basis: Int64? = nil

    /// The operation the initiator must still hold when the change is applied.
    var operation: OperationName? {
        switch (kind, operationKind) {
        case ("Assignment", "Create"): .permissionsAssign
        case ("Assignment", "Delete"): .permissionsRevoke
        case ("Permission", "Update"): .permissionsUpdate
        case ("Permission", "Delete"): .permissionsDelete
        case ("Policy", "Create"): .policiesCreate
        case ("Policy", "Update"): .policiesUpdate
        case ("Policy", "Delete"): .policiesDelete
        case ("PersonalAccessToken", "Create"): .patsCreate
        case ("ServiceAccount", "Create"): .serviceAccountsCreate
        default: nil
        }
    }
}

/// An approval's requirement as stored with it (fixed when the change was asked for).
struct StoredRequirement: Codable, Sendable {
    struct Group: Codable, Sendable {
        var policyId: String
        var name: String?
        var quorum: Int
        var approverIds: [String]?
        var initiatorCanApprove: Bool
    }

    var groups: [Group]
    var policyIds: [String]
    var autoRejectTimeout: Int?

    init(_ requirement: ApprovalRequirement) {
        groups = requirement.groups.map {
            Group(
                policyId: $0.policyId,
                name: $0.group.name,
                quorum: $0.group.quorum,
                approverIds: $0.group.approverIds,
                initiatorCanApprove: $0.group.initiatorCanApprove
            )
        }
        policyIds = requirement.policyIds
        autoRejectTimeout = requirement.autoRejectTimeout
    }

    var requirement: ApprovalRequirement {
        ApprovalRequirement(
            groups: groups.map {
                ApprovalRequirement.Group(
                    policyId: $0.policyId,
                    group: ApprovalGroup(name: $0.name, quorum: $0.quorum, approverIds: $0.approverIds, initiatorCanApprove: $0.initiatorCanApprove)
                )
            },
            policyIds: policyIds,
            autoRejectTimeout: autoRejectTimeout
        )
    }
}

/// What became of an approved gateway request sent on.
enum HeldForwardOutcome: Sendable {
    /// The upstream answered (whatever its status).
    case answered(HeldGatewayResponse)
    /// It could not be sent, or the upstream could not be reached: why.
    case failed(String)
}

/// Sends an approved gateway request on (the gateway served, when there is one).
protocol HeldRequestForwarding: Sendable {
    func forward(_ request: HeldGatewayRequest, approval: ApprovalRecord, requester: ChangeRequester, approvers: [String]) async -> HeldForwardOutcome
}
