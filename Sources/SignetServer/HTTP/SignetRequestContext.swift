import Foundation
import Hummingbird
import HummingbirdAuth
import SignetAPI

/// The request context of every Signet route: Hummingbird's core storage plus the authenticated caller.
public struct SignetRequestContext: AuthRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller, once ``BearerAuthenticator`` has accepted the bearer token. Routes behind it
    /// use ``AuthenticatedRequestContext``, where the caller is never optional.
    public var identity: Caller?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.identity = nil
    }

    /// Bodies are small JSON documents; anything larger is refused before it is read.
    public var maxUploadSize: Int { SignetRequestContext.maximumBodySize }

    /// The largest request body accepted, in bytes.
    public static let maximumBodySize = 64 * 1024

    public var responseEncoder: JSONEncoder { Self.encoder }
    public var requestDecoder: JSONDecoder { Self.decoder }

    /// The wire encoder every response uses.
    static let encoder = SignetJSON.encoder()
    /// The wire decoder every request body goes through.
    static let decoder = SignetJSON.decoder()
}
