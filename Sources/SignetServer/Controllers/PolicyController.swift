import Hummingbird
import SignetAPI

/// `/v2/policies` and `/v2/policy-approvals` (Dfns Policies v2, the access activities).
///
/// Its routes, whether each is signed and the operation each requires are its ``Endpoints``
/// entries; the rules beyond those are ``PolicyService``'s and ``ApprovalService``'s.
struct PolicyController: Sendable {
    let policies: PolicyService
    let approvals: ApprovalService
    let routes: EndpointRoutes

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        routes.add(Endpoints.listPolicies, to: router) { call in
            try await policies.list(status: call.request.uri.queryParameters["status"].map(String.init), try Pagination(call.request), caller: call.caller)
        }
        routes.add(Endpoints.createPolicy, to: router, responding: { call in try await policies.create(call.body, caller: call.caller) })
        routes.add(Endpoints.getPolicy, to: router) { call in try await policies.get(try call.parameter("policyId"), caller: call.caller) }
        routes.add(Endpoints.updatePolicy, to: router, responding: { call in
            try await policies.update(try call.parameter("policyId"), call.body, caller: call.caller)
        })
        routes.add(Endpoints.archivePolicy, to: router, responding: { call in
            try await policies.archive(try call.parameter("policyId"), caller: call.caller)
        })
        routes.add(Endpoints.listApprovals, to: router) { call in
            try await approvals.list(try ApprovalService.Filter(call.request), try Pagination(call.request), caller: call.caller)
        }
        routes.add(Endpoints.getApproval, to: router) { call in try await approvals.get(try call.parameter("approvalId"), caller: call.caller) }
        routes.add(Endpoints.decideApproval, to: router, responding: { call in
            Audited(try await approvals.decide(try call.parameter("approvalId"), call.body, caller: call.caller))
        })
        routes.add(Endpoints.claimApproval, to: router, responding: { call in
            let id = try call.parameter("approvalId")
            return Audited(try await approvals.claim(id, caller: call.caller), approvalId: id)
        })
    }
}

extension Governed: ResponseGenerator {
    private static func written(_ value: some WireJSONWritable, request: Request, context: some RequestContext) throws -> Response {
        try WireJSONResponse(value: value).response(from: request, context: context)
    }

    /// 200 with the value, or 202 with the pending change request (noted on the audit record).
    func response(from request: Request, context: some RequestContext) throws -> Response {
        switch self {
        case .done(let value):
            // A token's or another answer ``WireJSON`` writes: the same bytes, without Foundation's encoder.
            if let written = value as? any WireJSONWritable { return try Self.written(written, request: request, context: context) }
            return try JSONResponse(value).response(from: request, context: context)
        case .held(let change):
            var response = try JSONResponse(change, status: .accepted).response(from: request, context: context)
            response.headers[SignedRoutes.outcome] = Audited<ChangeRequest>.held(change)
            return response
        }
    }
}

/// A decision's or a claim's answer, with what it did noted on its audit record (``SignedRoutes/outcome``):
/// the approval settled and what became of its change, or what a claim made.
struct Audited<Value: Encodable & Sendable>: ResponseGenerator {
    let value: Value
    let outcome: String?

    init(_ approval: PolicyApproval) where Value == PolicyApproval {
        value = approval
        let change = approval.activity.changeRequest
        var answered = ""
        if case .gatewayRequest(let held) = change.body, let response = held.response { answered = "; upstream answered \(response.status)" }
        outcome =
            approval.status == "Pending"
            ? nil : "approval \(approval.id) \(approval.status): change \(change.status)\(change.failureReason.map { " (\($0))" } ?? "")\(answered)"
    }

    init(_ claimed: ClaimedToken, approvalId: String) where Value == ClaimedToken {
        value = claimed
        outcome =
            switch claimed {
            case .personalAccessToken(let pat): "claimed approval \(approvalId): PAT \(pat.tokenId)"
            case .serviceAccount(let account): "claimed approval \(approvalId): service account \(account.userInfo.userId)"
            }
    }

    /// The outcome of a change held for approval.
    static func held(_ change: ChangeRequest) -> String {
        "held for approval \(change.approvalId ?? "") (\(change.kind) \(change.operationKind))"
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONResponse(value).response(from: request, context: context)
        if let outcome { response.headers[SignedRoutes.outcome] = outcome }
        return response
    }
}
