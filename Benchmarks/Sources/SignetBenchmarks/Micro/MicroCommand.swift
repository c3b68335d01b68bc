import ArgumentParser
import Foundation
import SignetAPI
import SignetCore

/// `signet-bench micro`: the operations on Signet's hot path, one at a time, on one core.
struct MicroCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "micro",
        abstract:
            "Time the hot path: token checks, signature verification per algorithm, permission evaluation, JSON, and whole requests in-process.",
        discussion: "Prints a Markdown table. --quick runs each benchmark for 20 ms: enough to prove it builds and runs (CI), not to judge speed."
    )

    @Flag(help: "Run each benchmark for 20 ms instead of one second.")
    var quick = false

    @Option(help: "Seconds per benchmark (default 1; ignored with --quick).")
    var seconds: Double = 1

    func run() async throws {
        let measure = Measure(budget: quick ? .milliseconds(20) : .milliseconds(Int(seconds * 1000)))
        var results: [Measure.Result] = []
        results += try await Self.tokens(measure)
        results += try await Self.signatures(measure)
        results += try await Self.permissions(measure)
        results += try await InProcessRequests.measure(measure)
        results += try await GroupCommitWrites.measure(measure)
        print("| Operation (one core) | µs/op | ops/s |")
        print("|---|---:|---:|")
        for result in results {
            print("| \(result.name) | \(String(format: "%.2f", result.microseconds)) | \(String(format: "%.0f", result.operationsPerSecond)) |")
        }
    }

    /// Checking a bearer token cold (its JWT signature) and warm (the digest that keys the cache).
    static func tokens(_ measure: Measure) async throws -> [Measure.Result] {
        let tokens = TokenAuthority(issuer: "signet")
        try await tokens.load([SigningKeyMaterial.generate()])
        let metadata = AppMetadata(userId: Identifier.make(.user), orgId: Identifier.make(.organization), tokenKind: .pat)
        let token = try await tokens.mint(
            audience: .access,
            id: Identifier.make(.token),
            username: "bench@signet.local",
            metadata: metadata,
            expiresAt: Date() + 3600
        )
        let bytes = Array(token.utf8)
        return [
            try await measure.run("token digest (SHA-256 of a \(bytes.count)-byte PAT): the warm check's key") {
                blackHole(TokenDigest.hash(token))
            },
            try await measure.run("JWT verify, EdDSA: the cold check of a bearer, challenge or user action") {
                blackHole(try await tokens.verify(token, audience: .access))
            },
            try await measure.run("JWT mint, EdDSA: challenge and user-action tokens") {
                blackHole(
                    try await tokens.mint(
                        audience: .userAction,
                        id: Identifier.make(.userAction),
                        username: "bench@signet.local",
                        metadata: metadata,
                        expiresAt: Date() + 300
                    )
                )
            },
        ]
    }

    /// Verifying a user's signed challenge, as `/auth/action` does, per key algorithm.
    static func signatures(_ measure: Measure) async throws -> [Measure.Result] {
        var results: [Measure.Result] = []
        let challenge = Base64URL.encode(Identifier.randomBytes(48))
        let clientData = KeyAssertion.clientData(challenge: challenge)
        for algorithm in [KeyAlgorithm.ecdsaP256, .ed25519, .rsa] {
            let key = try PrivateKey.generate(algorithm)
            let pem = key.publicKey.pemRepresentation
            let encodedClientData = Base64URL.encode(clientData)
            let signature = Base64URL.encode(try key.signature(for: clientData))
            let publicKey = try PublicKey(pem: pem)
            results.append(
                try await measure.run("signature verify, \(algorithm.rawValue) (a signed challenge)") {
                    blackHole(
                        try KeyAssertion.verify(
                            clientData: encodedClientData,
                            signature: signature,
                            algorithmHint: nil,
                            publicKey: publicKey,
                            expectedChallenge: challenge
                        )
                    )
                }
            )
            results.append(
                try await measure.run("public key parse (PEM), \(algorithm.rawValue)") { blackHole(try PublicKey(pem: pem)) }
            )
        }
        return results
    }

    /// A PAT's effective permissions (its user's roles ∩ its own) and one check against them.
    static func permissions(_ measure: Measure) async throws -> [Measure.Result] {
        let user = PermissionSet(operations: OperationCatalog.current)
        let pat = PermissionSet(operations: OperationCatalog.current.prefix(20))
        let operation = OperationCatalog.current[10]
        return [
            try await measure.run("permission evaluation: user ∩ PAT (\(OperationCatalog.current.count) and 20 operations), then allows", batch: 100)
            {
                for _ in 0..<100 { blackHole(user.intersection(pat).allows(operation)) }
            },
            try await measure.run("permission check on a precomputed set (the warm path)", batch: 1000) {
                for _ in 0..<1000 { blackHole(pat.allows(operation)) }
            },
        ]
    }
}
