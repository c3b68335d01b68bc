import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SignetAPI
import SignetCore
import Testing

/// A response, with the body as text and typed decoding.
struct Reply: Sendable {
    let status: HTTPResponse.Status
    let body: String
    /// The response's header fields.
    var headers = HTTPFields()

    func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try SignetJSON.decoder().decode(T.self, from: Data(body.utf8))
    }

    /// The message of an error envelope, or `nil` when the body is not one.
    var errorMessage: String? { try? decode(ErrorResponse.self).error.message }
}

/// The test client, with the Dfns flows built in.
struct APIClient: Sendable {
    let client: any RequestSender

    /// Through Hummingbird's in-process router.
    init(client: any TestClientProtocol) { self.client = FrameworkSender(client: client) }

    /// Over a real socket.
    init(socket: TestClient) { self.client = SocketSender(client: socket) }

    /// Through any sender (one that records, say).
    init(sender: any RequestSender) { self.client = sender }

    func send(
        _ method: HTTPRequest.Method,
        _ path: String,
        token: String? = nil,
        body: String? = nil,
        headers: [String: String] = [:]
    ) async throws -> Reply {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        if let token { fields[.authorization] = "Bearer \(token)" }
        for (name, value) in headers {
            guard let name = HTTPField.Name(name) else { continue }
            fields[name] = value
        }
        let response = try await client.execute(
            uri: path,
            method: method,
            headers: fields,
            body: body.map { ByteBuffer(string: $0) }
        )
        return Reply(status: response.status, body: String(buffer: response.body), headers: response.headers)
    }

    func json(_ value: some Encodable) throws -> String {
        String(decoding: try SignetJSON.encoder().encode(value), as: UTF8.self)
    }

    /// Logs in with the Key credential of `signer`; returns the session token.
    func login(username: String, orgId: String, signer: TestSigner) async throws -> String {
        let initReply = try await send(.post, "/auth/login/init", body: try json(LoginChallengeRequest(username: username, orgId: orgId)))
        #expect(initReply.status == .ok, "login/init: \(initReply.body)")
        let challenge = try initReply.decode(UserActionChallenge.self)
        // A client that does not know its credId yet (a user created with a public key) reads it from the challenge.
        let signer = signer.credentialId.isEmpty ? signer.with(credentialId: challenge.allowCredentials.key.first?.id ?? "") : signer
        let answer = SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try signer.sign(challenge))
        let reply = try await send(.post, "/auth/login", body: try json(answer))
        #expect(reply.status == .ok, "login: \(reply.body)")
        return try reply.decode(LoginResponse.self).token
    }

    /// Runs `/auth/login/init` and `/auth/login` with `signer` (answering for the first listed
    /// credential) and returns the reply of `/auth/login`, whatever it is. Unknown and deactivated
    /// users get a decoy challenge at init, so a refused login shows only here.
    func attemptLogin(username: String, orgId: String, signer: TestSigner) async throws -> Reply {
        let initReply = try await send(.post, "/auth/login/init", body: try json(LoginChallengeRequest(username: username, orgId: orgId)))
        guard initReply.status == .ok else { return initReply }
        let challenge = try initReply.decode(UserActionChallenge.self)
        let answer = try signer.with(credentialId: challenge.allowCredentials.key.first?.id ?? "").sign(challenge)
        return try await send(
            .post,
            "/auth/login",
            body: try json(SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: answer))
        )
    }

    /// Runs `/auth/action/init` and `/auth/action`; returns the user action token.
    func userAction(
        as identity: Identity,
        method: String,
        path: String,
        payload: String,
        style: TestSigner.Style = .python
    ) async throws -> String {
        let request = CreateUserActionChallengeRequest(userActionPayload: payload, userActionHttpMethod: method, userActionHttpPath: path)
        let initReply = try await send(.post, "/auth/action/init", token: identity.token, body: try json(request))
        #expect(initReply.status == .ok, "action/init: \(initReply.body)")
        let challenge = try initReply.decode(UserActionChallenge.self)
        let answer = SignedChallenge(
            challengeIdentifier: challenge.challengeIdentifier,
            firstFactor: try identity.signer.sign(challenge, style: style)
        )
        let reply = try await send(.post, "/auth/action", token: identity.token, body: try json(answer))
        #expect(
            reply.status == .ok,
            "action: \(reply.body) allowed \(challenge.allowCredentials.key.map(\.id)) signer \(identity.signer.credentialId)"
        )
        return try reply.decode(UserActionResponse.self).userAction
    }

    /// Runs `/auth/action/init` and `/auth/action` and returns the reply of `/auth/action`, whatever it is
    /// (for tests of refused signatures).
    func attemptUserAction(as identity: Identity, method: String = "PUT", path: String = "/x", payload: String = "") async throws -> Reply {
        let request = CreateUserActionChallengeRequest(userActionPayload: payload, userActionHttpMethod: method, userActionHttpPath: path)
        let challenge = try await send(.post, "/auth/action/init", token: identity.token, body: try json(request)).decode(UserActionChallenge.self)
        let answer = SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try identity.signer.sign(challenge))
        return try await send(.post, "/auth/action", token: identity.token, body: try json(answer))
    }

    /// Sends a signed request: signs `payload` (by default the body, or `""` without one, as the
    /// Python SDK does), then sends `body`.
    func signed(
        _ method: HTTPRequest.Method,
        _ path: String,
        as identity: Identity,
        body: String? = nil,
        payload: String? = nil,
        style: TestSigner.Style = .python
    ) async throws -> Reply {
        let userAction = try await self.userAction(
            as: identity,
            method: method.rawValue,
            path: path,
            payload: payload ?? body ?? "",
            style: style
        )
        return try await send(method, path, token: identity.token, body: body, headers: ["X-DFNS-USERACTION": userAction])
    }

    /// Creates a PAT for `identity` with a fresh key; returns the response object and an identity that uses the PAT.
    func createPat(
        as identity: Identity,
        name: String = "pat-\(UUID().uuidString.prefix(8))",
        algorithm: KeyAlgorithm = .ecdsaP256,
        permissionId: String? = nil,
        secondsValid: Int? = nil
    ) async throws -> (AccessToken, Identity) {
        let signer = try TestSigner.generate(algorithm)
        let request = CreatePersonalAccessTokenRequest(
            name: name,
            publicKey: signer.publicKeyPEM,
            permissionId: permissionId,
            secondsValid: secondsValid
        )
        let reply = try await signed(.post, "/auth/pats", as: identity, body: try json(request))
        #expect(reply.status == .ok, "create PAT: \(reply.body)")
        let pat = try reply.decode(AccessToken.self)
        let token = try #require(pat.accessToken)
        return (pat, Identity(token: token, signer: signer.with(credentialId: pat.credId)))
    }
}
