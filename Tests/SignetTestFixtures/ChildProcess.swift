import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process started with `posix_spawn`, for tests that run the `signet` binary.
///
/// Not `Foundation.Process`: on Linux its `run()` copies whole 256-byte `dirent` names while it
/// lists `/proc/self/fd`, and can read past the end of glibc's buffer
/// (swiftlang/swift-corelibs-foundation#5472). A CI run of the whole suite, with about 1,400
/// descriptors open in the test process, died of it with SIGSEGV inside `Process.run()`.
public final class ChildProcess: Sendable {
    /// The child's process id.
    public let pid: pid_t
    private let reaped = NIOLockedValueBox<Int32?>(nil)

    /// Starts `executable` with `arguments`. Standard input is `/dev/null`; standard output goes to
    /// the file `output` and standard error to `error` (to `output` too when `error` is nil), created
    /// with mode 0600, appended to when `append` is set and truncated otherwise. `environment` nil
    /// inherits this process's; `directory` nil keeps this process's working directory.
    public init(
        executable: String,
        arguments: [String],
        environment: [String: String]? = nil,
        directory: String? = nil,
        output: String,
        error: String? = nil,
        append: Bool = false
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let directory {
            guard let addChdir = Self.addChdir else { throw ChildProcessError("posix_spawn cannot change directory here") }
            guard addChdir(&actions, directory) == 0 else { throw ChildProcessError("cannot use directory \(directory)") }
        }
        let flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, flags, 0o600)
        if let error {
            posix_spawn_file_actions_addopen(&actions, 2, error, flags, 0o600)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        // The child gets 0, 1 and 2 only, as Foundation.Process gives it (where glibc can say so).
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }

        // As Foundation.Process does: the child starts with no signal blocked and every signal's
        // default action (the test runner's threads block some, and ignored signals stay ignored
        // across exec), so SIGTERM reaches a node as it would under systemd.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) }
        let envp = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") }
        defer { (argv + envp).forEach { free($0) } }
        var child = pid_t()
        var argvArray = argv + [nil]
        var envpArray = envp + [nil]
        let result = argvArray.withUnsafeMutableBufferPointer { argvBuffer in
            envpArray.withUnsafeMutableBufferPointer { envpBuffer -> Int32 in
                guard let argvPointer = argvBuffer.baseAddress, let envpPointer = envpBuffer.baseAddress else { return EINVAL }
                return posix_spawn(&child, executable, &actions, &attributes, argvPointer, envpPointer)
            }
        }
        guard result == 0 else { throw ChildProcessError("cannot start \(executable): \(String(cString: strerror(result)))") }
        pid = child
    }

    /// Whether the child has not exited yet (reaps it when it has).
    public var isRunning: Bool { poll() == nil }

    /// Sends `signal` to the child, unless it has already been reaped.
    public func send(_ signal: Int32) {
        reaped.withLockedValue { status in
            if status == nil { kill(pid, signal) }
        }
    }

    /// Waits for the child to exit and returns its exit code, or 128 + the signal that ended it.
    public func exitStatus() async -> Int32 {
        while true {
            if let status = poll() { return status }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// `exitStatus()` for synchronous callers: blocks this thread while it waits.
    public func waitUntilExit() -> Int32 {
        while true {
            if let status = poll() { return status }
            usleep(10_000)
        }
    }

    private func poll() -> Int32? {
        reaped.withLockedValue { reaped in
            if let reaped { return reaped }
            var status: Int32 = 0
            let answer = waitpid(pid, &status, WNOHANG)
            if answer == 0 || (answer < 0 && errno == EINTR) { return nil }
            let code = answer < 0 ? -1 : ((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f))
            reaped = code
            return code
        }
    }

    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    // glibc ≥ 2.29 and 2.34 have these; Swift's Glibc module hides them (they need _GNU_SOURCE).
    private static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")
    private static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}

/// Why a child process could not be started.
public struct ChildProcessError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    init(_ description: String) { self.description = description }
}
