import Foundation
import SignetAPI
import Testing

/// `docs/api-routes.md` is rendered from the endpoint catalogue, so the list people read is the
/// list the server serves. Run with `SIGNET_REGENERATE_DOCS=1` to rewrite it after changing the
/// catalogue.
@Suite("Endpoint documentation")
struct EndpointDocumentationTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/api-routes.md").standardized

    static func render() -> String {
        var lines = [
            "# Signet's API routes",
            "",
            "Rendered from the endpoint catalogue (`Sources/SignetAPI/Endpoints/`), which the server registers its",
            "routes from, the Swift SDK sends through, and the dashboard's scripts read (`/assets/endpoints.js`).",
            "`EndpointDocumentationTests` fails when this file and the catalogue differ; regenerate it with",
            "`SIGNET_REGENERATE_DOCS=1 swift test --filter EndpointDocumentationTests`.",
            "",
            "**Signed**: the request must carry `X-DFNS-USERACTION` (a user action signed for it, or Fast Auth), used",
            "up before anything changes. **Operation**: what the caller must hold (user ∩ token), checked at the route;",
            "\"—\" where none is needed or the rule depends on the request (the service decides, see the source).",
            "**Callers**: `anyone` (no token), `registering` (the temporary token of registration or recovery), `tokenHolders` (a",
            "login session, a PAT or a service account), `personLogin`, `loginSession`, `serviceAccount`,",
            "`notPat` (a login session or a service account). The server checks the token and `serviceAccount` at the",
            "route; the finer kinds, and the rules under **Also**, are the services'.",
            "**Rate**: the abuse-limit class (`open`, `authentication`, `read`, `write`), the bucket the abuse limits count it in (`signet serve --help`, `--rate-limit`).",
            "",
            "| Name | Route | Signed | Operation | Callers | Rate | Also |",
            "|---|---|---|---|---|---|---|",
        ]
        for rule in Endpoints.all {
            let operation = rule.operation.map { "`\($0)`" } ?? "—"
            let unsigned = rule.unsignedQuery.isEmpty ? "" : " (`\(rule.unsignedQuery.sorted().joined(separator: "`, `"))` may be unsigned)"
            lines.append(
                "| `\(rule.name)` | `\(rule.route)` | \(rule.signed ? "yes" + unsigned : "no") | \(operation) | \(rule.callers.rawValue) | \(rule.rate.rawValue) | \(rule.note ?? "") |"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("docs/api-routes.md is the catalogue")
    func documentationIsCurrent() throws {
        let rendered = Self.render()
        if ProcessInfo.processInfo.environment["SIGNET_REGENERATE_DOCS"] == "1" {
            try rendered.write(to: Self.file, atomically: true, encoding: .utf8)
        }
        let written = try String(contentsOf: Self.file, encoding: .utf8)
        #expect(
            written == rendered,
            "docs/api-routes.md differs from the catalogue: SIGNET_REGENERATE_DOCS=1 swift test --filter EndpointDocumentationTests"
        )
    }
}

/// The README's list of refusal kinds is the one ``RefusalID`` declares: a program acts on them.
@Suite("Refusal kinds in the README")
struct RefusalDocumentationTests {
    @Test("The README names every RefusalID")
    func everyKindIsListed() throws {
        let readme = try String(
            contentsOf: EndpointDocumentationTests.file.deletingLastPathComponent().appendingPathComponent("../README.md"),
            encoding: .utf8
        )
        for kind in RefusalID.allCases {
            #expect(readme.contains("`\(kind.rawValue)`"), "README.md does not list the refusal kind \(kind.rawValue)")
        }
    }
}

/// Every relative link of the README and `docs/` reaches a file of the repository (a clone has
/// nothing beside it: links to `../shared/` were dead in every clone).
@Suite("Documentation links")
struct DocumentationLinkTests {
    @Test("Every relative link in README.md and docs/ points to a file in the repository")
    func linksResolve() throws {
        let root = EndpointDocumentationTests.file.deletingLastPathComponent().deletingLastPathComponent()
        let docs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)
        let contract = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs/contract").path)
        let files = ["README.md"] + docs.filter { $0.hasSuffix(".md") }.map { "docs/" + $0 } + contract.map { "docs/contract/" + $0 }
        var checked = 0
        for file in files {
            let url = root.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            for match in text.matches(of: /\]\(([^)#\s]+)(?:#[^)\s]*)?\)/) {
                let target = String(match.1)
                guard !target.contains("://"), !target.hasPrefix("mailto:") else { continue }
                checked += 1
                let resolved = url.deletingLastPathComponent().appendingPathComponent(target).standardized
                #expect(resolved.path.hasPrefix(root.standardized.path), "\(file): \(target) leaves the repository")
                #expect(FileManager.default.fileExists(atPath: resolved.path), "\(file): \(target) does not exist")
            }
        }
        #expect(checked >= 10)
    }
}
