import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SignetAPI
import SignetCore

/// How the client talks HTTP: timeouts, retries of idempotent reads, and the signing flow.
struct Transport: Sendable {
    let baseURL: String
    let organizationID: String
    let authToken: String?
    let signer: (any Signer)?
    let configuration: SignetClient.Configuration
    let httpClient: HTTPClient

    /// A request; `signed` requests carry a user action for exactly `body`.
    func send<Response: Decodable & Sendable>(
        _ method: HTTPMethod,
        _ path: String,
        query: [(String, String?)] = [],
        body: (some Encodable & Sendable)? = Empty?.none,
        signed: Bool = false,
        as type: Response.Type = Response.self
    ) async throws -> Response {
        let data = try await sendRaw(method, path, query: query, body: body, signed: signed)
        do {
            return try SignetJSON.decoder().decode(Response.self, from: data.isEmpty ? Data("{}".utf8) : data)
        } catch {
            throw SignetClientError.unreadableResponse("\(error)")
        }
    }

    /// A request to a catalogue route: method, path and signing come from `endpoint`; `parameters`
    /// fill its path template in order, each escaped to stay one segment.
    func send<Body: Encodable & Sendable, Response: Decodable & Sendable>(
        _ endpoint: Endpoint<Body, Response>,
        _ parameters: String...,
        query: [(String, String?)] = [],
        body: Body? = nil
    ) async throws -> Response {
        try await send(
            HTTPMethod(rawValue: endpoint.method.rawValue),
            endpoint.path.filled(parameters),
            query: query,
            body: body,
            signed: endpoint.signed,
            as: Response.self
        )
    }

    /// A request whose answer is not read (or is empty).
    func sendRaw(
        _ method: HTTPMethod,
        _ path: String,
        query: [(String, String?)] = [],
        body: (some Encodable & Sendable)? = Empty?.none,
        signed: Bool = false
    ) async throws -> Data {
        // The exact bytes sent are the exact payload signed.
        let bytes = try body.map { try SignetJSON.encoder().encode($0) }
        var headers = HTTPHeaders()
        let url = baseURL + path + Self.queryString(query)
        if signed {
            guard let signer else { throw SignetClientError.signerRequired }
            if configuration.fastAuth, let fast = signer as? any FastAuthSigner {
                headers.add(
                    name: "X-DFNS-USERACTION",
                    value: try await fastAuth(method: method.rawValue, url: url, body: bytes ?? Data(), signer: fast)
                )
            } else {
                let payload = bytes.map { String(decoding: $0, as: UTF8.self) } ?? ""
                headers.add(
                    name: "X-DFNS-USERACTION",
                    value: try await userAction(method: method.rawValue, path: path, payload: payload, signer: signer)
                )
            }
        }
        // Only reads are retried: a signed request's user action is single use.
        let attempts = method == .GET && !signed ? max(1, configuration.readAttempts) : 1
        var lastError: any Error = SignetClientError.transport("no attempt made")
        for attempt in 1...attempts {
            try Task.checkCancellation()
            do {
                return try await execute(method, url: url, headers: headers, body: bytes)
            } catch let error as SignetClientError {
                guard attempt < attempts, Self.isRetryable(error) else { throw error }
                lastError = error
            }
            try await Task.sleep(for: configuration.retryDelay * attempt)
        }
        throw lastError
    }

    /// A Fast Auth header for the request to `url`: host and target as they will be sent, the body's
    /// hash, this client's organisation, a fresh nonce, now.
    func fastAuth(method: String, url: String, body: Data, signer: any FastAuthSigner) async throws -> String {
        guard let parsed = URL(string: url), let host = parsed.host else { throw SignetClientError.transport("\(url) is not a URL") }
        let path = parsed.path.isEmpty ? "/" : URLComponents(url: parsed, resolvingAgainstBaseURL: true)?.percentEncodedPath ?? parsed.path
        let request = FastAuth.Request(
            method: method,
            host: host,
            target: path + (parsed.query.map { "?" + $0 } ?? ""),
            body: Array(body),
            orgId: organizationID
        )
        let clientData = FastAuth.clientData(for: request, timestamp: Date(), nonce: Identifier.randomBytes(16))
        let (signature, algorithm) = try await signer.signFastAuth(clientData)
        return FastAuth.header(credId: signer.credentialID, clientData: clientData, signature: signature, algorithm: algorithm)
    }

    /// `/auth/action/init`, the signer, then `/auth/action`: the user action for one request.
    func userAction(method: String, path: String, payload: String, signer: any Signer) async throws -> String {
        let pathOnly = String(path.prefix { $0 != "?" })
        let challenge = try await send(
            Endpoints.actionInit,
            body: CreateUserActionChallengeRequest(userActionPayload: payload, userActionHttpMethod: method, userActionHttpPath: pathOnly)
        )
        let answer = SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try await signer.sign(challenge))
        return try await send(Endpoints.action, body: answer).userAction
    }

    private func execute(_ method: HTTPMethod, url: String, headers extra: HTTPHeaders, body: Data?) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let authToken { request.headers.add(name: "Authorization", value: "Bearer \(authToken)") }
        request.headers.add(contentsOf: extra)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        let data: Data
        do {
            response = try await httpClient.execute(request, timeout: Self.timeAmount(configuration.timeout))
            data = Data(try await response.body.collect(upTo: configuration.maximumResponseSize).readableBytesView)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw SignetClientError.timeout
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw SignetClientError.transport("\(error)")
        }
        switch response.status.code {
        case 200..<300 where response.status.code != 202: return data
        case 202: throw SignetClientError.policyPending(body: data)
        default:
            if let envelope = try? JSONDecoder().decode(ErrorResponse.self, from: data) {
                throw SignetClientError.server(status: Int(response.status.code), refusal: envelope.error)
            }
            throw SignetClientError.server(status: Int(response.status.code), message: Self.message(in: data, status: response.status))
        }
    }

    /// The error message of a Dfns or Signet error body (`{"error":{"message"}}` or `{"message"}`).
    static func message(in data: Data, status: HTTPResponseStatus) -> String {
        if let envelope = try? JSONDecoder().decode(ErrorResponse.self, from: data) { return envelope.error.message }
        if let bare = try? JSONDecoder().decode(MessageResponse.self, from: data) { return bare.message }
        let text = String(decoding: data.prefix(300), as: UTF8.self)
        return text.isEmpty ? status.reasonPhrase : text
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    static func isRetryable(_ error: SignetClientError) -> Bool {
        switch error.errorType {
        case .transport, .timeout: return true
        case .server: return [502, 503, 504].contains(error.status ?? 0)
        default: return false
        }
    }

    static func queryString(_ query: [(String, String?)]) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        let items = query.compactMap { name, value in
            value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0)" }
        }
        return items.isEmpty ? "" : "?" + items.joined(separator: "&")
    }
}

/// No body.
struct Empty: Codable, Sendable {}
