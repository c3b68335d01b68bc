import Foundation
import Testing

@testable import SignetCore

/// Signature verification against published test vectors.
@Suite("Signature verification, published vectors")
struct SignatureVectorTests {
    // RFC 8032 §7.1, Ed25519 TEST 1, 2 and 3.
    static let ed25519Vectors: [(publicKey: String, message: String, signature: String)] = [
        (
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        ),
        (
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        ),
        (
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        ),
    ]

    @Test("Ed25519: RFC 8032 vectors verify, and fail once a bit flips", arguments: ed25519Vectors.indices)
    func ed25519(index: Int) throws {
        let vector = Self.ed25519Vectors[index]
        let key = try PublicKey(spki: SubjectPublicKeyInfo.ed25519DER(hex(vector.publicKey)))
        #expect(key.algorithm == .ed25519)
        let message = hex(vector.message)
        var signature = hex(vector.signature)
        #expect(key.isValidSignature(signature, for: message))
        signature[10] ^= 0x01
        #expect(!key.isValidSignature(signature, for: message))
        #expect(!key.isValidSignature(hex(vector.signature), for: message + [0]))
    }

    // RFC 6979 §A.2.5, P-256 with SHA-256; (r, s) encoded as DER as the Dfns signers send them.
    static let p256PublicKey = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYP7UuiVanTHJYet0xjVtaMBJuJI7
        Yfps5mliLmDyn7Z5A/4QCLi8maQa6elWKLxk8vGyDC1+n1F3o8KU1EYimQ==
        -----END PUBLIC KEY-----
        """
    static let p256Vectors: [(message: String, r: String, s: String)] = [
        (
            "sample", "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
            "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"
        ),
        (
            "test", "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367",
            "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083"
        ),
    ]

    @Test("ECDSA P-256: RFC 6979 vectors verify as DER, and raw r||s is refused", arguments: p256Vectors.indices)
    func p256(index: Int) throws {
        let vector = Self.p256Vectors[index]
        let key = try PublicKey(pem: Self.p256PublicKey)
        #expect(key.algorithm == .ecdsaP256)
        let message = Array(vector.message.utf8)
        let der = derSignature(r: hex(vector.r), s: hex(vector.s))
        #expect(key.isValidSignature(der, for: message))
        #expect(!key.isValidSignature(der, for: Array("other".utf8)))
        #expect(!key.isValidSignature(hex(vector.r) + hex(vector.s), for: message))
        #expect(!key.isValidSignature(der, for: message, digest: .sha384))
    }

    // Wycheproof rsa_signature_2048_sha256_test.json (C2SP/wycheproof), tcId 3 and 5 (valid), tcId 9 (invalid).
    static let rsaPublicKey = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAorRRoH0KpfluRVZxUTVQ
        UUqKW0YuvvcXCU+h/ugiJOY3+XRtP3yv0xh42AMltu9aFwD2WQO0aUKeidbqyIRQ
        l7WrOTGJ25JRLtincRoSU/rNIPecFegkfz0+QuRuSMmOJUov6XZTE6A+/48X4aAp
        OXofomqNzib0kO2BKZYV2YFMItphBCjgnH2WWFlCZvXAIdD87KCNlFoSvoLeTR7O
        a0wDFFtdNJXU7VQR64eNrwX9evw+Ca2g8RJkIvWQl1oZaYFvSGmLy7obTZyuedRg
        2Pn4Xnl1AF2bwixOWsD3waRdElaaYoB9O5oC5aUw53MGb0U9H1tMLpz3ggKD90K5
        1QIDAQAB
        -----END PUBLIC KEY-----
        """
    static let rsaVectors: [(message: String, signature: String, valid: Bool)] = [
        (
            "54657374",
            "264491e844c119f14e425c03282139a558dcdaeb82a4628173cd407fd319f9076eaebc0dd87a1c22e4d17839096886d58a9d5b7f7aeb63efec56c45ac7bead4203b6886e1faa90e028ec0ae094d46bf3f97efdd19045cfbc25a1abda2432639f9876405c0d68f8edbf047c12a454f7681d5d5a2b54bd3723d193dbad4338baad753264006e2d08931c4b8bb79aa1c9cad10eb6605f87c5831f6e2b08e002f9c6f21141f5841d92727dd3e1d99c36bc560da3c9067df99fcaf818941f72588be33032bad22caf6704223bb114d575b6d02d9d222b580005d930e8f40cce9f672eebb634a20177d84351627964b83f2053d736a84ab1a005f63bd5ba943de6205c",
            true
        ),
        (
            "4d657373616765",
            "513a5abde16b5e0ecb8659d3ca0845800adf75cfc4437d42fa34e7aafbbe35fc5984d3560cba938f9a622e932bb6162b7fbb6cd8c1cf8815f28c495995ac18cdbe8fabfdce29c17aa021df192ac02d080d7c5eda6bd4c99154178a9d5e1cf3ff4177106315f4e6d74c991b601069acd60b55b3bb4dbf6316c35096a487d6756181d3394944f1c742a2f4d608ce4f6abbfb72347ad7d342ae15dd6d1049fbd0ff55f4d7c43ab805f81ff1fbe9256b5c78c2de6beb787f4b6d66d290a3d4c4857368aea5f7ebaa1296020c8f9e3670441a08038bb810e853a654e44316a4e52428745123ce2714020d00e55a9eb82f7fb41c73d852a82b003670246c6ca2045fc8",
            true
        ),
        (
            "313233343030",
            "8a0e82d4f334aca72a718b6f8f643f69c6048d619d5eba71263a5d2d3ac7a7af133b780c7595ca2c982c006e861948f543cd0210c758691f9626842c25de2843ea314ca8eff285d47e0cffa54180af416004017034962a80a5959c3d3f1bfc154a4824462a93c014f6dfe920824f414a6e30e0e5944d480b99949ec7bf64c4a7461575933b17d7d6b0178b5192392ace3ed8469e8ac1dacae51ad5d3ad73dcb213e056d04596e64d8c0703def3110c7cecc93ba8ac8059f0f3d66b89d8712c62b41d407e4b4a104f4569558b0290c213cad6d0653898b9df8f4a453ab07d13bfb7598d505abbd0c4987e4f1ac66e1a523e113e370ab7cf990f0cc63f50f4f0a4",
            false
        ),
    ]

    @Test("RSA PKCS#1 v1.5 SHA-256: Wycheproof vectors", arguments: rsaVectors.indices)
    func rsa(index: Int) throws {
        let vector = Self.rsaVectors[index]
        let key = try PublicKey(pem: Self.rsaPublicKey)
        #expect(key.algorithm == .rsa)
        #expect(key.isValidSignature(hex(vector.signature), for: hex(vector.message)) == vector.valid)
    }
}

/// Bytes from a hex string (test helper; the vectors are trusted input).
func hex(_ string: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = string.startIndex
    while index < string.endIndex {
        let next = string.index(index, offsetBy: 2)
        bytes.append(UInt8(string[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

/// DER `SEQUENCE { INTEGER r, INTEGER s }` for 32-byte r and s.
func derSignature(r: [UInt8], s: [UInt8]) -> [UInt8] {
    func integer(_ value: [UInt8]) -> [UInt8] {
        var trimmed = Array(value.drop { $0 == 0 })
        if let first = trimmed.first, first & 0x80 != 0 { trimmed.insert(0, at: 0) }
        return [0x02, UInt8(trimmed.count)] + trimmed
    }
    let body = integer(r) + integer(s)
    return [0x30, UInt8(body.count)] + body
}
