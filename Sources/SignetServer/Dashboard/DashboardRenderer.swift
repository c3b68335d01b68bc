import Foundation
import SignetCore

/// Turns a ``DashboardPage`` into HTML: the layout (`Assets/layout.html`) with the page's title,
/// navigation, body and script filled in. Everything but the organisation id is rendered once, at
/// start; every inserted value is HTML-escaped. Pages carry no inline script or style (the
/// Content-Security-Policy forbids both).
struct DashboardRenderer: Sendable {
    private let pages: [DashboardPage: String]

    /// - Parameter relyingPartyId: the passkey relying party, or `nil` when passkeys are not configured
    ///   (the pages then say how to configure them instead of failing in the browser).
    init(relyingPartyId: String?) {
        let layout = String(decoding: PackageResources.layout_html, as: UTF8.self)
        var pages: [DashboardPage: String] = [:]
        for page in DashboardPage.allCases {
            let parts: [(String, String)] = [
                ("{{title}}", Self.escape(page.title)),
                ("{{script}}", Self.escape(page.script)),
                ("{{rpId}}", Self.escape(relyingPartyId ?? "")),
                ("{{session}}", page.needsSession ? "required" : "none"),
                ("{{navigation}}", page.needsSession ? Self.navigation(current: page) : ""),
                ("{{breadcrumb}}", Self.breadcrumb(page)),
                ("{{body}}", page.body.replacingOccurrences(of: "{{operations}}", with: Self.operationPicker())),
            ]
            pages[page] = parts.reduce(layout) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
        }
        self.pages = pages
    }

    /// The page for an organisation (`nil` before `signet init`: the page then says so).
    func render(_ page: DashboardPage, orgId: String?) -> String {
        (pages[page] ?? "").replacingOccurrences(of: "{{orgId}}", with: Self.escape(orgId ?? ""))
    }

    /// `&`, `<`, `>`, `"` and `'` as character references.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    private static func navigation(current: DashboardPage) -> String {
        let links = DashboardPage.navigation.map { page in
            let marker = page == current ? " aria-current=\"page\"" : ""
            return "<li><a href=\"\(escape(page.path))\"\(marker)>\(escape(page.title))</a></li>"
        }
        return """
            <nav aria-label="Settings"><ul>\(links.joined())</ul></nav>
            <div class="account"><span id="who"></span> <button type="button" id="sign-out">Sign out</button></div>
            """
    }

    private static func breadcrumb(_ page: DashboardPage) -> String {
        guard !page.breadcrumb.isEmpty else { return "" }
        return "<p class=\"breadcrumb\">" + page.breadcrumb.map(escape).joined(separator: " &gt; ") + "</p>"
    }

    /// The roles page's operation picker: one fieldset of checkboxes per area (`Auth:Pats`, `Wallets`, …).
    static func operationPicker() -> String {
        var areas: [(String, [String])] = []
        for operation in OperationCatalog.current {
            let area = operation.split(separator: ":").dropLast().joined(separator: ":")
            if let index = areas.firstIndex(where: { $0.0 == area }) {
                areas[index].1.append(operation)
            } else {
                areas.append((area, [operation]))
            }
        }
        return areas.map { area, operations in
            let boxes = operations.map { operation in
                "<label><input type=\"checkbox\" name=\"operations\" value=\"\(escape(operation))\"> \(escape(operation))</label>"
            }
            return "<fieldset><legend>\(escape(area.isEmpty ? "Other" : area))</legend>\(boxes.joined())</fieldset>"
        }.joined(separator: "\n")
    }
}
