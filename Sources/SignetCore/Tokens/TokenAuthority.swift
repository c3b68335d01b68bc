public import Crypto
public import Foundation
import JWTKit
import NIOConcurrencyHelpers

/// One Ed25519 key that signs Signet's JWTs, as the store persists it.
public struct SigningKeyMaterial: Sendable, Equatable {
    /// The key id, written into each token's `kid` header.
    public var kid: String
    /// The 32-byte Ed25519 private key (seed).
    public var privateKey: [UInt8]
    /// When the key was made.
    public var createdAt: Date

    /// Wraps stored key material.
    public init(kid: String, privateKey: [UInt8], createdAt: Date) {
        self.kid = kid
        self.privateKey = privateKey
        self.createdAt = createdAt
    }

    /// A fresh key from the system's cryptographic random generator.
    public static func generate(now: Date = Date()) -> SigningKeyMaterial {
        SigningKeyMaterial(
            kid: Identifier.make(.signingKey),
            privateKey: Array(Curve25519.Signing.PrivateKey().rawRepresentation),
            createdAt: now
        )
    }
}

/// Why a presented token was refused.
public enum TokenFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a JWT, or not one Signet could have minted.
    case malformed
    /// The signature does not verify with any of Signet's signing keys.
    case badSignature
    /// Past its `exp`.
    case expired
    /// A token minted for another purpose (a challenge presented as a bearer, say).
    case wrongAudience
    /// Signed with a key this node does not know (yet).
    case unknownKey

    public var description: String {
        switch self {
        case .malformed: return "the token is malformed"
        case .badSignature: return "the token's signature is not valid"
        case .expired: return "the token has expired"
        case .wrongAudience: return "the token is not valid for this use"
        case .unknownKey: return "the token's signature is not valid"
        }
    }
}

/// Mints and checks Signet's JWTs (EdDSA over Ed25519, as Dfns does).
///
/// Holds every signing key that may still have live tokens; new tokens are signed with the newest.
/// Checking a token here proves only that Signet minted it and that it has not expired: whether it
/// was since revoked is the store's business, asked on every request.
///
/// The keys can be replaced while the server runs (``load(_:)``), so that a key rotation made on
/// one node reaches the others. A token signed with a key this node has not seen yet makes it ask
/// `reloadSource` for the keys again, at most once a second.
public final class TokenAuthority: Sendable {
    /// The `iss` of every token.
    public let issuer: String
    /// The longest token accepted, in bytes; longer ones are refused unread.
    public static let maximumTokenLength = 8192
    private let state = NIOLockedValueBox<State>(State())
    /// Challenge identifiers and user actions it minted, recognised without a signature check.
    let minted = MintedTokens()
    private let reloadSource: (@Sendable () async throws -> [SigningKeyMaterial])?
    /// The current time, for `iat` and the expiry check (injectable, so tests move it instead of sleeping).
    private let now: @Sendable () -> Date

    private struct State {
        var keys: JWTKeyCollection?
        var keyIDs: Set<[UInt8]> = []
        var secretSeed: SymmetricKey?
        var currentKID: String?
        var publicKeys: [(kid: String, x: [UInt8])] = []
        var lastReload: Date?
        /// Counts the loads that withdrew a key (``MintedTokens``).
        var generation = 0
    }

    /// An authority with no keys yet; call ``load(_:)`` before minting. `now` is the clock that
    /// stamps `iat` and decides expiry.
    public init(
        issuer: String,
        now: @escaping @Sendable () -> Date = { Date() },
        reloadSource: (@Sendable () async throws -> [SigningKeyMaterial])? = nil
    ) {
        self.issuer = issuer
        self.now = now
        self.reloadSource = reloadSource
    }

    /// An authority over the given keys; `current` signs new tokens, all of them verify.
    public convenience init(
        issuer: String,
        keys material: [SigningKeyMaterial],
        current: SigningKeyMaterial,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws {
        self.init(issuer: issuer, now: now)
        try await load(material + [current])
    }

    /// Replaces the keys. The last one signs new tokens; every one verifies.
    public func load(_ material: [SigningKeyMaterial]) async throws {
        guard let current = material.last else { return }
        let collection = JWTKeyCollection()
        for key in material {
            let privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: key.privateKey)
            await collection.add(eddsa: EdDSA.PrivateKey(backing: privateKey), kid: JWKIdentifier(string: key.kid))
        }
        let generation = state.withLockedValue { state -> Int? in
            let keyIDs = Set(material.map { Array($0.kid.utf8) })
            let withdrawn = !state.keyIDs.isSubset(of: keyIDs)
            if withdrawn { state.generation += 1 }
            state.keys = collection
            state.keyIDs = keyIDs
            if let oldest = material.min(by: { $0.createdAt < $1.createdAt }) {
                state.secretSeed = SymmetricKey(data: oldest.privateKey)
            }
            state.currentKID = current.kid
            state.publicKeys = material.compactMap { key in
                (try? Curve25519.Signing.PrivateKey(rawRepresentation: key.privateKey)).map { (key.kid, Array($0.publicKey.rawRepresentation)) }
            }
            return withdrawn ? state.generation : nil
        }
        if let generation { minted.forget(generation: generation) }
    }

    /// The Ed25519 public key of every signing key (`kid`, raw 32 bytes), as `/.well-known/jwks.json` publishes them.
    public var publicKeys: [(kid: String, x: [UInt8])] { state.withLockedValue { $0.publicKeys } }

    /// Signs claims with the current key (EdDSA, `kid` in the header): tokens Signet hands to others,
    /// such as the gateway's identity token, which never verify as Signet's own (other audiences).
    func sign(_ claims: some JWTPayload) async throws -> String {
        let (keys, kid) = state.withLockedValue { ($0.keys, $0.currentKID) }
        guard let keys, let kid else { throw TokenFailure.malformed }
        return try await keys.sign(claims, kid: JWKIdentifier(string: kid), header: ["typ": "JWT"])
    }

    /// A secret for `purpose`, the same on every node and across restarts: derived (HKDF-SHA256)
    /// from the oldest signing key, which rotation never removes. `nil` before keys are loaded.
    public func derivedSecret(purpose: String) -> SymmetricKey? {
        guard let seed = state.withLockedValue({ $0.secretSeed }) else { return nil }
        return HKDF<SHA256>.deriveKey(
            inputKeyMaterial: seed,
            salt: Array("signet".utf8),
            info: Array(purpose.utf8),
            outputByteCount: 32
        )
    }

    /// The id of the key that signs new tokens.
    public var currentKeyID: String? { state.withLockedValue { $0.currentKID } }

    /// Mints a token. `expiresAt` is written to `exp`; `issuedAt` defaults to the authority's clock.
    public func mint(
        audience: TokenAudience,
        id: String,
        username: String,
        metadata: AppMetadata,
        issuedAt: Date? = nil,
        expiresAt: Date
    ) async throws -> String {
        let issuedAt = issuedAt ?? now()
        let (keys, kid, generation) = state.withLockedValue { ($0.keys, $0.currentKID, $0.generation) }
        guard let keys, let kid else { throw TokenFailure.malformed }
        let claims = TokenClaims(
            issuer: issuer,
            audience: audience,
            id: id,
            username: username,
            metadata: metadata,
            issuedAt: issuedAt,
            expiresAt: expiresAt
        )
        let token = try await keys.sign(claims, kid: JWKIdentifier(string: kid), header: ["typ": "JWT"])
        if audience != .access { minted.remember(token, claims: claims, generation: generation, now: issuedAt) }
        return token
    }

    /// Verifies a token's signature, expiry, issuer and audience and returns its claims.
    ///
    /// The header is checked before any key is touched: `alg` must be `EdDSA` (never `none`, never
    /// an HMAC that a public key could be abused for) and `kid` must name one of Signet's keys. An
    /// unknown `kid` makes the authority reload its keys (at most once a second), so a key rotated
    /// on another node, or by `signet signing-keys rotate`, is learnt on first sight; a token without
    /// a `kid` is refused rather than checked with a default key.
    /// A challenge identifier or user action this authority minted is recognised by its digest
    /// (``MintedTokens``) and checked for expiry, issuer and audience alike.
    public func verify(_ token: String, audience: TokenAudience) async throws(TokenFailure) -> TokenClaims {
        guard token.utf8.count <= Self.maximumTokenLength else { throw .malformed }
        if let claims = minted.take(token) { return try checked(claims, audience: audience) }
        guard token.split(separator: ".", omittingEmptySubsequences: false).count == 3 else { throw .malformed }
        let kid = try Self.pinnedKeyID(token)
        if !knows(kid) {
            _ = await reloadIfDue()
            guard knows(kid) else { throw .badSignature }
        }
        return try await verifyOnce(token, audience: audience)
    }

    private func knows(_ kid: [UInt8]) -> Bool { state.withLockedValue { $0.keyIDs.contains(kid) } }

    /// The `kid` of a token whose protected header says `alg: EdDSA`; anything else is malformed.
    static func pinnedKeyID(_ token: String) throws(TokenFailure) -> [UInt8] {
        guard let encoded = token.split(separator: ".", maxSplits: 1).first, encoded.utf8.count <= 1024,
            let bytes = Base64URL.decode(String(encoded)), let header = try? JSONValue(parsing: bytes),
            let alg = header["alg"]?.stringValue, ExactText.equals(alg, "EdDSA"), header["crit"] == nil,
            let kid = header["kid"]?.stringValue, !kid.isEmpty, kid.utf8.count <= 128
        else { throw .malformed }
        return Array(kid.utf8)
    }

    private func verifyOnce(_ token: String, audience: TokenAudience) async throws(TokenFailure) -> TokenClaims {
        guard let keys = state.withLockedValue({ $0.keys }) else { throw .badSignature }
        let claims: TokenClaims
        do {
            claims = try await keys.verify(token, as: TokenClaims.self)
        } catch let error as JWTError {
            switch error.errorType {
            case .claimVerificationFailure: throw .expired
            case .unknownKID: throw .unknownKey
            case .signatureVerificationFailed, .missingKIDHeader: throw .badSignature
            default: throw .malformed
            }
        } catch {
            throw .malformed
        }
        return try checked(claims, audience: audience)
    }

    /// `claims` if unexpired by this authority's clock (jwt-kit's own check reads the system
    /// clock) and issued by it for `audience`.
    private func checked(_ claims: TokenClaims, audience: TokenAudience) throws(TokenFailure) -> TokenClaims {
        // The system clock too, as jwt-kit's own check on the signature path.
        guard claims.exp.value > now(), claims.exp.value > Date() else { throw .expired }
        guard ExactText.equals(claims.iss.value, issuer), claims.aud.value.count == 1,
            ExactText.equals(claims.aud.value[0], audience.rawValue)
        else { throw .wrongAudience }
        return claims
    }

    /// Reloads the keys from `reloadSource` unless that happened less than a second ago (by the
    /// injected clock, so tests move it instead of sleeping).
    private func reloadIfDue() async -> Bool {
        guard let reloadSource else { return false }
        let now = self.now()
        let due = state.withLockedValue { state -> Bool in
            // A clock set back allows a reload at once rather than none for as long as it went back.
            if let last = state.lastReload, last <= now, now.timeIntervalSince(last) < 1 { return false }
            state.lastReload = now
            return true
        }
        guard due, let material = try? await reloadSource(), !material.isEmpty else { return false }
        return (try? await load(material)) != nil
    }
}

/// SHA-256 of a token, hex: the only trace of an access token Signet keeps.
public enum TokenDigest {
    /// The digest stored for `token`.
    public static func of(_ token: String) -> String {
        Hex.encode(hash(token))
    }

    /// The raw SHA-256 of `token`, from which its stored digest is written (and under which a
    /// server caches a token that passed its checks).
    public static func hash(_ token: String) -> SHA256Digest {
        SHA256.hash(data: Array(token.utf8))
    }

    /// Whether `token` matches a stored digest, compared in constant time.
    public static func matches(_ token: String, digest: String) -> Bool {
        matches(hash(token), digest: digest)
    }

    /// Whether a token's ``hash(_:)`` matches a stored digest, compared in constant time.
    public static func matches(_ hash: SHA256Digest, digest: String) -> Bool {
        ConstantTime.equals(Hex.encode(hash), digest)
    }
}
