package import Foundation
package import Hummingbird
import HummingbirdAuth
package import NIOCore
import SignetAPI

/// The request context of every Signet route: Hummingbird's core storage plus the authenticated caller.
package struct SignetRequestContext: AuthRequestContext, RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The caller, once ``BearerAuthenticator`` has accepted the bearer token. Routes behind it
    /// use ``AuthenticatedRequestContext``, where the caller is never optional.
    package var identity: Caller?
    /// The connection's peer (the gateway's `X-Forwarded-For`).
    package let remoteAddress: SocketAddress?
    /// The client's address as the trusted-proxy rule decides it (``ClientAddressMiddleware``):
    /// what logs, last use and abuse limits name.
    package var clientAddress: String?
    /// The event loop serving the connection (the gateway forwards on it).
    package let eventLoop: any EventLoop

    package init(source: Source) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.remoteAddress = source.channel.remoteAddress
        self.clientAddress = nil
        self.eventLoop = source.channel.eventLoop
    }

    /// Bodies are small JSON documents; anything larger is refused before it is read.
    package var maxUploadSize: Int { SignetRequestContext.maximumBodySize }

    /// The largest request body accepted, in bytes.
    package static let maximumBodySize = 64 * 1024

    package var responseEncoder: JSONEncoder { Self.encoder }
    package var requestDecoder: JSONDecoder { Self.decoder }

    /// The wire encoder every response uses.
    static let encoder = SignetJSON.encoder()
    /// The wire decoder every request body goes through.
    static let decoder = SignetJSON.decoder()
}
