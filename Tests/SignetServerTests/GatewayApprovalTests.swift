import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetTestFixtures
import Testing

/// Gateway routes whose operation a policy names: held, approved, forwarded once (a Signet
/// extension of Dfns Policies v2).
@Suite("Gateway: requests held for approval")
struct GatewayApprovalTests {
    @Test(
        "A request a policy names answers 202, reaches nothing until approved, then is forwarded once with its approval",
        arguments: TestDatabase.available
    )
    func heldAndForwarded(database: TestDatabase.Kind) async throws {
        try await GatewayForwardingTests.withGateway(database) { server, api, _, upstream in
            let f = try await PolicyFixtures.make(server, api)
            let policy = try await f.createPolicy(
                CreatePolicyRequest(
                    name: "New wallets need two",
                    activityKind: "Wallets:Create",
                    action: PolicyFixtures.approval([(2, [0, 1, 2])], ids: f.approverIds)
                )
            )
            let body = #"{"network":"Ethereum"}"#
            let action = try await api.userAction(as: f.admin, method: "POST", path: "/wallets", payload: body)
            let held = try await api.send(
                .post,
                "/wallets",
                token: f.admin.token,
                body: body,
                headers: ["X-DFNS-USERACTION": action, "Cookie": "session=secret", "Idempotency-Key": "k-1"]
            )
            #expect(held.status == .accepted, "\(held.body)")
            let change = try held.decode(ChangeRequest.self)
            #expect(change.kind == "GatewayRequest" && change.operationKind == "Forward" && change.status == "Pending")
            guard case .gatewayRequest(let request) = change.body else {
                Issue.record("body: \(change.body)")
                return
            }
            #expect(request.method == "POST" && request.target == "/wallets" && request.operation == "Wallets:Create")
            #expect(request.body == Data(body.utf8).base64EncodedString() && request.userActionId?.hasPrefix("ua-") == true)
            let kept = request.headers.map { $0.name.lowercased() }
            #expect(kept.contains("idempotency-key") && !kept.contains("cookie"), "approvers see what is kept: no cookies")
            let approvalId = try #require(change.approvalId)
            #expect(upstream.requests.isEmpty, "nothing is forwarded while pending")
            let replay = try await api.send(.post, "/wallets", token: f.admin.token, body: body, headers: ["X-DFNS-USERACTION": action])
            #expect(replay.status == .forbidden, "its user action was used up by the held request: \(replay.body)")

            #expect(try await f.decide(approvalId, "Approved", as: f.approvers[0]).status == .ok)
            #expect(upstream.requests.isEmpty)
            let last = try await f.decide(approvalId, "Approved", as: f.approvers[1])
            let approved = try last.decode(PolicyApproval.self)
            #expect(approved.status == "Approved" && approved.activity.changeRequest.status == "Applied", "\(last.body)")
            guard case .gatewayRequest(let forwarded) = approved.activity.changeRequest.body else {
                Issue.record("\(last.body)")
                return
            }
            #expect(forwarded.response?.status == 200 && forwarded.response?.body == Data("ok".utf8).base64EncodedString())
            #expect(approved.policyEvaluations.map(\.policyId) == [policy.id])

            #expect(upstream.requests.count == 1, "forwarded exactly once")
            let received = try #require(upstream.requests.first)
            #expect(received.body == Array(body.utf8) && received.target == "/api/v1/wallets")
            #expect(received.header("X-Signet-Approval-Id") == approvalId && received.header("Cookie") == nil)
            #expect(received.header("Idempotency-Key") == "k-1" && received.header("X-Signet-User-Action-Id") == request.userActionId)
            let claims = try GatewayDecisionTests.claims(received.header("X-Signet-Identity"))
            #expect(claims["approval_id"] == .string(approvalId) && claims["approvers"] == .array([.string(f.approverIds[0]), .string(f.approverIds[1])]))

            #expect(try await f.decide(approvalId, "Approved", as: f.approvers[2]).status == .conflict, "no longer pending")
            #expect(try await f.approval(approvalId).activity.changeRequest.status == "Applied" && upstream.requests.count == 1)
            try await Self.expectAudited(approvalId, heldBy: request.userActionId, f)
        }
    }

    /// The audit log says what each signed request did: held, then approved and forwarded.
    static func expectAudited(_ approvalId: String, heldBy actionId: String?, _ f: PolicyFixtures) async throws {
        let logs = try await f.api.send(.get, "/auth/action/logs", token: f.admin.token).decode(ListResponse<AuditLog>.self).items
        let asked = try #require(logs.first { $0.id == actionId })
        #expect(asked.responseStatus == 202 && asked.outcome == "held for approval \(approvalId) (GatewayRequest Forward)", "\(asked)")
        let decisions = logs.filter { $0.httpPath == "/v2/policy-approvals/\(approvalId)/decisions" && $0.responseStatus == 200 }
        #expect(decisions.compactMap(\.outcome) == ["approval \(approvalId) Approved: change Applied; upstream answered 200"], "\(decisions)")
    }

    @Test("Denied and blocked requests are never forwarded; /auth/check refuses what a policy covers", arguments: [TestDatabase.Kind.sqlite])
    func deniedAndBlocked(database: TestDatabase.Kind) async throws {
        try await GatewayForwardingTests.withGateway(database) { server, api, _, upstream in
            let f = try await PolicyFixtures.make(server, api)
            let unknown = try await api.signed(
                .post,
                "/v2/policies",
                as: f.admin,
                body: #"{"name":"x","activityKind":"Payments:Create","rule":{"kind":"AlwaysTrigger"},"action":{"kind":"Block"}}"#
            )
            #expect(unknown.status == .badRequest && unknown.errorMessage?.contains("gateway route") == true, "\(unknown.body)")

            try await f.createPolicy(
                CreatePolicyRequest(name: "Notes", activityKind: "Wallets:Tags:Add", action: PolicyFixtures.approval([(1, nil)], ids: f.approverIds))
            )
            // A configuration whose routes no longer serve the operation is refused while the policy is active.
            await #expect(throws: GatewayConfiguration.Failure.self) { try await Gateway.checkPolicies(of: server.store, serving: ["Wallets:Read"]) }
            try await Gateway.checkPolicies(of: server.store, serving: ["Wallets:Read", "Wallets:Tags:Add"])
            let gzipped = try await api.send(.put, "/wallets/wa-1/notes", token: f.admin.token, body: "note", headers: ["Content-Encoding": "gzip"])
            #expect(gzipped.status == .unsupportedMediaType, "approvers must read the body as sent: \(gzipped.body)")
            let held = try await api.send(.put, "/wallets/wa-1/notes", token: f.admin.token, body: "note")
            #expect(held.status == .accepted, "\(held.body)")
            let approvalId = try #require(try held.decode(ChangeRequest.self).approvalId)
            let denied = try await f.decide(approvalId, "Denied", as: f.approvers[0])
            #expect(try denied.decode(PolicyApproval.self).activity.changeRequest.status == "Rejected", "\(denied.body)")

            let block = try await f.createPolicy(
                CreatePolicyRequest(name: "No reads", activityKind: "Wallets:Read", action: PolicyActionBody(kind: "Block"))
            )
            let refused = try await api.send(.get, "/wallets", token: f.admin.token)
            #expect(refused.status == .forbidden && refused.body.contains("PolicyBlocked"), "\(refused.body)")
            let check = try await api.send(
                .get,
                "/auth/check",
                token: f.admin.token,
                headers: ["X-Original-Method": "GET", "X-Original-URI": "/wallets"]
            )
            #expect(check.status == .forbidden, "\(check.body)")
            #expect(upstream.requests.isEmpty)

            // Archiving the policy counts from the next request on.
            #expect(try await api.signed(.delete, "/v2/policies/\(block.id)", as: f.admin).status == .ok)
            #expect(try await api.send(.get, "/wallets", token: f.admin.token).status == .ok)
            #expect(upstream.requests.count == 1)
        }
    }

    @Test("An approved request whose token was deactivated meanwhile fails and is never forwarded", arguments: [TestDatabase.Kind.sqlite])
    func revokedMeanwhile(database: TestDatabase.Kind) async throws {
        try await GatewayForwardingTests.withGateway(database) { server, api, _, upstream in
            let f = try await PolicyFixtures.make(server, api)
            try await f.createPolicy(
                CreatePolicyRequest(name: "Notes", activityKind: "Wallets:Tags:Add", action: PolicyFixtures.approval([(1, nil)], ids: f.approverIds))
            )
            let (pat, asPat) = try await api.createPat(as: f.admin)
            let held = try await api.send(.put, "/wallets/wa-1/notes", token: asPat.token, body: "note")
            #expect(held.status == .accepted, "\(held.body)")
            let approvalId = try #require(try held.decode(ChangeRequest.self).approvalId)
            #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)/deactivate", as: f.admin).status == .ok)
            let approved = try await f.decide(approvalId, "Approved", as: f.approvers[0])
            let change = try approved.decode(PolicyApproval.self).activity.changeRequest
            #expect(change.status == "Failed" && change.failureReason?.contains("deactivated") == true, "\(approved.body)")
            #expect(upstream.requests.isEmpty)
        }
    }
}
