import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// Every event kind Signet emits for a request reaches a `*` webhook, signed, with its data
/// (`token.expiring` and `signing_key.rotated` have no request behind them: their own tests).
@Suite("Webhook event kinds")
struct WebhookEventKindTests {
    static let expected: Set<String> = [
        "user.invited", "user.registered", "credential.created", "credential.deactivated", "credential.reactivated",
        "credential.deleted", "user.deactivated", "user.reactivated", "user.deleted", "token.created", "recovery.used",
        "credential.counter_regression",
    ]

    @Test("People, credentials, service accounts, recovery and a possible clone each announce themselves", arguments: TestDatabase.available)
    func everyKind(database: TestDatabase.Kind) async throws {
        try await WebhookReceiver.with { receiver, url in
            var configuration = try PasskeyTests.configuration()
            configuration.webhooks = ServerConfiguration.fastWebhooks().webhooks
            try await TestServer.with(database, configuration: configuration) { server, api in
                let admin = try await server.admin(api)
                let webhook = try await WebhookTests.create(api, as: admin, url: url)
                // A person: invited, registered, given a second key, which is deactivated, reactivated and deleted.
                let invited = try await RegistrationTests.invite(api, as: admin, email: "new@example.com")
                let challenge = try await RegistrationTests.initiate(
                    api,
                    server: server,
                    email: "new@example.com",
                    code: invited.registrationCode ?? ""
                )
                .decode(RegistrationChallenge.self)
                let (credential, signer) = try RegistrationTests.keyCredential(challenge)
                #expect(try await RegistrationTests.register(api, token: challenge.temporaryAuthenticationToken, credential).status == .ok)
                let session = try await api.session("new@example.com", orgId: server.orgId, signer: signer)
                let (second, _) = try await api.addCredential(for: session)
                let uuid = #"{"credentialUuid":"\#(second.credentialUuid)"}"#
                #expect(try await api.signed(.put, "/auth/credentials/deactivate", as: session, body: uuid).status == .ok)
                #expect(try await api.signed(.put, "/auth/credentials/activate", as: session, body: uuid).status == .ok)
                #expect(try await api.signed(.delete, "/auth/credentials/\(second.credentialUuid)", as: session).status == .ok)
                // An administrator deactivates, reactivates and deletes the person.
                for (method, path) in [(HTTPRequest.Method.put, "/deactivate"), (.put, "/activate"), (.delete, "")] {
                    #expect(try await api.signed(method, "/auth/users/\(invited.userId)\(path)", as: admin).status == .ok, "\(path)")
                }
                // A service account is created.
                _ = try await api.createServiceAccount(as: admin, name: "bot")
                let person = try await Self.recoverAndClone(api, server: server, admin: admin)
                let deliveries = try await receiver.wait { Self.expected.isSubset(of: Set($0.map(\.kind))) }
                #expect(Self.expected.isSubset(of: Set(deliveries.map(\.kind))), "\(Set(deliveries.map(\.kind)))")
                #expect(deliveries.allSatisfy { WebhookSignature.verify($0.signature ?? "", body: $0.body, secret: webhook.secret ?? "") })
                func data(_ kind: String) -> [String: Any] { deliveries.first { $0.kind == kind }?.data ?? [:] }
                #expect((data("user.registered")["user"] as? [String: Any])?["id"] as? String == invited.userId)
                #expect((data("user.registered")["credential"] as? [String: Any])?["credentialId"] as? String == credential.credentialInfo.credId)
                #expect((data("credential.deleted")["credential"] as? [String: Any])?["uuid"] as? String == second.credentialUuid)
                #expect((data("user.deleted")["user"] as? [String: Any])?["isActive"] as? Bool == false)
                #expect((data("recovery.used")["user"] as? [String: Any])?["id"] as? String == person.user.userId)
                #expect((data("recovery.used")["credential"] as? [String: Any])?["kind"] as? String == "RecoveryKey")
                let clone = data("credential.counter_regression")["credential"] as? [String: Any]
                #expect(clone?["kind"] as? String == "Fido2" && clone?["isActive"] as? Bool == false)
                let account = deliveries.first {
                    $0.kind == "token.created" && ($0.data["user"] as? [String: Any])?["isServiceAccount"] as? Bool == true
                }
                #expect((account?.data["token"] as? [String: Any])?["kind"] as? String == "ServiceAccount")
                #expect((data("credential.deactivated")["requester"] as? [String: Any])?["userId"] as? String == invited.userId)
            }
        }
    }

    /// A person recovers their account; the administrator's passkey answers with a counter that went back.
    static func recoverAndClone(_ api: APIClient, server: TestServer, admin: Identity) async throws -> RecoveryTests.Person {
        // A recovery.
        let person = try await RecoveryTests.person(api, server: server, admin: admin, email: "lost@example.com")
        let recovery = try await RecoveryTests.initiate(api, server: server, person, code: try await RecoveryTests.code(server, person))
            .decode(RecoveryChallenge.self)
        let body = try RecoveryTests.recoverBody(
            recovery,
            person: person,
            signer: person.recoveryKey,
            newKey: try PrivateKey.generate(.ed25519)
        )
        let recovered = try await api.send(.post, "/auth/recover/user", token: recovery.registration.temporaryAuthenticationToken, body: body)
        #expect(recovered.status == .ok, "\(recovered.body)")
        // A passkey whose counter goes back.
        let (authenticator, added, _) = try await PasskeyTests.addPasskey(api, as: admin)
        #expect(added.status == .ok)
        #expect(try await PasskeyTests.passkeyLogin(api, server: server, authenticator: authenticator).status == .ok)
        #expect(try await PasskeyTests.passkeyLogin(api, server: server, authenticator: authenticator, counter: 0).status == .unauthorized)

        return person
    }
}
