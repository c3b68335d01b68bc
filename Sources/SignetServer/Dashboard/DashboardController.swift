import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import SignetStore

/// The dashboard: server-rendered pages that call the same JSON API the SDKs use, and their assets.
///
/// | Route | Signed | Permission | Who may call |
/// |---|---|---|---|
/// | `GET /` | no | none | anyone (303 to the Personal Access Tokens page) |
/// | `GET /login`, `GET /setup`, `GET /settings/…` | no | none (the page's script needs a session) | anyone |
/// | `GET /assets/{name}` | no | none | anyone |
///
/// Every answer carries the dashboard's security headers (``DashboardController/securityHeaders``):
/// scripts and styles only from this origin, never inline; no framing; no referrer.
struct DashboardController: Sendable {
    let renderer: DashboardRenderer
    let store: any SignetStore
    /// The organisation id, read once the store has one (a store holds one organisation), and every
    /// page rendered for it: a page costs a lookup, not a rendering.
    private let rendered = NIOLockedValueBox<(orgId: String?, pages: [DashboardPage: ByteBuffer])?>(nil)

    init(renderer: DashboardRenderer, store: any SignetStore) {
        self.renderer = renderer
        self.store = store
    }

    /// The headers on every dashboard answer.
    static let securityHeaders: HTTPFields = {
        var headers: HTTPFields = [
            .contentSecurityPolicy:
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            .xContentTypeOptions: "nosniff",
        ]
        for (name, value) in [("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "DENY"), ("Cross-Origin-Opener-Policy", "same-origin")] {
            guard let name = HTTPField.Name(name) else { preconditionFailure("invalid header name \(name)") }
            headers[name] = value
        }
        return headers
    }()

    func addRoutes(to router: some RouterMethods<SignetRequestContext>) {
        router.get("/") { _, _ in
            var headers = Self.securityHeaders
            headers[.location] = DashboardPage.personalAccessTokens.path
            return Response(status: .seeOther, headers: headers)
        }
        for page in DashboardPage.allCases {
            router.get(RouterPath(page.path)) { _, _ in try await self.page(page) }
        }
        router.get("assets/:name") { request, context in
            let name = try context.parameters.require("name")
            guard let asset = DashboardAsset.all[name] else { throw APIError.notFound("no dashboard asset \(name)") }
            var headers = Self.securityHeaders
            headers[.contentType] = asset.contentType
            headers[.cacheControl] = "no-cache"
            headers[.eTag] = asset.etag
            if let tag = request.headers[.ifNoneMatch], tag.utf8.elementsEqual(asset.etag.utf8) {
                return Response(status: .notModified, headers: headers)
            }
            headers[.contentLength] = String(asset.body.readableBytes)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
        }
    }

    private func page(_ page: DashboardPage) async throws -> Response {
        let body = try await pages()[page] ?? ByteBuffer()
        var headers = Self.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentLength] = String(body.readableBytes)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    /// The pages, rendered once the organisation is known (before `signet init`, on every request,
    /// so the pages change as soon as it exists).
    private func pages() async throws -> [DashboardPage: ByteBuffer] {
        if let known = rendered.withLockedValue({ $0 }), known.orgId != nil { return known.pages }
        let orgId = try await store.organizations().first?.id
        let pages = Dictionary(uniqueKeysWithValues: DashboardPage.allCases.map { ($0, ByteBuffer(string: renderer.render($0, orgId: orgId))) })
        rendered.withLockedValue { $0 = (orgId, pages) }
        return pages
    }
}
