import SignetAPI

// The answers of `/auth/action/init`, `/auth/login/init` and `/auth/action` (two of the three
// requests of every signed change), written by ``WireJSON``.

extension UserActionChallenge: WireJSONWritable {
    func write(to json: inout WireJSON) {
        json.openObject()
        json.key("allowCredentials")
        allowCredentials.write(to: &json)
        json.key("attestation")
        json.string(attestation)
        json.key("challenge")
        json.string(challenge)
        json.key("challengeIdentifier")
        json.string(challengeIdentifier)
        json.key("externalAuthenticationUrl")
        json.string(externalAuthenticationUrl)
        json.key("supportedCredentialKinds")
        json.array(supportedCredentialKinds)
        json.key("userVerification")
        json.string(userVerification)
        json.closeObject()
    }
}

extension SupportedCredentialKind: WireJSONWritable {
    func write(to json: inout WireJSON) {
        json.openObject()
        json.key("factor")
        json.string(factor)
        json.key("kind")
        json.string(kind.rawValue)
        json.key("requiresSecondFactor")
        json.bool(requiresSecondFactor)
        json.closeObject()
    }
}

extension AllowCredentials: WireJSONWritable {
    func write(to json: inout WireJSON) {
        json.openObject()
        json.key("key")
        json.array(key)
        json.key("webauthn")
        json.array(webauthn)
        json.closeObject()
    }
}

extension AllowedCredential: WireJSONWritable {
    func write(to json: inout WireJSON) {
        json.openObject()
        json.key("id")
        json.string(id)
        json.key("type")
        json.string(type)
        json.closeObject()
    }
}

extension UserActionResponse: WireJSONWritable {
    func write(to json: inout WireJSON) {
        json.openObject()
        json.key("userAction")
        json.string(userAction)
        json.closeObject()
    }
}
