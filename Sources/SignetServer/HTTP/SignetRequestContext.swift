import Foundation
import Hummingbird
import HummingbirdAuth
import SignetAPI

/// The request context of every Signet route: Hummingbird's core storage plus the authenticated caller.
public struct SignetRequestContext: AuthRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller, once ``BearerAuthenticator`` has accepted the bearer token.
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
    private static let decoder = SignetJSON.decoder()

    /// The authenticated caller, or a 401.
    public func requireCaller() throws -> Caller {
        guard let identity else { throw APIError.unauthorized("Not Authorized: send Authorization: Bearer <access token>") }
        return identity
    }
}
