/// Whether a request body is the payload that was signed for it.
///
/// Clients sign a JSON string and then send a body that may be serialised differently (the
/// Python SDK signs a compact dump and lets its HTTP library re-serialise; the TypeScript SDK
/// signs `"{}"` and sends `{}`, the Python SDK signs `""` and sends nothing). So the comparison
/// is semantic: both are parsed strictly as JSON and compared as values, with an empty payload,
/// an absent body and `{}` all meaning "no fields". Anything else must match exactly in meaning.
public enum SignedPayload {
    /// The meaning of a payload or body; `nil` when it is neither empty nor valid JSON.
    public static func meaning<Bytes: Collection>(of bytes: Bytes) -> JSONValue? where Bytes.Element == UInt8 {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return .object([:]) }
        return try? JSONValue(parsing: bytes)
    }

    /// Whether `body` carries the same JSON value as the signed `payload`.
    public static func matches(signed payload: String, body: [UInt8]) -> Bool {
        guard let sent = meaning(of: body) else { return false }
        return matches(signed: payload, bodyMeaning: sent)
    }

    /// Whether a body already read with ``meaning(of:)`` carries the same JSON value as `payload`.
    public static func matches(signed payload: String, bodyMeaning: JSONValue) -> Bool {
        meaning(of: Array(payload.utf8)) == bodyMeaning
    }
}
