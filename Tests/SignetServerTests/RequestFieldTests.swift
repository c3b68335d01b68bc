import Foundation
import SignetAPI
import Testing

/// Request bodies are decoded strictly: a field outside a type's `knownFields` is refused. These
/// tests hold each list to the type's properties, so a field added to one but not the other fails.
@Suite("Accepted request fields match the request types")
struct RequestFieldTests {
    /// One instance of every request type with a `knownFields` list.
    static let samples: [any KnownFields & Sendable] = [
        CreateCredentialChallengeRequest(kind: .key),
        VerifyUserActionRequest(userAction: "u", accessToken: "t", method: "POST", path: "/p", body: ""),
        CreateCredentialRequest(
            credentialInfo: KeyCredentialInfo(credId: "c", clientData: "d", attestationData: "a"), credentialName: "n",
            challengeIdentifier: "ch"),
        CredentialUuidRequest(credentialUuid: "cr"),
        CreatePersonalAccessTokenRequest(name: "n", publicKey: "k"),
        UpdatePersonalAccessTokenRequest(name: "n"),
        CreateUserRequest(email: "e@example.com"),
        UpdateUserRequest(isSSORequired: false),
        CreatePermissionRequest(name: "n", operations: []),
        UpdatePermissionRequest(name: "n"),
        ArchivePermissionRequest(isArchived: true),
        CreateAssignmentRequest(identityId: "us"),
        CreateServiceAccountRequest(name: "n", publicKey: "k"),
        UpdateServiceAccountRequest(name: "n"),
        DeactivateServiceAccountRequest(),
        RegistrationChallengeRequest(orgId: "or", username: "u", registrationCode: "c"),
        RegisterRequest(
            firstFactorCredential: RegistrationCredential(
                credentialKind: .key, credentialInfo: KeyCredentialInfo(credId: "c", clientData: "d", attestationData: "a"))),
        RegistrationCodeRequest(username: "u", orgId: "or"),
    ]

    @Test("Each request type accepts exactly its properties")
    func knownFieldsAreTheProperties() {
        for sample in Self.samples {
            let properties = Set(Mirror(reflecting: sample).children.compactMap(\.label))
            let known = type(of: sample).knownFields
            #expect(properties == known, "\(type(of: sample)): properties \(properties.sorted()), knownFields \(known.sorted())")
        }
    }

    @Test("Every type in SignetAPI with a knownFields list is sampled")
    func everyRequestTypeIsSampled() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/SignetAPI").standardized
        var declared = Set<String>()
        for file in try FileManager.default.contentsOfDirectory(atPath: sources.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("public struct ") && line.contains("KnownFields") {
                declared.insert(String(line.dropFirst("public struct ".count).prefix { $0 != ":" }))
            }
        }
        #expect(declared == Set(Self.samples.map { String(describing: type(of: $0)) }))
    }
}
