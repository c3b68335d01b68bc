import ArgumentParser
import Foundation

/// Settings shared by the commands, with their `SIGNET_*` environment variables.
enum Environment {
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// The default database: `./signet-data/signet.sqlite`, or `SIGNET_DATABASE`.
    static var defaultDatabase: String { value("SIGNET_DATABASE") ?? "./signet-data/signet.sqlite" }
}

/// Where the SQLite store lives, and the data folder around it.
struct DatabaseLocation {
    let path: String

    init(_ argument: String) throws {
        if argument.hasPrefix("postgres://") || argument.hasPrefix("postgresql://") {
            throw ValidationError("PostgreSQL is not supported by this build yet; give a SQLite file path")
        }
        path = argument.hasPrefix("sqlite:") ? String(argument.dropFirst("sqlite:".count)) : argument
        guard !path.isEmpty else { throw ValidationError("--database must be a SQLite file path") }
    }

    var dataFolder: String { (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent }

    /// Creates the data folder (0700) if it does not exist.
    func prepare() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: dataFolder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ValidationError("\(dataFolder) exists and is not a folder") }
            return
        }
        try FileManager.default.createDirectory(
            atPath: dataFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
}

/// Writing files that hold secrets.
enum SecretFile {
    /// Creates `path` with mode 0600 and writes `contents`; refuses to overwrite an existing file.
    static func create(_ path: String, contents: String) throws {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else {
            throw ValidationError("cannot create \(path): \(String(cString: strerror(errno))) (an existing file is never overwritten)")
        }
        defer { close(descriptor) }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw ValidationError("cannot write \(path)") }
    }
}

/// A refusal the user can act on: printed as `Error: <message>` with exit code 1, without the usage text.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
