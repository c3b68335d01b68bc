import Dispatch
import Foundation
import SignetAPI
import SignetCore
import Synchronization

/// The fuzz targets: each feeds one input to one family of parsers of untrusted input. Any
/// outcome but a clean return or a thrown error (a trap, an overflow, a hang) is a finding.
enum FuzzTarget: String, CaseIterable {
    /// PEM and SPKI public keys (credentials, PATs' keys).
    case keys
    /// The strict JSON parser and the signed-payload comparison.
    case json
    /// Signet's JWTs: the header's pinning, then jwt-kit's verification, for each audience.
    case jwt
    /// Query values of list routes: dates, page sizes, pagination tokens.
    case query
    /// The gateway's path and query rules, and route patterns.
    case gateway
    /// The Fast Auth header, and its check against a request.
    case fastauth
    /// CBOR, COSE keys, authenticator data, attestation and assertion verification.
    case webauthn

    /// Runs the target on one input.
    func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        switch self {
        case .keys:
            _ = try? PublicKey(pem: text)
            _ = try? PublicKey(spki: bytes)
        case .json:
            if let json = try? JSONValue(parsing: bytes) { _ = json == json }
            _ = SignedPayload.meaning(of: bytes)
        case .jwt: JWTFuzz.run(text)
        case .query:
            _ = QueryValues.date(text)
            _ = QueryValues.limit(text, maximum: 500)
            _ = QueryValues.pageToken(text)
        case .gateway:
            _ = try? GatewayPath.segments(of: text)
            _ = try? GatewayPath.checkQuery(text)
            if let pattern = try? GatewayPathPattern(text), let segments = try? GatewayPath.segments(of: text) {
                _ = pattern.matches(segments)
                _ = pattern.overlaps(pattern)
            }
        case .fastauth:
            guard let assertion = try? FastAuth.parse(text) else { return }
            let request = FastAuth.Request(method: "PUT", host: "localhost", target: "/auth/pats/x", body: Array(#"{"name":"a"}"#.utf8), orgId: "or-x")
            _ = try? FastAuth.check(assertion, against: request, now: Date(timeIntervalSince1970: 1_800_000_000))
            if let key = WebAuthnFuzz.assertionKey { _ = try? FastAuth.verifySignature(assertion, publicKey: key) }
        case .webauthn: WebAuthnFuzz.run(bytes)
        }
    }
}

/// The WebAuthn parsers, through a registration and an assertion whose client data is valid.
enum WebAuthnFuzz {
    static let relyingParty = try? RelyingParty(id: "localhost", name: "Fuzz", origins: ["http://localhost:8080"])
    static let challenge = "fuzz-challenge"
    static let clientData = Array(
        #"{"type":"webauthn.create","challenge":"\#(Base64URL.encode(challenge))","origin":"http://localhost:8080","crossOrigin":false}"#.utf8)
    /// Parsed once, not on every execution.
    static let assertionKey = try? PublicKey(pem: """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
        -----END PUBLIC KEY-----
        """)

    static func run(_ bytes: [UInt8]) {
        if let value = try? CBORDecoder.decode(bytes) { _ = try? COSEKey(value) }
        _ = try? AuthenticatorData(bytes)
        guard let relyingParty, let assertionKey else { return }
        _ = try? WebAuthn.verifyRegistration(
            clientData: clientData, attestationObject: bytes, credentialId: Array(bytes.prefix(16)), issuedChallenge: challenge,
            relyingParty: relyingParty)
        _ = try? WebAuthn.verifyAssertion(
            clientData: clientData, authenticatorData: bytes, signature: Array(bytes.suffix(64)),
            publicKey: assertionKey, issuedChallenge: challenge, relyingParty: relyingParty, storedSignCount: 0,
            userHandle: nil, expectedUserHandle: [])
    }
}

/// JWT verification by a token authority with one fixed key, so that the seed token this binary
/// writes (`--write-seeds`) verifies and mutations of it reach every check.
enum JWTFuzz {
    static let key = SigningKeyMaterial(kid: "fuzz-key", privateKey: Array(repeating: 7, count: 32), createdAt: Date(timeIntervalSince1970: 1_700_000_000))
    static let authority: TokenAuthority? = {
        let authority = TokenAuthority(issuer: "https://signet.fuzz", now: { Date(timeIntervalSince1970: 1_700_000_100) })
        return blocking { (try? await authority.load([key])) != nil } == true ? authority : nil
    }()

    /// A token the authority accepts, for the corpus.
    static func seed() -> String? {
        guard let authority else { return nil }
        let metadata = AppMetadata(userId: "us-fuzz", orgId: "or-fuzz", tokenKind: .pat)
        return blocking {
            try? await authority.mint(
                audience: .access, id: "to-fuzz", username: "fuzz@signet.fuzz", metadata: metadata,
                expiresAt: Date(timeIntervalSince1970: 1_800_000_000))
        } ?? nil
    }

    static func run(_ text: String) {
        guard let authority else { return }
        for audience in TokenAudience.allCases { _ = blocking { try? await authority.verify(text, audience: audience) } }
    }

    /// Runs `body` to completion from the fuzzer's synchronous callback.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T? {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            let value = await body()
            box.value.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return box.value.withLock { $0 }
    }
}

/// The value a blocking call hands back.
final class ResultBox<T: Sendable>: Sendable {
    let value = Mutex<T?>(nil)
}
