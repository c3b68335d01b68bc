import Foundation
import Hummingbird
import SignetAPI

/// The context of every route behind ``BearerAuthenticator``: the caller is always there.
///
/// Hummingbird builds it from the ``SignetRequestContext`` the authenticator filled in; a request
/// that reaches it without a caller (impossible behind the authenticator) is refused with 401
/// rather than served.
struct AuthenticatedRequestContext: ChildRequestContext {
    typealias ParentContext = SignetRequestContext

    var coreContext: CoreRequestContextStorage
    /// Who is calling, checked in full (or from the authorization cache) for this request.
    let caller: Caller

    init(context: SignetRequestContext) throws {
        guard let caller = context.identity else {
            throw APIError.unauthorized("Not Authorized: send Authorization: Bearer <access token>")
        }
        self.coreContext = context.coreContext
        self.caller = caller
    }

    var maxUploadSize: Int { SignetRequestContext.maximumBodySize }
    var responseEncoder: JSONEncoder { SignetRequestContext.encoder }
    var requestDecoder: JSONDecoder { SignetRequestContext.decoder }
}
