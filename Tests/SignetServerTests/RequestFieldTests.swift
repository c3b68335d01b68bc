import Foundation
import SignetAPI
import Testing

/// Request bodies are decoded strictly: a field outside a type's `CodingKeys` is refused. These
/// tests hold the keys to the type's properties (an optional property missing from the keys would
/// be silently ignored), and every route's body to a type that lists them.
@Suite("Accepted request fields match the request types")
struct RequestFieldTests {
    /// One instance of every request type that lists its fields.
    static let samples: [any KnownFields & Sendable] = [
        CreateCredentialChallengeRequest(kind: .key),
        VerifyUserActionRequest(userAction: "u", accessToken: "t", method: "POST", path: "/p", body: ""),
        CreateCredentialRequest(
            credentialInfo: KeyCredentialInfo(credId: "c", clientData: "d", attestationData: "a"),
            credentialName: "n",
            challengeIdentifier: "ch"
        ),
        CredentialUuidRequest(credentialUuid: "cr"),
        CreatePersonalAccessTokenRequest(name: "n", publicKey: "k"),
        UpdatePersonalAccessTokenRequest(name: "n"),
        CreateUserRequest(email: "e@example.com"),
        UpdateUserRequest(isSSORequired: false),
        CreatePermissionRequest(name: "n", operations: []),
        UpdatePermissionRequest(name: "n"),
        ArchivePermissionRequest(isArchived: true),
        CreateAssignmentRequest(identityId: "us"),
        CreateUserGroupRequest(name: "n"),
        CreatePolicyRequest(name: "n", activityKind: "Permissions:Assign", action: PolicyActionBody(kind: "Block")),
        CreateApprovalDecisionRequest(value: "Approved"),
        CreateWebhookRequest(url: "u", events: []),
        UpdateWebhookRequest(),
        RotateWebhookSecretRequest(),
        UpdateOrganizationSettingsRequest(maximumPatLifetimeDays: nil),
        SendRecoveryCodeRequest(username: "u", orgId: "or"),
        CreateRecoveryChallengeRequest(username: "u", verificationCode: "c", orgId: "or", credentialId: "c"),
        RecoverRequest(
            recovery: .init(credentialAssertion: CredentialAssertion(credId: "c", clientData: "d", signature: "s")),
            newCredentials: RegisterRequest(
                firstFactorCredential: RegistrationCredential(
                    credentialKind: .key,
                    credentialInfo: KeyCredentialInfo(credId: "c", clientData: "d", attestationData: "a")
                )
            )
        ),
        CreateCredentialCodeRequest(expiration: Date()),
        CreateCredentialChallengeWithCodeRequest(credentialKind: .key, code: "c"),
        UpdateUserGroupRequest(name: "n"),
        UserGroupMembersRequest(userIds: []),
        CreateServiceAccountRequest(name: "n", publicKey: "k"),
        CreateServiceAccountCredentialRequest(publicKey: "k"),
        UpdateServiceAccountRequest(name: "n"),
        DeactivateServiceAccountRequest(),
        RegistrationChallengeRequest(orgId: "or", username: "u", registrationCode: "c"),
        RegisterRequest(
            firstFactorCredential: RegistrationCredential(
                credentialKind: .key,
                credentialInfo: KeyCredentialInfo(credId: "c", clientData: "d", attestationData: "a")
            )
        ),
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

    /// Bodies that ignore members they do not know: the login and signing ceremonies, whose
    /// shapes the Dfns SDKs extend (a second factor, a recovery credential) without notice.
    static let openBodies: Set<String> = ["LoginChallengeRequest", "SignedChallenge", "LogoutRequest", "CreateUserActionChallengeRequest"]

    @Test("Every route's JSON body refuses unknown fields (or is an open ceremony body), and each such type is sampled")
    func everyBodyListsItsFields() {
        var listed = Set<String>()
        for rule in Endpoints.all where rule.bodyType != "NoBody" && rule.bodyType != "RawBody" {
            if let fields = rule.bodyFields {
                listed.insert(rule.bodyType)
                #expect(!fields.isEmpty, "\(rule.route)")
            } else {
                #expect(Self.openBodies.contains(rule.bodyType), "\(rule.route) reads \(rule.bodyType), which accepts any field")
            }
        }
        // POST /auth/action/verify and POST /auth/recover/user read their bodies as bytes (RawBody)
        // and decode them in their services.
        #expect(listed.union(["VerifyUserActionRequest", "RecoverRequest"]) == Set(Self.samples.map { String(describing: type(of: $0)) }))
    }

    @Test("A type's accepted fields are its CodingKeys, and its catalogue entry carries them")
    func unknownFieldRefused() {
        #expect(UpdatePersonalAccessTokenRequest.knownFields == ["name", "externalId"])
        #expect(Endpoints.updatePat.rule.bodyFields == ["name", "externalId"])
        #expect(Endpoints.listPats.rule.bodyFields == nil && Endpoints.listPats.rule.bodyType == "NoBody")
    }
}
