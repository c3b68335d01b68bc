import ArgumentParser
import Foundation
import SignetClient
import SignetCore

/// `signet keygen`.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate a keypair: NAME.pem (private, mode 0600) and NAME.public.pem, both readable by openssl."
    )

    enum Algorithm: String, ExpressibleByArgument, CaseIterable {
        case p256, ed25519, rsa

        var keyAlgorithm: KeyAlgorithm {
            switch self {
            case .p256: return .ecdsaP256
            case .ed25519: return .ed25519
            case .rsa: return .rsa
            }
        }
    }

    @Option(help: "p256, ed25519 or rsa (3072 bits).")
    var algorithm: Algorithm = .ed25519

    @Option(help: "The name (path without extension) of the files to write.")
    var out: String = "signet-key"

    @Flag(help: "Print the paths as JSON.")
    var json = false

    func run() throws {
        let paths = try KeyFiles.write(try PrivateKey.generate(algorithm.keyAlgorithm), name: out)
        if json {
            try Output.json(["privateKey": paths.privateKey, "publicKey": paths.publicKey, "algorithm": algorithm.keyAlgorithm.rawValue])
        } else {
            print("Wrote \(paths.privateKey) (keep it secret) and \(paths.publicKey)")
        }
    }
}

/// Writing keypairs to disk.
enum KeyFiles {
    /// The public key for a new PAT or service account: read from `path`, or generated with
    /// `algorithm` and written to NAME.pem / NAME.public.pem (then `privateKeyPath` says where).
    static func publicKey(
        from path: String?,
        orGenerate algorithm: KeygenCommand.Algorithm,
        name: String
    ) throws
        -> (pem: String, privateKeyPath: String?)
    {
        if let path {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw UsageError("cannot read \(path)") }
            return (text, nil)
        }
        let key = try PrivateKey.generate(algorithm.keyAlgorithm)
        return (key.publicKey.pemRepresentation, try write(key, name: name).privateKey)
    }

    /// Runs `create` with a key from ``publicKey(from:orGenerate:name:)``; when the server refuses,
    /// a keypair generated for it is removed, so the same command can simply be run again.
    static func creating<T>(
        from path: String?,
        orGenerate algorithm: KeygenCommand.Algorithm,
        name: String,
        _ create: (String) async throws -> T
    ) async throws -> (T, privateKeyPath: String?) {
        let (pem, keyPath) = try publicKey(from: path, orGenerate: algorithm, name: name)
        do {
            return (try await create(pem), keyPath)
        } catch let error as SignetClientError where error.errorType == .policyPending {
            // Held for approval: the key is the one the token will be claimed for; keep it.
            if let keyPath { Output.warn("Keep \(keyPath): it is the private key of the token you will claim once approved.") }
            throw error
        } catch {
            if let keyPath {
                try? FileManager.default.removeItem(atPath: keyPath)
                try? FileManager.default.removeItem(atPath: name + ".public.pem")
            }
            throw error
        }
    }

    /// Prints a new access token on standard output, once, with the warning people must see.
    static func showOnce(_ token: String?) {
        Output.warn("Store this access token now: it is shown only this once and Signet does not keep it.")
        print(token ?? "")
    }

    /// Writes NAME.pem (0600) and NAME.public.pem; refuses to overwrite either.
    static func write(_ key: PrivateKey, name: String) throws -> (privateKey: String, publicKey: String) {
        let privatePath = name + ".pem"
        let publicPath = name + ".public.pem"
        for path in [privatePath, publicPath] where FileManager.default.fileExists(atPath: path) {
            throw UsageError("\(path) already exists; choose another name with --out (existing keys are never overwritten)")
        }
        do {
            try SecretFile.create(privatePath, contents: key.pemRepresentation + "\n")
        } catch {
            throw UsageError("\(error)")
        }
        guard FileManager.default.createFile(atPath: publicPath, contents: Data((key.publicKey.pemRepresentation + "\n").utf8)) else {
            throw UsageError("cannot write \(publicPath)")
        }
        return (privatePath, publicPath)
    }
}
