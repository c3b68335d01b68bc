extension Endpoints {
    // MARK: Users

    /// `GET /auth/users` (`?kind=`, paginated).
    public static let listUsers = Endpoint<NoBody, ListResponse<UserInfo>>(
        "listUsers",
        .GET,
        "/auth/users",
        operation: "Auth:Users:Read",
        rate: .read
    )
    /// `POST /auth/users`: invites a person (a registration code).
    public static let createUser = Endpoint<CreateUserRequest, UserInfo>(
        "createUser",
        .POST,
        "/auth/users",
        signed: true,
        operation: "Auth:Users:Create",
        rate: .write
    )
    /// `GET /auth/users/{id}`.
    public static let getUser = Endpoint<NoBody, UserInfo>("getUser", .GET, "/auth/users/{id}", operation: "Auth:Users:Read", rate: .read)
    /// `PUT /auth/users/{id}`.
    public static let updateUser = Endpoint<UpdateUserRequest, UserInfo>(
        "updateUser",
        .PUT,
        "/auth/users/{id}",
        signed: true,
        operation: "Auth:Users:Update",
        rate: .write
    )
    /// `PUT /auth/users/{id}/activate`.
    public static let activateUser = Endpoint<NoBody, UserInfo>(
        "activateUser",
        .PUT,
        "/auth/users/{id}/activate",
        signed: true,
        operation: "Auth:Users:Activate",
        rate: .write
    )
    /// `PUT /auth/users/{id}/deactivate`: never by a PAT, never oneself.
    public static let deactivateUser = Endpoint<NoBody, UserInfo>(
        "deactivateUser",
        .PUT,
        "/auth/users/{id}/deactivate",
        signed: true,
        operation: "Auth:Users:Deactivate",
        callers: .notPat,
        rate: .write,
        note: "a CustomerEmployee login or a service account; not oneself"
    )
    /// `DELETE /auth/users/{id}`: never oneself.
    public static let deleteUser = Endpoint<NoBody, UserInfo>(
        "deleteUser",
        .DELETE,
        "/auth/users/{id}",
        signed: true,
        operation: "Auth:Users:Delete",
        rate: .write,
        note: "not oneself"
    )

    // MARK: Registration

    /// `POST /auth/registration/init`: with the registration code (a bearer token is ignored).
    public static let registrationInit = Endpoint<RegistrationChallengeRequest, RegistrationChallenge>(
        "registrationInit",
        .POST,
        "/auth/registration/init",
        callers: .anyone,
        rate: .authentication
    )
    /// `POST /auth/registration`: the first credential, with the temporary token as bearer.
    public static let register = Endpoint<RegisterRequest, RegisterResponse>(
        "register",
        .POST,
        "/auth/registration",
        callers: .registering,
        rate: .authentication
    )
    /// `PUT /auth/registration/code`: a new code for a person (the caller also needs every operation
    /// that person holds; the service checks that part).
    public static let newRegistrationCode = Endpoint<RegistrationCodeRequest, UserInfo>(
        "newRegistrationCode",
        .PUT,
        "/auth/registration/code",
        signed: true,
        operation: "Auth:Users:Update",
        rate: .write,
        note: "and every operation that person holds"
    )

    // MARK: The caller's credentials

    /// `GET /auth/credentials`.
    public static let listCredentials = Endpoint<NoBody, ListResponse<Credential>>("listCredentials", .GET, "/auth/credentials", rate: .read)
    /// `POST /auth/credentials/init`: a challenge for a new key or passkey.
    public static let credentialInit = Endpoint<CreateCredentialChallengeRequest, CredentialChallenge>(
        "credentialInit",
        .POST,
        "/auth/credentials/init",
        rate: .write
    )
    /// `POST /auth/credentials`: adds it (signed, and the new credential's own attestation).
    public static let createCredential = Endpoint<CreateCredentialRequest, Credential>(
        "createCredential",
        .POST,
        "/auth/credentials",
        signed: true,
        rate: .write
    )
    /// `POST /auth/credentials/code`: a one-time code for adding a credential from another device.
    public static let createCredentialCode = Endpoint<CreateCredentialCodeRequest, CredentialCode>(
        "createCredentialCode",
        .POST,
        "/auth/credentials/code",
        signed: true,
        callers: .personLogin,
        rate: .write,
        note: "single use, expires within an hour; the code is stored only as a digest"
    )
    /// `POST /auth/credentials/code/init`: the new device's challenge, for the code (no access token).
    public static let credentialCodeInit = Endpoint<CreateCredentialChallengeWithCodeRequest, CredentialChallenge>(
        "credentialCodeInit",
        .POST,
        "/auth/credentials/code/init",
        callers: .anyone,
        rate: .authentication,
        note: "uses the code up"
    )
    /// `POST /auth/credentials/code/verify`: the new credential, answering that challenge (no access token).
    public static let createCredentialWithCode = Endpoint<CreateCredentialRequest, Credential>(
        "createCredentialWithCode",
        .POST,
        "/auth/credentials/code/verify",
        callers: .anyone,
        rate: .authentication,
        note: "only with a challenge from credentialCodeInit"
    )
    /// `PUT /auth/credentials/activate`.
    public static let activateCredential = Endpoint<CredentialUuidRequest, MessageResponse>(
        "activateCredential",
        .PUT,
        "/auth/credentials/activate",
        signed: true,
        rate: .write
    )
    /// `PUT /auth/credentials/deactivate`: never the last active one.
    public static let deactivateCredential = Endpoint<CredentialUuidRequest, MessageResponse>(
        "deactivateCredential",
        .PUT,
        "/auth/credentials/deactivate",
        signed: true,
        rate: .write,
        note: "never the last active one"
    )
    /// `DELETE /auth/credentials/{credentialUuid}`: never the last active one.
    public static let deleteCredential = Endpoint<NoBody, EmptyResponse>(
        "deleteCredential",
        .DELETE,
        "/auth/credentials/{credentialUuid}",
        signed: true,
        rate: .write,
        note: "never the last active one"
    )

    static let people: [EndpointRule] = [
        listUsers.rule, createUser.rule, getUser.rule, updateUser.rule, activateUser.rule, deactivateUser.rule, deleteUser.rule,
        registrationInit.rule, register.rule, newRegistrationCode.rule,
        listCredentials.rule, credentialInit.rule, createCredential.rule, activateCredential.rule, deactivateCredential.rule,
        deleteCredential.rule, createCredentialCode.rule, credentialCodeInit.rule, createCredentialWithCode.rule,
    ]
}
