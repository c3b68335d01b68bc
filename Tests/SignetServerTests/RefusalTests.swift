import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SignetAPI
import SignetCore
import SignetTestFixtures
import Testing

@testable import SignetServer

/// Refusals machines can read: each carries a stable `id`, and the `field` or `operation` at fault,
/// beside the Dfns `status` and `message` (whose words stay as they were).
@Suite("Refusals with ids")
struct RefusalTests {
    static func refusal(_ reply: Reply) throws -> ErrorBody { try reply.decode(ErrorResponse.self).error }

    @Test("Bad input names its field; a missing operation names the operation", arguments: TestDatabase.available)
    func refusalsNameWhatIsWrong(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            func createPat(_ body: String) async throws -> ErrorBody {
                try Self.refusal(try await api.signed(.post, "/auth/pats", as: admin, body: body))
            }
            let key = try TestSigner.generate(.ed25519).publicKeyPEM
            let badKey = try await createPat(try api.json(CreatePersonalAccessTokenRequest(name: "k", publicKey: "not a key")))
            #expect(badKey.status == 400 && badKey.id == "invalid_field" && badKey.field == "publicKey", "\(badKey)")
            let unknown = try await createPat(#"{"name":"k","publicKey":"x","colour":"red"}"#)
            #expect(unknown.id == "unknown_field" && unknown.field == "colour", "\(unknown)")
            let missing = try await createPat(try api.json(["publicKey": key]))
            #expect(missing.id == "invalid_field" && missing.field == "name" && missing.message == "field 'name' is required", "\(missing)")
            let days = try await createPat(try api.json(CreatePersonalAccessTokenRequest(name: "k", publicKey: key, daysValid: 100_000)))
            #expect(days.id == "invalid_field" && days.field == "daysValid", "\(days)")
            let role = try await createPat(try api.json(CreatePersonalAccessTokenRequest(name: "k", publicKey: key, permissionId: "nope")))
            #expect(role.id == "invalid_field" && role.field == "permissionId", "\(role)")
            let (pat, _) = try await api.createPat(as: admin, name: "taken")
            let duplicate = try await createPat(try api.json(CreatePersonalAccessTokenRequest(name: pat.name, publicKey: key)))
            #expect(duplicate.status == 409 && duplicate.id == "duplicate" && duplicate.field == "name" && duplicate.details?["duplicate"] == "name")

            // A PAT limited to reading users may not create roles: the operation is named, the Dfns words kept.
            let reader = try await api.createRole(as: admin, operations: ["Auth:Users:Read"])
            let (narrowPat, narrow) = try await api.createPat(as: admin, permissionId: reader.id)
            let denied = try Self.refusal(
                try await api.signed(.post, "/permissions", as: narrow, body: #"{"name":"r","operations":["Auth:Users:Read"]}"#)
            )
            #expect(denied.status == 403 && denied.id == "operation_not_granted" && denied.operation == "Permissions:Create", "\(denied)")
            #expect(denied.message == "Pat \(narrowPat.tokenId) is not authorized to perform operation (Permissions:Create)")

            let unsigned = try Self.refusal(try await api.send(.post, "/permissions", token: admin.token, body: "{}"))
            #expect(unsigned.id == "user_action_required", "\(unsigned)")
            #expect(try Self.refusal(try await api.send(.get, "/auth/pats")).id == "not_authenticated")
            #expect(try Self.refusal(try await api.send(.get, "/auth/pats/to-nothing", token: admin.token)).id == "not_found")
            let notJSON = try Self.refusal(try await api.send(.post, "/auth/login/init", body: "{"))
            #expect(notJSON.id == "invalid_body" && notJSON.field == nil, "\(notJSON)")
            let enumValue = try Self.refusal(
                try await api.send(.post, "/auth/login", body: #"{"challengeIdentifier":"c","firstFactor":{"kind":"Nope"}}"#)
            )
            #expect(enumValue.id == "invalid_field" && enumValue.field == "firstFactor.kind", "\(enumValue)")
        }
    }

    @Test("What the route knows of its callers comes first: a registration without its token, introspection by a person")
    func callersFirst() async throws {
        try await TestServer.with(.sqlite) { server, api in
            let admin = try await server.admin(api)
            let anonymous = try await api.send(.post, "/auth/registration", body: "{")
            #expect(
                anonymous.status == .unauthorized && anonymous.errorMessage?.contains("temporaryAuthenticationToken") == true,
                "\(anonymous.body)"
            )
            let person = try Self.refusal(try await api.send(.post, "/oauth2/introspect", token: admin.token, body: "token=x"))
            #expect(person.status == 403 && person.id == "forbidden" && person.message.contains("for service accounts"), "\(person)")
        }
    }

    @Test("A malformed answer to a login challenge gets the one login refusal, for real and unknown users alike")
    func malformedLoginAnswers() async throws {
        try await TestServer.with(.sqlite) { server, api in
            func answer(_ username: String, clientData: String, signature: String, algorithm: String?) async throws -> Reply {
                let request = try api.json(LoginChallengeRequest(username: username, orgId: server.orgId))
                let challenge = try await api.send(.post, "/auth/login/init", body: request).decode(UserActionChallenge.self)
                let credId = try #require(challenge.allowCredentials.key.first?.id)
                let assertion = CredentialAssertion(credId: credId, clientData: clientData, signature: signature, algorithm: algorithm)
                let body = SignedChallenge(
                    challengeIdentifier: challenge.challengeIdentifier,
                    firstFactor: Factor(kind: .key, credentialAssertion: assertion)
                )
                return try await api.send(.post, "/auth/login", body: try api.json(body))
            }
            for (clientData, signature, algorithm) in [("!!!", "AAAA", nil), ("e30", "!!!", nil), ("e30", "AAAA", "MD5")]
                as [(String, String, String?)]
            {
                let real = try await answer(server.organization.username, clientData: clientData, signature: signature, algorithm: algorithm)
                let unknown = try await answer("nobody@example.com", clientData: clientData, signature: signature, algorithm: algorithm)
                #expect(real.status == .unauthorized && real.status == unknown.status, "\(real.body) / \(unknown.body)")
                #expect(real.errorMessage == unknown.errorMessage, "a real user's refusal differs: \(real.body) / \(unknown.body)")
            }
        }
    }

    @Test("Every kind of refusal the server sends is one clients can name")
    func idsAreDeclared() {
        let statuses: [HTTPResponse.Status] = [
            .badRequest, .unauthorized, .forbidden, .notFound, .requestTimeout, .conflict, .contentTooLarge, .tooManyRequests,
            .internalServerError,
        ]
        for status in statuses {
            #expect(RefusalID(rawValue: APIError(status, "x").refusalID.rawValue) != nil)
        }
    }

    @Test("A refusal that waiting would cure says when to try again: Retry-After and the rate_limited id")
    func retryAfter() async throws {
        let router = Router()
        router.get("/limited") { _, _ -> String in throw APIError(.tooManyRequests, "too many requests").retrying(after: 7) }
        router.get("/refused") { _, _ -> String in throw APIError.forbidden("no") }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/limited", method: .get) { response in
                #expect(response.status == .tooManyRequests && response.headers[.retryAfter] == "7")
                let error = try SignetJSON.decoder().decode(ErrorResponse.self, from: Data(String(buffer: response.body).utf8)).error
                #expect(error.id == RefusalID.rateLimited.rawValue)
            }
            try await client.execute(uri: "/refused", method: .get) { response in #expect(response.headers[.retryAfter] == nil) }
        }
    }
}
