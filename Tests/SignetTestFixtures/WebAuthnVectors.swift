import Foundation

/// The real WebAuthn registrations and assertions captured from Chromium's and Firefox's virtual
/// authenticators (`webauthn-sample.json`, copied from the project's shared test vectors). Binary values are
/// base64url without padding.
public struct WebAuthnVector: Decodable, Sendable {
    public struct Registration: Decodable, Sendable {
        public let requestedAttestation: String
        public let requestedAlgs: [Int]
        public let challenge: String
        public let userId: String
        public let rawId: String
        public let clientDataJSON: String
        public let attestationObject: String
        public let publicKeySPKI: String
        public let publicKeyAlgorithm: Int
    }

    public struct Assertion: Decodable, Sendable {
        public let challenge: String
        public let rawId: String
        public let clientDataJSON: String
        public let authenticatorData: String
        public let signature: String
        public let userHandle: String?
    }

    public struct Decoded: Decodable, Sendable {
        public struct Side: Decodable, Sendable {
            public struct AuthData: Decodable, Sendable {
                public let signCount: UInt32
                public let aaguidHex: String?
            }
            public let fmt: String?
            public let authData: AuthData
        }
        public let registration: Side
        public let assertion: Side
    }

    public let name: String
    public let origin: String
    public let rpId: String
    public let registration: Registration
    public let assertion: Assertion
    public let decoded: Decoded

    /// Every vector in the file.
    public static func load() throws -> [WebAuthnVector] {
        struct File: Decodable { let vectors: [WebAuthnVector] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("webauthn-sample.json")
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).vectors
    }
}
