import Foundation
import SignetAPI
import Testing

@testable import SignetServer

/// ``WireJSON`` must write what `SignetJSON.encoder()` writes, byte for byte: clients and the
/// signed-payload checks see one wire format whichever writer produced it.
@Suite("Wire JSON written without Foundation's encoder")
struct WireJSONTests {
    /// Every ASCII character (controls included), non-ASCII letters, combining marks, an emoji,
    /// the line and paragraph separators, and the characters an encoder may escape.
    static let awkward: [String] = [
        "", "plain", "a/b\\c\"d", String((0..<128).map { Character(Unicode.Scalar(UInt8($0))) }),
        "é e\u{301} K \u{212A} 😀 \u{2028}\u{2029} \u{FEFF} \u{7F}", "-----BEGIN PUBLIC KEY-----\nMFkw+/==\n-----END PUBLIC KEY-----\n",
    ]

    static let dates: [Date] = [
        Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_780_000_000.123),
        Date(timeIntervalSince1970: 1_780_000_000.9996), Date(timeIntervalSinceReferenceDate: 802_400_000.5),
    ]

    static func assignment(_ index: Int) -> PermissionAssignmentInfo {
        let text = awkward[index % awkward.count]
        return PermissionAssignmentInfo(
            permissionName: text, permissionId: "pm-\(index)", assignmentId: "as-\(text)",
            operations: index % 3 == 0 ? nil : ["Auth:Pats:Create", text, "Wallets:Read"].prefix(index % 4).map { $0 },
            userGroupId: index % 2 == 0 ? nil : "ug-\(text)"
        )
    }

    static func token(_ index: Int) -> AccessToken {
        let text = awkward[index % awkward.count]
        let date = dates[index % dates.count]
        let some = index % 2 == 0
        return AccessToken(
            accessToken: some ? "eyJ.\(text)" : nil, dateCreated: date, credId: "cr-\(text)", isActive: index % 3 != 0,
            kind: TokenKind.allCases[index % TokenKind.allCases.count], linkedUserId: "us-\(index)", linkedAppId: text,
            name: text, orgId: "or-\(text)", permissionAssignments: (0..<(index % 4)).map(assignment), publicKey: text,
            tokenId: "to-\(index)", externalId: some ? nil : text, dateExpires: some ? date : nil,
            dateLastUsed: index % 3 == 1 ? date : nil,
            lastUsedBy: index % 4 == 3 ? nil : (0..<(index % 4)).map {
                TokenClient(address: $0 == 0 ? nil : "192.0.2.\($0)", userAgent: $0 == 1 ? nil : text, dateLastUsed: dates[$0 % dates.count])
            }
        )
    }

    static func encoded(_ value: some Encodable) throws -> String {
        String(decoding: try SignetJSON.encoder().encode(value), as: UTF8.self)
    }

    @Test("A token and its roles, with every optional present and absent, as the encoder writes them", arguments: 0..<24)
    func tokens(index: Int) throws {
        let token = Self.token(index)
        #expect(String(decoding: WireJSON.render(token), as: UTF8.self) == (try Self.encoded(token)))
        let assignment = Self.assignment(index)
        #expect(String(decoding: WireJSON.render(assignment), as: UTF8.self) == (try Self.encoded(assignment)))
    }

    @Test("Lists of tokens, empty or paged")
    func lists() throws {
        for list in [
            ListResponse<AccessToken>(items: []), ListResponse(items: (0..<5).map(Self.token)),
            ListResponse(items: [Self.token(7)], nextPageToken: "next/\"page\""),
        ] {
            #expect(String(decoding: WireJSON.render(list), as: UTF8.self) == (try Self.encoded(list)))
        }
    }

    static func challenge(_ index: Int) -> UserActionChallenge {
        let text = awkward[index % awkward.count]
        return UserActionChallenge(
            challenge: text, challengeIdentifier: "eyJ.\(text)",
            supportedCredentialKinds: CredentialKind.allCases.prefix(index).map {
                SupportedCredentialKind(kind: $0, factor: text, requiresSecondFactor: index % 2 == 0)
            },
            userVerification: text, attestation: "none",
            allowCredentials: AllowCredentials(
                key: (0..<index).map { AllowedCredential(id: "\(text)\($0)") }, webauthn: (0..<(index % 3)).map { AllowedCredential(id: "w\($0)", type: text) }
            ),
            externalAuthenticationUrl: text
        )
    }

    @Test("A user action's challenge and its answer, as the encoder writes them", arguments: 0..<6)
    func challenges(index: Int) throws {
        let text = Self.awkward[index % Self.awkward.count]
        let challenge = Self.challenge(index)
        #expect(String(decoding: WireJSON.render(challenge), as: UTF8.self) == (try Self.encoded(challenge)))
        let answer = UserActionResponse(userAction: "eyJ.\(text)")
        #expect(String(decoding: WireJSON.render(answer), as: UTF8.self) == (try Self.encoded(answer)))
    }

    /// The stored properties of `values`' type that none of them sets (nil in all).
    static func neverSet<T>(_ values: [T]) -> Set<String> {
        var all = Set<String>()
        var set = Set<String>()
        for value in values {
            for child in Mirror(reflecting: value).children {
                guard let label = child.label else { continue }
                all.insert(label)
                let inner = Mirror(reflecting: child.value)
                if inner.displayStyle != .optional || !inner.children.isEmpty { set.insert(label) }
            }
        }
        return all.subtracting(set)
    }

    @Test("The fixtures set every field of every type WireJSON writes, so a field added later is compared too")
    func fixturesSetEveryField() {
        let tokens = (0..<24).map(Self.token)
        #expect(Self.neverSet(tokens).isEmpty)
        #expect(Self.neverSet((0..<24).map(Self.assignment)).isEmpty)
        #expect(Self.neverSet(tokens.flatMap { $0.lastUsedBy ?? [] }).isEmpty)
        let challenges = (0..<6).map(Self.challenge)
        #expect(Self.neverSet(challenges).isEmpty)
        #expect(Self.neverSet(challenges.flatMap(\.supportedCredentialKinds)).isEmpty)
        #expect(Self.neverSet(challenges.flatMap(\.allowCredentials.key)).isEmpty)
    }

    @Test("What it writes reads back as the same token")
    func roundTrip() throws {
        for index in 0..<8 {
            let token = Self.token(index)
            var decoded = try SignetJSON.decoder().decode(AccessToken.self, from: Data(WireJSON.render(token)))
            // Dates travel in milliseconds.
            decoded.dateCreated = token.dateCreated
            decoded.dateExpires = token.dateExpires
            decoded.dateLastUsed = token.dateLastUsed
            decoded.lastUsedBy = token.lastUsedBy
            #expect(decoded == token)
        }
    }
}
