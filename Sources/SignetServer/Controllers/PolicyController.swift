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
        routes.add(Endpoints.decideApproval, to: router) { call in
            try await approvals.decide(try call.parameter("approvalId"), call.body, caller: call.caller)
        }
        routes.add(Endpoints.claimApproval, to: router) { call in try await approvals.claim(try call.parameter("approvalId"), caller: call.caller) }
    }
}

extension Governed: ResponseGenerator {
    /// 200 with the value, or 202 with the pending change request.
    func response(from request: Request, context: some RequestContext) throws -> Response {
        switch self {
        case .done(let value): try JSONResponse(value).response(from: request, context: context)
        case .held(let change): try JSONResponse(change, status: .accepted).response(from: request, context: context)
        }
    }
}
