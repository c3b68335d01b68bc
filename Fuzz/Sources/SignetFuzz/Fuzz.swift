import Foundation
import SignetCore

// libFuzzer entry point. `SIGNET_FUZZ_TARGET` names one target of ``FuzzTarget`` (each has its own
// corpus and coverage); unset, every input goes to every target. Built and run by Fuzz/run.sh.

private let targets: [FuzzTarget] = {
    guard let name = ProcessInfo.processInfo.environment["SIGNET_FUZZ_TARGET"], !name.isEmpty else { return FuzzTarget.allCases }
    guard let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("unknown SIGNET_FUZZ_TARGET \(name); one of \(FuzzTarget.allCases.map(\.rawValue))\n".utf8))
        exit(2)
    }
    return [target]
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func signetFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for target in targets { target.run(bytes) }
    return 0
}

/// Writes the seeds no captured vector provides into `folder`: a JWT the fuzz authority accepts,
/// a well-formed Fast Auth header, query values and gateway paths.
private func writeSeeds(to folder: String) -> CInt {
    let request = FastAuth.Request(method: "PUT", host: "localhost", target: "/auth/pats/x", body: Array(#"{"name":"a"}"#.utf8), orgId: "or-x")
    let clientData = FastAuth.clientData(for: request, timestamp: Date(timeIntervalSince1970: 1_800_000_000), nonce: Array(repeating: 1, count: 16))
    var seeds = [
        "fastauth": FastAuth.header(credId: "cr-fuzz", clientData: clientData, signature: Array(repeating: 2, count: 64), algorithm: nil),
        "date": "2026-01-31T00:00:00.123Z", "seconds": "1700000000.5", "limit": "100", "page": Base64URL.encode("us-fuzz"),
        "route": "/wallets/{walletId}/transfers", "path": "/wallets/wa-1/transfers", "query": "a=1&b=%41",
    ]
    // Without a token the authority accepts, the jwt target would reach no check: fail instead.
    guard let token = JWTFuzz.seed() else { return 1 }
    seeds["jwt"] = token
    for (name, text) in seeds {
        guard FileManager.default.createFile(atPath: folder + "/seed-" + name, contents: Data(text.utf8)) else { return 1 }
    }
    return 0
}

// SwiftPM links an executable target's entry point as `<Module>_main`; hand control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("SignetFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    let arguments = CommandLine.arguments
    if arguments.count == 3, arguments[1] == "--write-seeds" { return writeSeeds(to: arguments[2]) }
    var count = argc
    var vector = argv
    return runDriver(&count, &vector) { data, size in signetFuzz(data, size) }
}
