import Crypto
import Foundation
public import SignetAPI

extension AuditChain {
    /// What is wrong with an exported audit log, at the first record where it goes wrong.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Where in the file: the record's position, from 1.
        public var position: Int
        /// The record's id, when it has one.
        public var id: String?
        public var reason: String

        public var description: String { "record \(position)\(id.map { " (\($0))" } ?? ""): \(reason)" }

        /// A problem at `position`.
        public init(position: Int, id: String?, reason: String) {
            self.position = position
            self.id = id
            self.reason = reason
        }
    }

    /// The entry a record's hash covers.
    public static func entry(of record: AuditRecord) -> Entry {
        Entry(
            id: record.id, orgId: record.orgId, userId: record.userId, tokenId: record.tokenId, tokenKind: record.tokenKind,
            credentialUuid: record.credentialUuid, challengeId: record.challengeId, httpMethod: record.httpMethod,
            httpPath: record.httpPath, payloadDigest: record.payloadDigest, clientData: record.clientData, signature: record.signature,
            authenticatorData: record.authenticatorData, audience: record.audience, createdAt: record.signedAt,
            usedAt: record.usedAt, index: record.index, previous: record.previousHash
        )
    }

    /// Checks an organisation's exported chain offline, in file order: the records run 1, 2, 3…
    /// without a gap, each names the hash of the one before it, each hash matches its content, each
    /// signature verifies with the credential's public key over a challenge that names the record
    /// (its challenge id, or for Fast Auth its method, path, body digest and organisation), and no
    /// challenge is answered twice. Returns the last record's hash (the head, to compare with one
    /// noted earlier), or the first problem.
    public static func verify(_ records: [AuditRecord]) -> Result<String, Problem> {
        var previous = genesis
        var challenges: [String: Int] = [:]
        for (offset, record) in records.enumerated() {
            let position = offset + 1
            let problem = { (reason: String) in Problem(position: position, id: record.id, reason: reason) }
            if let reason = placeProblem(record, position: position, records: records) { return .failure(problem(reason)) }
            guard ExactText.equals(record.previousHash, previous) else {
                return .failure(problem("it names \(record.previousHash) as the hash before it, but record \(position - 1) hashes to \(previous)"))
            }
            let hash = entry(of: record).hash
            guard ExactText.equals(hash, record.hash) else {
                return .failure(problem("its content hashes to \(hash), not to the \(record.hash) it carries: it was changed"))
            }
            if let reason = signatureProblem(record) { return .failure(problem(reason)) }
            if let earlier = challenges[record.challengeId] {
                return .failure(problem("its challenge \(record.challengeId) was already answered by record \(earlier): a copy"))
            }
            challenges[record.challengeId] = position
            previous = hash
        }
        return .success(previous)
    }

    /// Why the record is not where it should be (record `position` of one organisation's chain).
    static func placeProblem(_ record: AuditRecord, position: Int, records: [AuditRecord]) -> String? {
        if record.index != Int64(position) {
            let expected = "it is record \(record.index) of the chain where record \(position) was expected"
            let later = records.dropFirst(position).contains { $0.index == Int64(position) }
            return later || record.index < Int64(position)
                ? "\(expected): records were moved out of order" : "\(expected): a record before it is missing"
        }
        if let first = records.first, !ExactText.equals(record.orgId, first.orgId) {
            return "it belongs to organisation \(record.orgId), not \(first.orgId)"
        }
        return nil
    }

    /// Why the record's signature does not stand, or `nil` when it does.
    static func signatureProblem(_ record: AuditRecord) -> String? {
        guard let credential = record.credential else { return "its credential \(record.credentialUuid) is not in the export" }
        guard let key = try? PublicKey(pem: credential.publicKey) else { return "its credential's public key cannot be read" }
        guard let clientData = Base64URL.decode(record.clientData), let signature = Base64URL.decode(record.signature) else {
            return "its clientData or signature is not base64url"
        }
        let valid: Bool
        if record.authenticatorData.isEmpty {
            // A key signs the clientData bytes, with the digest its `algorithm` hint named (not kept).
            valid = [SignatureDigest.sha256, .sha384, .sha512].contains { key.isValidSignature(signature, for: clientData, digest: $0) }
        } else {
            guard let authenticatorData = Base64URL.decode(record.authenticatorData) else { return "its authenticatorData is not base64url" }
            valid = key.isValidSignature(signature, for: authenticatorData + Array(SHA256.hash(data: clientData)))
        }
        guard valid else { return "its signature does not verify with credential \(credential.credentialId)'s public key" }
        return bindingProblem(record, clientData: clientData)
    }

    /// The signed clientData must name this record: `{"type": "key.get" or "webauthn.get",
    /// "challenge": C}`, C the base64url JSON of either Signet's challenge (`{"id": its challenge
    /// id, "nonce"}`) or a Fast Auth challenge naming its method, path, body and organisation.
    static func bindingProblem(_ record: AuditRecord, clientData: [UInt8]) -> String? {
        guard let json = try? JSONValue(parsing: clientData), let type = json["type"]?.stringValue,
            ExactText.equals(type, "key.get") || ExactText.equals(type, "webauthn.get"),
            let encoded = json["challenge"]?.stringValue, let inner = Base64URL.decode(encoded),
            let challenge = try? JSONValue(parsing: inner)
        else { return "its signed clientData is not a signed challenge" }
        guard challenge["payloadHash"] != nil else {
            guard let id = challenge["id"]?.stringValue, ExactText.equals(id, record.challengeId), !record.challengeId.hasPrefix("fast-auth:")
            else { return "its signature answers another challenge than its \(record.challengeId)" }
            return nil
        }
        return fastAuthProblem(record, clientData: record.clientData)
    }

    /// A Fast Auth record's signed challenge names the request: it must be this record's.
    static func fastAuthProblem(_ record: AuditRecord, clientData: String) -> String? {
        let header = FastAuth.header(
            credId: record.credential?.credentialId ?? "-",
            clientData: Base64URL.decode(clientData) ?? [],
            signature: Base64URL.decode(record.signature) ?? [],
            algorithm: nil
        )
        let assertion: FastAuth.Assertion
        do {
            assertion = try FastAuth.parse(header)
        } catch {
            return "its signed Fast Auth challenge cannot be read: \(error.description)"
        }
        let digest = Base64URL.decode(assertion.payloadHash).map { Hex.encode($0) } ?? ""
        let named =
            ExactText.equals(assertion.method, record.httpMethod) && ExactText.equals(assertion.path, record.httpPath)
            && ExactText.equals(digest, record.payloadDigest) && ExactText.equals(assertion.orgId, record.orgId)
            && ExactText.equals("fast-auth:" + assertion.nonce, record.challengeId)
        return named ? nil : "its signed Fast Auth challenge names another request (method, path, body, organisation or nonce)"
    }
}
