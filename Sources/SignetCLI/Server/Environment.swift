import ArgumentParser
import Foundation
import SignetCore
import SignetStore

/// Settings shared by the commands, with their `SIGNET_*` environment variables.
enum Environment {
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// The default database: `./signet-data/signet.sqlite`, or `SIGNET_DATABASE`.
    static var defaultDatabase: String { value("SIGNET_DATABASE") ?? "./signet-data/signet.sqlite" }
}

/// Where the store lives (`--database`): a SQLite file, whose data folder is created on first
/// start, or a PostgreSQL URL.
struct DatabaseLocation {
    let store: StoreLocation

    init(_ argument: String) throws {
        guard !argument.isEmpty else { throw ValidationError("--database must be a SQLite file path or a postgres:// URL") }
        store = StoreLocation(argument)
        if case .sqlite(let path) = store, path.isEmpty { throw ValidationError("--database must be a SQLite file path or a postgres:// URL") }
    }

    /// The folder for the SQLite file and the files `--dev` writes (the current folder's
    /// `signet-data` for PostgreSQL).
    var dataFolder: String {
        guard case .sqlite(let path) = store else { return "./signet-data" }
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// Creates the data folder (0700) if it does not exist.
    func prepare() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: dataFolder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ValidationError("\(dataFolder) exists and is not a folder") }
            return
        }
        try FileManager.default.createDirectory(
            atPath: dataFolder,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
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

    /// The message is printed to a terminal: control and format characters (which a server
    /// message may echo from input) are written as `\u{…}`.
    init(_ description: String) { self.description = TextRules.escaped(description) }
}
