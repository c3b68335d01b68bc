import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SignetStore
import SignetTestFixtures
import Testing

@testable import SignetServer

/// The dashboard as the server serves it: security headers on every answer, no inline script or
/// style anywhere, escaped values, assets that exist and stay small. (Its flows run in a real
/// browser: Tests/browser, scripts/browser-tests.sh.)
@Suite("Dashboard pages and assets")
struct DashboardTests {
    static let paths = ["/"] + DashboardPage.allCases.map(\.path) + DashboardAsset.all.keys.sorted().map { "/assets/\($0)" }

    @Test("Every page and asset carries the security headers: CSP without inline code, no framing, no referrer, nosniff")
    func securityHeaders() async throws {
        try await TestServer.with(.sqlite) { _, api in
            for path in Self.paths {
                let response = try await api.client.execute(uri: path, method: .get, headers: [:], body: nil)
                #expect(response.status == (path == "/" ? .seeOther : .ok), "\(path)")
                let policy = response.headers[.contentSecurityPolicy] ?? ""
                for directive in ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"] {
                    #expect(policy.contains(directive), "\(path): \(directive) missing from \(policy)")
                }
                #expect(!policy.contains("unsafe"), "\(path): \(policy)")
                #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", "\(path)")
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(path)")
            }
        }
    }

    @Test("Pages are HTML with the organisation id; / leads to Settings > Developers > Personal Access Tokens")
    func pages() async throws {
        try await TestServer.with(.sqlite) { server, api in
            let root = try await api.client.execute(uri: "/", method: .get, headers: [:], body: nil)
            #expect(root.headers[.location] == DashboardPage.personalAccessTokens.path)
            let page = try await api.client.execute(uri: DashboardPage.personalAccessTokens.path, method: .get, headers: [:], body: nil)
            let html = String(buffer: page.body)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(html.contains("<meta name=\"signet-org\" content=\"\(server.orgId)\">"))
            #expect(html.contains("Settings &gt; Developers &gt; Personal Access Tokens"))
            #expect(html.contains(">New Personal Access Token<") && html.contains(">Create and sign with your passkey<"))
            for label in ["Name", "Public key", "Expiration", "Role"] { #expect(html.contains("\">\(label)</label>"), "\(label)") }
        }
    }

    @Test("No page has an inline script, style or event handler, and everything a page loads exists")
    func noInlineCode() throws {
        let renderer = DashboardRenderer(relyingPartyId: "localhost")
        for page in DashboardPage.allCases {
            let html = renderer.render(page, orgId: "or-test")
            for script in html.ranges(of: "<script") {
                let tag = html[script.lowerBound...].prefix { $0 != ">" }
                #expect(tag.contains(" src=\"/assets/"), "\(page): inline script \(tag)")
            }
            #expect(!html.contains("<style") && !html.contains(" style="), "\(page): inline style")
            #expect(html.firstMatch(of: /\son[a-z]+=/) == nil, "\(page): inline event handler")
            for match in html.matches(of: /"\/assets\/([a-z.-]+)"/) {
                #expect(DashboardAsset.all[String(match.1)] != nil, "\(page) loads the missing asset \(match.1)")
            }
        }
        // Modules import only assets that exist.
        for (name, asset) in DashboardAsset.all where name.hasSuffix(".js") {
            for match in String(buffer: asset.body).matches(of: /from '\.\/([a-z.-]+)'/) {
                #expect(DashboardAsset.all[String(match.1)] != nil, "\(name) imports the missing asset \(match.1)")
            }
        }
    }

    @Test("Values put into a page are HTML-escaped")
    func escaping() {
        let html = DashboardRenderer(relyingPartyId: "x\"><script>").render(.signIn, orgId: "\"><script>alert(1)</script>")
        #expect(!html.contains("\"><script>"))
        #expect(html.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(DashboardRenderer.escape("a&b<c>'d\"") == "a&amp;b&lt;c&gt;&#39;d&quot;")
    }

    @Test("Assets revalidate by ETag; an unknown one is a 404; all JavaScript and CSS stay under 100 KB")
    func assets() async throws {
        try await TestServer.with(.sqlite) { _, api in
            let first = try await api.client.execute(uri: "/assets/signet.js", method: .get, headers: [:], body: nil)
            #expect(first.headers[.contentType] == "text/javascript; charset=utf-8")
            let etag = try #require(first.headers[.eTag])
            let again = try await api.client.execute(uri: "/assets/signet.js", method: .get, headers: [.ifNoneMatch: etag], body: nil)
            #expect(again.status == .notModified && again.body.readableBytes == 0)
            let missing = try await api.client.execute(uri: "/assets/nope.js", method: .get, headers: [:], body: nil)
            #expect(missing.status == .notFound)
            let traversal = try await api.client.execute(uri: "/assets/..%2FPackage.swift", method: .get, headers: [:], body: nil)
            #expect(traversal.status == .notFound)
        }
        let code = DashboardAsset.all.filter { $0.key.hasSuffix(".js") || $0.key.hasSuffix(".css") }
        #expect(code.values.reduce(0) { $0 + $1.body.readableBytes } < 100 * 1024)
    }

    @Test("Setup links percent-encode everything but unreserved characters")
    func setupLink() {
        let link = SetupLink.url(base: "https://signet.example.com/", orgId: "or-1", username: "a+b@x.com", code: "c_d-e")
        #expect(link == "https://signet.example.com/setup?org=or-1&username=a%2Bb%40x.com&code=c_d-e")
    }
}
