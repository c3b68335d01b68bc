import Crypto
public import Foundation
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
    }

    /// The entry a record's hash covers.
    public static func entry(of record: AuditRecord) -> Entry {
        Entry(
            id: record.id, orgId: record.orgId, userId: record.userId, tokenId: record.tokenId, tokenKind: record.tokenKind,
            credentialUuid: record.credentialUuid, challengeId: record.challengeId, httpMethod: record.httpMethod,
            httpPath: record.httpPath, payload: record.payload, clientData: record.clientData, signature: record.signature,
            authenticatorData: record.authenticatorData, audience: record.audience, createdAt: record.signedAt,
            usedAt: record.usedAt, index: record.index, previous: record.previousHash
        )
    }

    /// Checks an organisation's exported chain offline, in file order: the records run 1, 2, 3…
    /// without a gap, each names the hash of the one before it, each hash matches its content, and
    /// each signature verifies with the credential's public key (a Fast Auth record's signed
    /// challenge also names its method, path, body and organisation). Returns the last record's
    /// hash (the head, to compare with one noted earlier), or the first problem.
    public static func verify(_ records: [AuditRecord]) -> Result<String, Problem> {
        var previous = genesis
        for (offset, record) in records.enumerated() {
            let position = offset + 1
            let problem = { (reason: String) in Problem(position: position, id: record.id, reason: reason) }
            if record.index != Int64(position) {
                let expected = "it is record \(record.index) of the chain where record \(position) was expected"
                let later = records.dropFirst(position).contains { $0.index == Int64(position) }
                let reason =
                    later || record.index < Int64(position)
                    ? "\(expected): records were moved out of order"
                    : "\(expected): a record before it is missing"
                return .failure(problem(reason))
            }
            if let first = records.first, !ExactText.equals(record.orgId, first.orgId) {
                return .failure(problem("it belongs to organisation \(record.orgId), not \(first.orgId)"))
            }
            guard ExactText.equals(record.previousHash, previous) else {
                return .failure(problem("it names \(record.previousHash) as the hash before it, but record \(position - 1) hashes to \(previous)"))
            }
            let hash = entry(of: record).hash
            guard ExactText.equals(hash, record.hash) else {
                return .failure(problem("its content hashes to \(hash), not to the \(record.hash) it carries: it was changed"))
            }
            if let reason = signatureProblem(record) { return .failure(problem(reason)) }
            previous = hash
        }
        return .success(previous)
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
        guard record.challengeId.hasPrefix("fast-auth:") else { return nil }
        return fastAuthProblem(record, credentialId: credential.credentialId)
    }

    /// A Fast Auth record's signed challenge names the request: it must be this record's.
    static func fastAuthProblem(_ record: AuditRecord, credentialId: String) -> String? {
        let header = FastAuth.header(
            credId: credentialId,
            clientData: Base64URL.decode(record.clientData) ?? [],
            signature: Base64URL.decode(record.signature) ?? [],
            algorithm: nil
        )
        do {
            let assertion = try FastAuth.parse(header)
            let request = FastAuth.Request(
                method: record.httpMethod,
                host: assertion.host,
                target: record.httpPath,
                body: Array(record.payload.utf8),
                orgId: record.orgId
            )
            try FastAuth.check(assertion, against: request, now: Date(timeIntervalSince1970: Double(assertion.timestamp) / 1000))
            return nil
        } catch {
            return "its signed Fast Auth challenge does not name this request: \(error.description)"
        }
    }
}
