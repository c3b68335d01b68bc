import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetTestFixtures
import Testing

/// `Auth:Pats:Create` and `Auth:ServiceAccounts:Create` policies (Signet's kinds): a token with a
/// role a policy names is held, and once approved its initiator claims it, once.
@Suite("Policies on creating PATs and service accounts")
struct TokenApprovalTests {
    @Test("A PAT with a role a policy names is held; once approved its initiator claims it, once, and it works", arguments: TestDatabase.available)
    func patClaimed(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let f = try await PolicyFixtures.make(server, api)
            try await f.createPolicy(
                CreatePolicyRequest(
                    name: "Readers' tokens need two",
                    activityKind: "Auth:Pats:Create",
                    action: PolicyFixtures.approval([(2, [0, 1, 2])], ids: f.approverIds),
                    filters: PolicyFilters(permissionId: PolicyIdList([f.role.id]))
                )
            )
            let signer = try TestSigner.generate(.ecdsaP256)
            let request = CreatePersonalAccessTokenRequest(name: "reader-bot", publicKey: signer.publicKeyPEM, permissionId: f.role.id)
            let held = try await api.signed(.post, "/auth/pats", as: f.admin, body: try api.json(request))
            #expect(held.status == .accepted, "\(held.body)")
            let change = try held.decode(ChangeRequest.self)
            #expect(change.kind == "PersonalAccessToken" && change.operationKind == "Create" && change.status == "Pending")
            guard case .token(let asked) = change.body else {
                Issue.record("body: \(change.body)")
                return
            }
            #expect(asked.permissionIds == [f.role.id] && asked.name == "reader-bot" && asked.tokenKind == "Pat")
            #expect(!held.body.contains("accessToken"), "no token exists before the claim")
            let approvalId = try #require(change.approvalId)
            let pats = try await api.send(.get, "/auth/pats", token: f.admin.token).decode(ListResponse<AccessToken>.self)
            #expect(!pats.items.contains { $0.name == "reader-bot" }, "nothing is created while pending")
            // A PAT without that role is not covered by the filtered policy.
            let (_, asPat) = try await api.createPat(as: f.admin)

            let claim = "/v2/policy-approvals/\(approvalId)/claim"
            let early = try await api.signed(.post, claim, as: f.admin)
            #expect(early.status == .conflict && early.body.contains("NothingToClaim"), "\(early.body)")
            #expect(try await f.decide(approvalId, "Approved", as: f.approvers[0]).status == .ok)
            let approved = try await f.decide(approvalId, "Approved", as: f.approvers[1])
            #expect(try approved.decode(PolicyApproval.self).activity.changeRequest.status == "Claimable", "\(approved.body)")

            #expect(try await api.signed(.post, claim, as: f.approvers[2]).status == .forbidden, "only the initiator claims")
            #expect(try await api.signed(.post, claim, as: asPat).status == .forbidden, "a PAT is claimed from a person's login")
            let claimed = try await api.signed(.post, claim, as: f.admin)
            #expect(claimed.status == .ok, "\(claimed.body)")
            let pat = try claimed.decode(AccessToken.self)
            let token = try #require(pat.accessToken)
            #expect(pat.name == "reader-bot" && pat.permissionAssignments.map(\.permissionId) == [f.role.id])
            #expect(try await api.signed(.post, claim, as: f.admin).status == .conflict, "claimed once")
            #expect(try await api.send(.get, "/auth/users", token: token).status == .ok, "the claimed token acts with its role")
            let bot = Identity(token: token, signer: signer.with(credentialId: pat.credId))
            #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)/deactivate", as: bot).status == .ok, "its key signs")
            let final = try await f.approval(approvalId).activity.changeRequest
            #expect(final.status == "Applied" && final.entityId == pat.tokenId)
            let logs = try await api.send(.get, "/auth/action/logs", token: f.admin.token).decode(ListResponse<AuditLog>.self).items
            let heldOutcome = "held for approval \(approvalId) (PersonalAccessToken Create)"
            #expect(logs.contains { $0.httpPath == "/auth/pats" && $0.responseStatus == 202 && $0.outcome == heldOutcome })
            #expect(
                logs.contains {
                    $0.httpPath == claim && $0.responseStatus == 200 && $0.outcome == "claimed approval \(approvalId): PAT \(pat.tokenId)"
                }
            )
            #expect(logs.contains { $0.outcome == "approval \(approvalId) Approved: change Claimable" })
        }
    }

    @Test(
        "A service account a policy covers is held; a denied one is never made; an approved one is claimed once",
        arguments: [TestDatabase.Kind.sqlite]
    )
    func serviceAccountClaimed(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let f = try await PolicyFixtures.make(server, api)
            try await f.createPolicy(
                CreatePolicyRequest(
                    name: "Machines",
                    activityKind: "Auth:ServiceAccounts:Create",
                    action: PolicyFixtures.approval([(1, nil)], ids: f.approverIds)
                )
            )
            func ask(_ name: String) async throws -> String {
                let signer = try TestSigner.generate(.ed25519)
                let body = try api.json(CreateServiceAccountRequest(name: name, publicKey: signer.publicKeyPEM, permissionId: f.role.id))
                let held = try await api.signed(.post, "/auth/service-accounts", as: f.admin, body: body)
                #expect(held.status == .accepted, "\(held.body)")
                return try #require(try held.decode(ChangeRequest.self).approvalId)
            }
            let denied = try await ask("denied-bot")
            #expect(try await f.decide(denied, "Denied", as: f.approvers[0]).status == .ok)
            #expect(try await api.signed(.post, "/v2/policy-approvals/\(denied)/claim", as: f.admin).status == .conflict)

            let approvalId = try await ask("ledger-bot")
            #expect(try await f.decide(approvalId, "Approved", as: f.approvers[0]).status == .ok)
            let claimed = try await api.signed(.post, "/v2/policy-approvals/\(approvalId)/claim", as: f.admin)
            #expect(claimed.status == .ok, "\(claimed.body)")
            let account = try claimed.decode(ServiceAccount.self)
            let token = try #require(account.accessTokens.first?.accessToken)
            #expect(account.userInfo.username == "ledger-bot")
            #expect(try await api.send(.get, "/auth/users", token: token).status == .ok, "the account acts with its role")
            let accounts = try await api.send(.get, "/auth/service-accounts", token: f.admin.token).decode(ListResponse<ServiceAccount>.self)
            #expect(accounts.items.map(\.userInfo.username).sorted() == ["ledger-bot"], "the denied one was never made")
        }
    }
}
