import Crypto
public import Foundation

/// Dfns Fast Auth: a signed write in one request. `X-DFNS-USERACTION` carries, instead of a user
/// action token, `base64url(JSON)` of a Key credential's assertion over a challenge that names the
/// request itself (time, nonce, host, method, path and query, the body's SHA-256, the organisation).
/// Framework-free: the server decides who the caller is and remembers nonces; this type reads the
/// header and compares every member with the request, byte for byte.
public enum FastAuth {
    /// How far a challenge's `timestamp` may lie from the server's clock, either way. A nonce is
    /// remembered at least this long after its timestamp, so no replay falls outside both.
    public static let window: TimeInterval = 5 * 60

    /// Why a Fast Auth header was refused; each names the part.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case malformed(String)
        case mismatch(String)
        case stale(String)
        case badSignature

        public var description: String {
            switch self {
            case .malformed(let what): "the Fast Auth header is not valid: \(what)"
            case .mismatch(let what): "the Fast Auth challenge does not match this request: \(what)"
            case .stale(let what): "the Fast Auth challenge's timestamp is \(what)"
            case .badSignature: "the Fast Auth signature does not verify with the credential's key"
            }
        }
    }

    /// The request as received: what the challenge must name.
    public struct Request: Sendable {
        public var method: String
        /// The `Host` header's host, without port (compared lower-case).
        public var host: String
        /// The request target: path and query exactly as sent.
        public var target: String
        /// The body bytes exactly as received (empty without a body).
        public var body: [UInt8]
        /// The organisation of the bearer token.
        public var orgId: String

        public init(method: String, host: String, target: String, body: [UInt8], orgId: String) {
            (self.method, self.host, self.target, self.body, self.orgId) = (method, host, target, body, orgId)
        }
    }

    /// A Fast Auth header, read and checked for shape.
    public struct Assertion: Sendable {
        /// The Key credential that signed (its credId or `cr-…` id).
        public let credId: String
        /// `clientData` exactly as signed, base64url, and its `challenge`.
        public let clientData: String
        public let signature: String
        public let algorithm: String?
        /// The challenge's members.
        public let timestamp: Int64
        public let nonce: String
        let host: String
        let method: String
        let path: String
        let payloadHash: String
        let orgId: String
    }

    /// Whether an `X-DFNS-USERACTION` value is a Fast Auth assertion rather than a user action token
    /// (a JWT: three base64url parts joined by dots; a Fast Auth value is one base64url string).
    public static func isFastAuth(_ header: String) -> Bool { !header.utf8.contains(UInt8(ascii: ".")) }

    /// Reads the header: `{"kind":"Key","credentialAssertion":{credId, clientData, signature, algorithm?}}`,
    /// whose clientData is `{"type":"key.get","challenge":C}` and C exactly the seven members.
    public static func parse(_ header: String) throws(Failure) -> Assertion {
        guard header.utf8.count <= 16_384, let bytes = Base64URL.decode(header), let json = try? JSONValue(parsing: bytes),
            json.objectKeys == ["kind", "credentialAssertion"], json["kind"] == .string("Key"),
            let assertion = json["credentialAssertion"], let keys = assertion.objectKeys,
            keys.isSubset(of: ["credId", "clientData", "signature", "algorithm"]),
            let credId = assertion["credId"]?.stringValue, !credId.isEmpty,
            let encodedClientData = assertion["clientData"]?.stringValue, let signature = assertion["signature"]?.stringValue
        else {
            throw .malformed("expected base64url JSON {kind: \"Key\", credentialAssertion: {credId, clientData, signature, algorithm}}")
        }
        let algorithm = assertion["algorithm"].map(\.stringValue)
        guard algorithm != .some(nil) else { throw .malformed("credentialAssertion.algorithm must be a string") }
        guard let clientBytes = Base64URL.decode(encodedClientData), let clientData = try? JSONValue(parsing: clientBytes),
            clientData.objectKeys == ["type", "challenge"], clientData["type"] == .string("key.get"),
            let encodedChallenge = clientData["challenge"]?.stringValue
        else { throw .malformed("clientData must be base64url JSON {type: \"key.get\", challenge}") }
        return try read(challenge: encodedChallenge, credId: credId, clientData: encodedClientData, signature: signature, algorithm: algorithm ?? nil)
    }

    private static func read(
        challenge encoded: String,
        credId: String,
        clientData: String,
        signature: String,
        algorithm: String?
    ) throws(Failure) -> Assertion {
        let required: Set<String> = ["timestamp", "nonce", "host", "method", "path", "payloadHash"]
        guard let bytes = Base64URL.decode(encoded), let challenge = try? JSONValue(parsing: bytes), let keys = challenge.objectKeys,
            keys == required.union(["orgId"]) || keys == required.union(["tenantId"])
        else { throw .malformed("the challenge must be base64url JSON of timestamp, nonce, host, method, path, payloadHash and orgId") }
        guard let time = challenge["timestamp"]?.stringValue, time.utf8.count == 13, time.utf8.first != UInt8(ascii: "0"),
            time.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let timestamp = Int64(time)
        else { throw .malformed("timestamp must be milliseconds since 1970, as a string of 13 digits") }
        guard let nonce = challenge["nonce"]?.stringValue, nonce.utf8.count == 22, Base64URL.decode(nonce)?.count == 16 else {
            throw .malformed("nonce must be base64url of 16 random bytes (22 characters)")
        }
        guard let host = challenge["host"]?.stringValue, let method = challenge["method"]?.stringValue,
            let path = challenge["path"]?.stringValue, let payloadHash = challenge["payloadHash"]?.stringValue,
            let orgId = (challenge["orgId"] ?? challenge["tenantId"])?.stringValue
        else { throw .malformed("host, method, path, payloadHash and orgId must be strings") }
        return Assertion(
            credId: credId,
            clientData: clientData,
            signature: signature,
            algorithm: algorithm,
            timestamp: timestamp,
            nonce: nonce,
            host: host,
            method: method,
            path: path,
            payloadHash: payloadHash,
            orgId: orgId
        )
    }

    /// Compares every member of the challenge with the request (bytes, or Unicode scalars for the
    /// host compared lower-case), and the timestamp with `now`.
    public static func check(_ assertion: Assertion, against request: Request, now: Date) throws(Failure) {
        func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
        // The signed texts are the caller's: quoted escaped and short in a refusal (which is logged).
        func quoted(_ text: String) -> String { TextRules.escaped(String(text.prefix(100))) }
        guard same(assertion.method, request.method) else { throw .mismatch("method \(quoted(assertion.method)) was signed") }
        guard same(assertion.path, request.target) else { throw .mismatch("path was signed as \(quoted(assertion.path))") }
        // The client lower-cases the host it signs; the request's Host is lower-cased in ASCII only.
        let host = String(decoding: request.host.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
        guard same(assertion.host, host) else { throw .mismatch("host \(quoted(assertion.host)) was signed") }
        guard same(assertion.orgId, request.orgId) else { throw .mismatch("the organisation is not the token's") }
        let digest = Base64URL.encode(Array(SHA256.hash(data: request.body)))
        guard same(assertion.payloadHash, digest) else { throw .mismatch("payloadHash is not the SHA-256 of the body received") }
        let skew = Double(assertion.timestamp) / 1000 - now.timeIntervalSince1970
        guard skew <= window else { throw .stale("more than \(Int(window)) seconds ahead of the server's clock") }
        guard skew >= -window else { throw .stale("more than \(Int(window)) seconds old") }
    }

    /// The clientData a client signs for `request` (`{"type":"key.get","challenge":C}`, C the
    /// base64url JSON of the spec's seven members), as the Dfns TypeScript SDK builds it.
    public static func clientData(for request: Request, timestamp: Date, nonce: [UInt8]) -> [UInt8] {
        let members = [
            "timestamp": String(Int64((timestamp.timeIntervalSince1970 * 1000).rounded(.down))), "nonce": Base64URL.encode(nonce),
            "host": request.host.lowercased(), "method": request.method, "path": request.target,
            "payloadHash": Base64URL.encode(Array(SHA256.hash(data: request.body))), "orgId": request.orgId,
        ]
        let challenge = Base64URL.encode(encoded(members))
        return Array(#"{"type":"key.get","challenge":"\#(challenge)"}"#.utf8)
    }

    /// The `X-DFNS-USERACTION` value for a signed clientData.
    public static func header(credId: String, clientData: [UInt8], signature: [UInt8], algorithm: String?) -> String {
        struct Assertion: Encodable {
            let credId: String, clientData: String, signature: String, algorithm: String?
        }
        struct Whole: Encodable {
            let kind = "Key"
            let credentialAssertion: Assertion
        }
        let assertion = Assertion(
            credId: credId,
            clientData: Base64URL.encode(clientData),
            signature: Base64URL.encode(signature),
            algorithm: algorithm
        )
        return Base64URL.encode(encoded(Whole(credentialAssertion: assertion)))
    }

    private static func encoded(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings and optional strings always encode.
        return (try? encoder.encode(value)).map { Array($0) } ?? []
    }

    /// Verifies the signature over the clientData bytes with the credential's key.
    public static func verifySignature(_ assertion: Assertion, publicKey: PublicKey) throws(Failure) {
        guard let clientData = Base64URL.decode(assertion.clientData), let signature = Base64URL.decode(assertion.signature) else {
            throw .malformed("clientData and signature must be base64url")
        }
        // The algorithm agrees with the key: none for Ed25519, which signs the bytes; exactly SHA256,
        // SHA384 or SHA512 for P-256 and RSA.
        let digest: SignatureDigest
        switch (publicKey.algorithm, assertion.algorithm) {
        case (.ed25519, nil): digest = .sha256
        case (.ed25519, _): throw .malformed("an Ed25519 key signs without an algorithm member")
        case (_, "SHA256"): digest = .sha256
        case (_, "SHA384"): digest = .sha384
        case (_, "SHA512"): digest = .sha512
        default: throw .malformed("algorithm must be SHA256, SHA384 or SHA512 for this key")
        }
        guard publicKey.isValidSignature(signature, for: clientData, digest: digest) else { throw .badSignature }
    }
}
