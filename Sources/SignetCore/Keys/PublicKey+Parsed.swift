import NIOConcurrencyHelpers

extension PublicKey {
    /// The most keys ``parsed(pem:)`` keeps; when full it starts afresh.
    static let parsedLimit = 4_096
    private static let parsedKeys = NIOLockedValueBox<[[UInt8]: PublicKey]>([:])

    /// ``init(pem:)``, kept per PEM text (compared by its bytes): each login and each user action
    /// read its signer's key again, and parsing it (base64, DER, the point's check) was a thirtieth
    /// of a three-request round's server time. Parsing is a function of the text alone, so a kept
    /// key is never stale; what a credential may do is still read from its record every time.
    public static func parsed(pem: String) throws(KeyParsingError) -> PublicKey {
        let text = Array(pem.utf8)
        if let key = parsedKeys.withLockedValue({ $0[text] }) { return key }
        let key = try PublicKey(pem: pem)
        parsedKeys.withLockedValue { keys in
            if keys.count >= parsedLimit { keys.removeAll(keepingCapacity: true) }
            keys[text] = key
        }
        return key
    }
}
