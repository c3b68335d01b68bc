import SignetCore
import SignetStore

/// The keys that sign Signet's tokens: created once, on first start, and kept in the store, so a
/// restart (or another node) keeps every issued token valid.
public enum SigningKeys {
    /// A token authority over the stored keys, creating the first key when there is none.
    public static func authority(store: any SignetStore, issuer: String) async throws -> TokenAuthority {
        var keys = try await store.signingKeys()
        if keys.isEmpty {
            let key = SigningKeyMaterial.generate()
            try await store.insertSigningKey(key)
            keys = try await store.signingKeys()
        }
        guard let current = keys.last else { throw StoreError.notFound }
        return try await TokenAuthority(issuer: issuer, keys: Array(keys.dropLast()), current: current)
    }
}
