import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// `--registration-webhook`: each new registration code is POSTed, signed, to the operator's endpoint.
@Suite("Registration webhook")
struct RegistrationWebhookTests {
    actor Inbox {
        var deliveries: [(body: String, signature: String?)] = []
        func add(_ body: String, _ signature: String?) { deliveries.append((body, signature)) }
    }

    @Test("A new person's code reaches the webhook once, signed with HMAC-SHA256, with a setup link that works")
    func delivery() async throws {
        let inbox = Inbox()
        let router = Router()
        router.post("hook") { request, context in
            let body = try await request.body.collect(upTo: 65536)
            await inbox.add(String(buffer: body), request.headers[HTTPField.Name("X-Signet-Signature")!])
            return HTTPResponse.Status.noContent
        }
        try await Application(router: router).test(.live) { receiver in
            var configuration = ServerConfiguration()
            configuration.relyingParty = try RelyingParty(id: "localhost", name: "Signet", origins: ["http://localhost:8080"])
            configuration.registrationWebhook = try RegistrationWebhook(
                url: "http://localhost:\(receiver.port ?? 0)/hook",
                secret: "s3cret",
                setupBase: "http://localhost:8080"
            )
            try await TestServer.with(.sqlite, configuration: configuration) { server, api in
                let admin = try await server.admin(api)
                let person = try await RegistrationTests.invite(api, as: admin, email: "mailed@example.com")
                var deliveries: [(body: String, signature: String?)] = []
                for _ in 0..<100 where deliveries.isEmpty {
                    try await Task.sleep(for: .milliseconds(50))
                    deliveries = await inbox.deliveries
                }
                let delivery = try #require(deliveries.first)
                #expect(deliveries.count == 1)
                let event = try #require(try JSONSerialization.jsonObject(with: Data(delivery.body.utf8)) as? [String: String])
                #expect(event["type"] == "registration.code" && event["userId"] == person.userId && event["username"] == "mailed@example.com")
                #expect(event["registrationCode"] == person.registrationCode && event["orgId"] == server.orgId)
                #expect(event["setupLink"]?.hasPrefix("http://localhost:8080/setup?org=\(server.orgId)&username=mailed%40example.com&code=") == true)
                let expected = HMAC<SHA256>.authenticationCode(for: Array(delivery.body.utf8), using: SymmetricKey(data: Array("s3cret".utf8)))
                #expect(delivery.signature == "sha256=" + Hex.encode(Array(expected)))
                let code = try #require(event["registrationCode"])
                #expect(try await RegistrationTests.initiate(api, server: server, email: "mailed@example.com", code: code).status == .ok)
            }
        }
    }

    @Test("A webhook that redirects is not followed: the redirect's target receives nothing")
    func redirectsRefused() async throws {
        let inbox = Inbox()
        let redirected = Inbox()
        let router = Router()
        let port = NIOLockedValueBox(0)
        router.post("hook") { request, _ in
            _ = try await request.body.collect(upTo: 65536)
            await inbox.add("hit", nil)
            // An absolute URL to another name of the loopback interface, as an attacker would send.
            return Response(status: .temporaryRedirect, headers: [.location: "http://localhost:\(port.withLockedValue { $0 })/second"])
        }
        router.post("second") { request, _ in
            await redirected.add(String(buffer: try await request.body.collect(upTo: 65536)), nil)
            return HTTPResponse.Status.noContent
        }
        try await Application(router: router).test(.live) { receiver in
            port.withLockedValue { $0 = receiver.port ?? 0 }
            var configuration = ServerConfiguration()
            configuration.registrationWebhook = try RegistrationWebhook(
                url: "http://127.0.0.1:\(receiver.port ?? 0)/hook",
                secret: "s3cret",
                setupBase: nil
            )
            try await TestServer.with(.sqlite, configuration: configuration) { server, api in
                let admin = try await server.admin(api)
                _ = try await RegistrationTests.invite(api, as: admin, email: "redirected@example.com")
                for _ in 0..<600 where await inbox.deliveries.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
                #expect(await inbox.deliveries.count == 1)
                // A client that follows would have sent the second request right after the first answer
                // (an absence has no event to wait for: two seconds is ample time for one local request).
                try await Task.sleep(for: .seconds(2))
                #expect(await redirected.deliveries.isEmpty, "the code was re-posted to the redirect's target")
                #expect(await inbox.deliveries.count == 1, "a redirect is not retried")
            }
        }
    }

    @Test("Only https, or http to localhost, may receive codes")
    func urls() {
        for refused in ["http://example.com/hook", "ftp://localhost/x", "not a url", "https://"] {
            #expect(throws: RegistrationWebhook.InvalidURL.self, "\(refused)") { try RegistrationWebhook(url: refused, secret: nil, setupBase: nil) }
        }
        for accepted in ["https://mail.example.com/hook", "http://localhost:9000/hook", "http://127.0.0.1/x"] {
            #expect(throws: Never.self, "\(accepted)") { try RegistrationWebhook(url: accepted, secret: nil, setupBase: nil) }
        }
    }
}
