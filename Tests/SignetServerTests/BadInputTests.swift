import Foundation
import HTTPTypes
import SignetAPI
import SignetTestFixtures
import Testing

@Suite("Bad input gets a clear 4xx, never a 500 or a partial write")
struct BadInputTests {
    static let weakKeys: [(String, String)] = [
        ("RSA 1024", "RSA key of 1024 bits"),
        ("P-384", "P-384"),
        ("secp256k1", "secp256k1"),
        ("garbage", "not a PEM document"),
        ("private", "PRIVATE key"),
    ]

    @Test("Refused public keys say which keys are accepted", arguments: TestDatabase.available)
    func refusedKeys(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let keys = [
                "RSA 1024": KeyFixtures.rsa1024Public, "P-384": KeyFixtures.p384Public, "secp256k1": KeyFixtures.secp256k1Public,
                "garbage": "hello", "private": KeyFixtures.ed25519Private,
            ]
            for (name, expected) in Self.weakKeys {
                let request = try api.json(CreatePersonalAccessTokenRequest(name: name, publicKey: keys[name] ?? ""))
                let reply = try await api.signed(.post, "/auth/pats", as: admin, body: request)
                #expect(reply.status == .badRequest, "\(name): \(reply.body)")
                #expect(reply.errorMessage?.contains(expected) == true, "\(name): \(reply.body)")
                #expect(reply.errorMessage?.contains("accepted keys are ECDSA P-256, Ed25519") == true)
            }
            #expect(try await api.send(.get, "/auth/pats", token: admin.token).decode(ListResponse<AccessToken>.self).items.isEmpty)
        }
    }

    @Test("Malformed, unknown, mistyped, oversized and out-of-range fields on create", arguments: TestDatabase.available)
    func createValidation(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let key = try TestSigner.generate().publicKeyPEM.replacingOccurrences(of: "\n", with: "\\n")
            // A body that is not JSON (or is ambiguous JSON) cannot even be signed: action/init refuses it,
            // and sent with any user action it is refused before the action is looked at.
            for body in [#"{"name":"x","publicKey":"\#(key)""#, #"{"name":"x","name":"y","publicKey":"\#(key)"}"#] {
                let refusedInit = try await api.send(
                    .post,
                    "/auth/action/init",
                    token: admin.token,
                    body: try api.json(
                        CreateUserActionChallengeRequest(userActionPayload: body, userActionHttpMethod: "POST", userActionHttpPath: "/auth/pats")
                    )
                )
                #expect(refusedInit.status == .badRequest)
                let action = try await api.userAction(as: admin, method: "POST", path: "/auth/pats", payload: "")
                let reply = try await api.send(.post, "/auth/pats", token: admin.token, body: body, headers: ["X-DFNS-USERACTION": action])
                #expect(reply.status == .badRequest)
                #expect(reply.errorMessage?.contains("not valid JSON") == true)
            }
            let cases: [(String, String)] = [
                (#"{"name":"x","publicKey":"\#(key)","admin":true}"#, "unknown field: admin"),
                (#"{"name":42,"publicKey":"\#(key)"}"#, "field 'name' must be a string"),
                (#"{"publicKey":"\#(key)"}"#, "field 'name' is required"),
                (#"{"name":"x","publicKey":"\#(key)","daysValid":"ten"}"#, "field 'daysValid' must be an integer"),
                (#"{"name":"\#(String(repeating: "n", count: 101))","publicKey":"\#(key)"}"#, "at most 100 characters"),
                (#"{"name":"   ","publicKey":"\#(key)"}"#, "must not be empty"),
                (#"{"name":"x","publicKey":"\#(key)","daysValid":0}"#, "between 1 and 730"),
                (#"{"name":"x","publicKey":"\#(key)","daysValid":731}"#, "between 1 and 730"),
                (#"{"name":"x","publicKey":"\#(key)","secondsValid":-5}"#, "secondsValid"),
                (#"{"name":"x","publicKey":"\#(key)","permissionId":"admin"}"#, "permission id"),
                (#"[1,2]"#, "must be a JSON object"),
                ("", "body is required"),
            ]
            for (body, expected) in cases {
                let reply = try await api.signed(.post, "/auth/pats", as: admin, body: body.isEmpty ? nil : body, payload: body)
                #expect(reply.status == .badRequest, "\(body.prefix(60)): \(reply.body)")
                #expect(reply.errorMessage?.contains(expected) == true, "\(body.prefix(60)): \(reply.body)")
            }
            let missingRole = #"{"name":"x","publicKey":"\#(key)","permissionId":"pm-aaaaa-bbbbb-cccccccccccccccc"}"#
            #expect(try await api.signed(.post, "/auth/pats", as: admin, body: missingRole).status == .notFound)
            #expect(try await api.send(.get, "/auth/pats", token: admin.token).decode(ListResponse<AccessToken>.self).items.isEmpty)
        }
    }

    @Test("Bodies over the limit get 413 before anything is read", arguments: TestDatabase.available)
    func oversized(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let huge = #"{"name":"\#(String(repeating: "a", count: 70_000))"}"#
            let reply = try await api.send(.post, "/auth/pats", token: admin.token, body: huge)
            #expect(reply.status == .contentTooLarge)
            #expect(reply.errorMessage?.contains("larger than") == true)
        }
    }

    @Test("Garbage on every route is a 4xx with the error envelope", arguments: TestDatabase.available)
    func noServerErrors(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let routes: [(HTTPRequest.Method, String)] = [
                (.post, "/auth/login/init"), (.post, "/auth/login"), (.put, "/auth/logout"), (.post, "/auth/action/init"),
                (.post, "/auth/action"), (.get, "/auth/pats"), (.post, "/auth/pats"), (.get, "/auth/pats/to-x"),
                (.put, "/auth/pats/to-x"), (.put, "/auth/pats/to-x/activate"), (.put, "/auth/pats/to-x/deactivate"),
                (.delete, "/auth/pats/to-x"), (.get, "/nowhere"), (.patch, "/auth/pats"),
                (.get, "/auth/service-accounts"), (.post, "/auth/service-accounts"), (.get, "/auth/service-accounts/us-x"),
                (.put, "/auth/service-accounts/us-x"), (.put, "/auth/service-accounts/us-x/activate"),
                (.put, "/auth/service-accounts/us-x/deactivate"), (.delete, "/auth/service-accounts/us-x"),
                (.get, "/auth/users?limit=-1"), (.post, "/auth/users"), (.get, "/auth/users/us-x"), (.put, "/auth/users/us-x"),
                (.put, "/auth/users/us-x/activate"), (.put, "/auth/users/us-x/deactivate"), (.delete, "/auth/users/us-x"),
                (.get, "/permissions?paginationToken=%25"), (.post, "/permissions"), (.get, "/permissions/pm-x"),
                (.put, "/permissions/pm-x"), (.put, "/permissions/pm-x/archive"), (.delete, "/permissions/pm-x"),
                (.get, "/permissions/pm-x/assignments"), (.post, "/permissions/pm-x/assignments"),
                (.delete, "/permissions/pm-x/assignments/as-x"), (.get, "/auth/credentials"), (.post, "/auth/credentials/init"),
                (.post, "/auth/credentials"), (.put, "/auth/credentials/activate"), (.put, "/auth/credentials/deactivate"),
                (.get, "/auth/action/logs?startTime=never"), (.get, "/auth/action/logs/ua-x"),
            ]
            let bodies: [String?] = [
                nil, "", "{", "null", "[]", #"{"a":1}"#, "\"str\"", #"{"challengeIdentifier":1}"#,
                #"{"challengeIdentifier":"x","firstFactor":{"kind":"Fido2"}}"#,
                #"{"challengeIdentifier":"a.b.c","firstFactor":{"kind":"Key","credentialAssertion":{"credId":"x","clientData":"!","signature":"!"}}}"#,
                #"{"userActionPayload":"{","userActionHttpMethod":"POST","userActionHttpPath":"/x"}"#,
                #"{"userActionPayload":"","userActionHttpMethod":"PATCH","userActionHttpPath":"x"}"#,
                #"{"username":"","orgId":""}"#, String(repeating: "[", count: 5000),
            ]
            for (method, path) in routes {
                // With a valid token, logout and listing legitimately succeed whatever the body; the other routes get it.
                let succeedsAnyway =
                    (method == .put && path == "/auth/logout")
                    || (method == .get && ["/auth/pats", "/auth/service-accounts", "/auth/credentials"].contains(path))
                for token in succeedsAnyway ? [nil, "not.a.token"] : [nil, admin.token, "not.a.token"] {
                    for body in bodies {
                        let reply = try await api.send(method, path, token: token, body: body, headers: ["X-DFNS-USERACTION": "junk"])
                        #expect((400..<500).contains(reply.status.code), "\(method) \(path) \(body?.prefix(40) ?? "-"): \(reply.status)")
                        #expect(reply.errorMessage != nil, "\(method) \(path): \(reply.body.prefix(100))")
                    }
                }
            }
        }
    }
}
