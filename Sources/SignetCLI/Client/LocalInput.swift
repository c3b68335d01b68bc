import Foundation
import SignetCore

/// What commands read from the machine rather than the server: a private key file, a one-time code.
enum LocalInput {
    /// The private key in the PEM file at `path`, or a usage error that says what is wrong.
    static func privateKey(at path: String) throws -> PrivateKey {
        guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else { throw UsageError("cannot read \(path)") }
        do {
            return try PrivateKey(pem: pem)
        } catch {
            throw UsageError("\(path) is not a private key: \(error)")
        }
    }

    /// `given`, or the first line of standard input (a code kept out of the process list and the
    /// shell's history).
    static func code(_ given: String?) throws -> String {
        if let given { return given }
        guard let line = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces), !line.isEmpty else {
            throw UsageError("no code: give --code, or pipe the code into standard input")
        }
        return line
    }
}
