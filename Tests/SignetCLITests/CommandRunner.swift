import Foundation
import SignetTestFixtures
import Testing

/// Runs the built `signet` binary.
struct CommandRunner: Sendable {
    struct Result: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String

        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
                throw CocoaError(.coderReadCorrupt)
            }
            return object
        }
    }

    let directory: String
    let environment: [String: String]

    /// The `signet` binary next to the test bundle (SwiftPM builds every product before testing);
    /// `SIGNET_BINARY` overrides it.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["SIGNET_BINARY"], !path.isEmpty { return path }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("signet").path
    }

    func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> Result {
        let id = UUID().uuidString
        let outPath = directory + "/.out-\(id)"
        let errPath = directory + "/.err-\(id)"
        let process = try ChildProcess(
            executable: Self.binary,
            arguments: arguments,
            environment: environment.merging(extra) { $1 },
            directory: directory,
            output: outPath,
            error: errPath
        )
        let status = await process.exitStatus()
        let result = Result(
            status: status,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        )
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
        return result
    }

    /// Runs and expects exit code 0.
    @discardableResult
    func succeed(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> Result {
        let result = try await run(arguments, environment: extra)
        #expect(result.status == 0, "signet \(arguments.joined(separator: " ")) → \(result.status): \(result.stderr)")
        return result
    }

    /// The permission bits of a file.
    static func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
    }
}
