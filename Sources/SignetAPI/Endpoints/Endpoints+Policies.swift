extension Endpoints {
    // MARK: Policies and approvals (Dfns Policies v2, the access activities)

    /// `GET /v2/policies` (paginated; `status` = `Active` or `Archived`).
    public static let listPolicies = Endpoint<NoBody, ListResponse<Policy>>(
        "listPolicies",
        .GET,
        "/v2/policies",
        operation: "Policies:Read",
        rate: .read
    )
    /// `POST /v2/policies`: a `Policies:Modify` activity (HTTP 202 when a policy holds it).
    public static let createPolicy = Endpoint<CreatePolicyRequest, Policy>(
        "createPolicy",
        .POST,
        "/v2/policies",
        signed: true,
        operation: "Policies:Create",
        rate: .write,
        note: "a Policies:Modify activity: answers 202 with the pending change request when a policy holds it"
    )
    /// `GET /v2/policies/{policyId}`.
    public static let getPolicy = Endpoint<NoBody, Policy>("getPolicy", .GET, "/v2/policies/{policyId}", operation: "Policies:Read", rate: .read)
    /// `PUT /v2/policies/{policyId}`: replaces an active policy (HTTP 202 when a policy holds it).
    public static let updatePolicy = Endpoint<CreatePolicyRequest, Policy>(
        "updatePolicy",
        .PUT,
        "/v2/policies/{policyId}",
        signed: true,
        operation: "Policies:Update",
        rate: .write,
        note: "a Policies:Modify activity that also needs the policy's own approval groups: answers 202 when held"
    )
    /// `DELETE /v2/policies/{policyId}`: archives it (HTTP 202 when a policy holds it).
    public static let archivePolicy = Endpoint<NoBody, Policy>(
        "archivePolicy",
        .DELETE,
        "/v2/policies/{policyId}",
        signed: true,
        operation: "Policies:Delete",
        rate: .write,
        note: "archives; a Policies:Modify activity that also needs the policy's own approval groups: answers 202 when held"
    )
    /// `GET /v2/policy-approvals` (paginated; `status`, `initiatorId`, `approverId`).
    public static let listApprovals = Endpoint<NoBody, ListResponse<PolicyApproval>>(
        "listApprovals",
        .GET,
        "/v2/policy-approvals",
        operation: "Policies:Evaluations:Read",
        rate: .read
    )
    /// `GET /v2/policy-approvals/{approvalId}`.
    public static let getApproval = Endpoint<NoBody, PolicyApproval>(
        "getApproval",
        .GET,
        "/v2/policy-approvals/{approvalId}",
        operation: "Policies:Evaluations:Read",
        rate: .read
    )
    /// `POST /v2/policy-approvals/{approvalId}/decisions`: approve or deny; the decision that meets
    /// the last quorum applies the change.
    public static let decideApproval = Endpoint<CreateApprovalDecisionRequest, PolicyApproval>(
        "decideApproval",
        .POST,
        "/v2/policy-approvals/{approvalId}/decisions",
        signed: true,
        operation: "Policies:Evaluations:Vote",
        rate: .write,
        note: "people only (never a service account); each approver once; the initiator only where a group allows, or to deny"
    )
    /// `POST /v2/policy-approvals/{approvalId}/claim` (a Signet extension): the initiator of an
    /// approved PAT or service-account creation receives it, with its token, once.
    public static let claimApproval = Endpoint<NoBody, ClaimedToken>(
        "claimApproval",
        .POST,
        "/v2/policy-approvals/{approvalId}/claim",
        signed: true,
        rate: .write,
        note: "the approval's initiator only, once; they must still hold Auth:Pats:Create or Auth:ServiceAccounts:Create (a PAT: from a person's login)"
    )

    /// The routes a policy may hold for approval: they answer HTTP 202 with a ``ChangeRequest``
    /// (pending) instead of their usual answer when a policy covers the change.
    public static let heldByPolicies: Set<String> = [
        assignRole.rule.name, revokeRole.rule.name, updateRole.rule.name, archiveRole.rule.name, deleteRole.rule.name,
        createPolicy.rule.name, updatePolicy.rule.name, archivePolicy.rule.name, createPat.rule.name, createServiceAccount.rule.name,
    ]

    static let policies: [EndpointRule] = [
        listPolicies.rule, createPolicy.rule, getPolicy.rule, updatePolicy.rule, archivePolicy.rule, listApprovals.rule, getApproval.rule,
        decideApproval.rule, claimApproval.rule,
    ]
}
