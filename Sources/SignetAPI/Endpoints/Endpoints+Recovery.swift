extension Endpoints {
    // MARK: Account recovery with a RecoveryKey credential

    /// `POST /auth/recover/user/code`: a recovery code, sent through the registration webhook.
    public static let recoveryCode = Endpoint<SendRecoveryCodeRequest, MessageResponse>(
        "recoveryCode",
        .POST,
        "/auth/recover/user/code",
        callers: .anyone,
        rate: .authentication,
        note: "the same answer whether or not the person exists or has a recovery key"
    )
    /// `POST /auth/recover/user/init`: checks the code and answers the new credential's challenge.
    public static let recoveryInit = Endpoint<CreateRecoveryChallengeRequest, RecoveryChallenge>(
        "recoveryInit",
        .POST,
        "/auth/recover/user/init",
        callers: .anyone,
        rate: .authentication
    )
    /// `POST /auth/recover/user`: with the temporary token as bearer; the recovery key signs the new
    /// credential, which replaces every other credential, session and PAT of the person.
    public static let recover = Endpoint<RawBody, RegisterResponse>(
        "recover",
        .POST,
        "/auth/recover/user",
        callers: .registering,
        rate: .authentication,
        note:
            "the body is a RecoverRequest; it deactivates every other credential, ends every login session, deletes every PAT and outstanding code of the person"
    )

    static let recovery: [EndpointRule] = [recoveryCode.rule, recoveryInit.rule, recover.rule]
}
