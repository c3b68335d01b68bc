import SignetCore

// libFuzzer entry point: every input is tried as CBOR, as authenticator data, as COSE key CBOR,
// and as the attestation object of a registration whose client data is valid, so it reaches the
// attestation formats. Anything but a clean return or a thrown error (a trap, an overflow, a
// hang) is a finding. Built and run by Fuzz/run.sh.

private let relyingParty = try? RelyingParty(id: "localhost", name: "Fuzz", origins: ["http://localhost:8080"])
private let challenge = "fuzz-challenge"
private let clientData = Array(
    #"{"type":"webauthn.create","challenge":"\#(Base64URL.encode(challenge))","origin":"http://localhost:8080","crossOrigin":false}"#.utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func signetFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The other parsers that read untrusted input: PEM and SPKI keys, strict JSON and the signed-payload
    // comparison, and the key signers' clientData.
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? PublicKey(pem: text)
    _ = try? PublicKey(spki: bytes)
    if let json = try? JSONValue(parsing: bytes) { _ = json == json }
    _ = SignedPayload.meaning(of: bytes)
    if let value = try? CBORDecoder.decode(bytes) { _ = try? COSEKey(value) }
    _ = try? AuthenticatorData(bytes)
    if let relyingParty, let assertionKey {
        _ = try? WebAuthn.verifyRegistration(
            clientData: clientData, attestationObject: bytes, credentialId: Array(bytes.prefix(16)), issuedChallenge: challenge,
            relyingParty: relyingParty)
        _ = try? WebAuthn.verifyAssertion(
            clientData: clientData, authenticatorData: bytes, signature: Array(bytes.suffix(64)),
            publicKey: assertionKey, issuedChallenge: challenge, relyingParty: relyingParty, storedSignCount: 0,
            userHandle: nil, expectedUserHandle: [])
    }
    return 0
}

/// Parsed once, not on every execution.
private let assertionKey = try? PublicKey(pem: fuzzKey)

private let fuzzKey = """
    -----BEGIN PUBLIC KEY-----
    MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
    -----END PUBLIC KEY-----
    """

// SwiftPM links an executable target's entry point as `<Module>_main`; hand control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("SignetFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments) { data, size in signetFuzz(data, size) }
}
