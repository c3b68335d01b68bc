import Foundation
import NIOCore
import SignetAPI
import Testing

@testable import SignetServer

/// The dashboard's scripts and pages agree: every element a script reaches by id is in the page
/// that loads it, and every table filled from a `<template>` has one cell per heading.
@Suite("Dashboard scripts and markup agree")
struct DashboardMarkupTests {
    /// The scripts a page loads: its own module and, transitively, what it imports.
    static func scripts(of html: String) -> Set<String> {
        var loaded = Set(html.matches(of: /<script[^>]*src="\/assets\/([a-z.-]+\.js)"/).map { String($0.1) })
        var queue = Array(loaded)
        while let name = queue.popLast() {
            for match in source(name).matches(of: /from '\.\/([a-z.-]+\.js)'/) where loaded.insert(String(match.1)).inserted {
                queue.append(String(match.1))
            }
        }
        return loaded
    }

    static func source(_ asset: String) -> String {
        DashboardAsset.all[asset].map { String(buffer: $0.body) } ?? ""
    }

    /// The ids a script names literally: `getElementById('x')` (but not `getElementById('x')?.`,
    /// which allows its absence), `querySelector('#x …')`, `fieldError('x', …)`, `rowFrom('x', …)`,
    /// `toggleForm('x', …)`, and `busy(…, 'x')` error targets.
    static func ids(named script: String) -> Set<String> {
        let patterns = [
            /getElementById\('([A-Za-z0-9_-]+)'\)(?!\?\.)/, /querySelector(?:All)?\('#([A-Za-z0-9_-]+)/, /fieldError\('([A-Za-z0-9_-]+)'/,
            /rowFrom\('([A-Za-z0-9_-]+)'/, /toggleForm\('([A-Za-z0-9_-]+)'/, /\}, '([a-z0-9-]+-error)'\)/,
        ]
        return Set(patterns.flatMap { pattern in script.matches(of: pattern).map { String($0.1) } })
    }

    @Test("Every id a page's scripts name exists in that page")
    func idsExist() {
        let renderer = DashboardRenderer(relyingPartyId: "localhost")
        var checked = 0
        for page in DashboardPage.allCases {
            let html = renderer.render(page, orgId: "or-test")
            let present = Set(html.matches(of: /\sid="([^"]+)"/).map { String($0.1) })
            for script in Self.scripts(of: html) {
                let missing = Self.ids(named: Self.source(script)).subtracting(present)
                checked += 1
                #expect(missing.isEmpty, "\(page): \(script) names \(missing.sorted()), which the page lacks")
            }
            for match in html.matches(of: /data-(copy|toggle|close)="([^"]+)"/) {
                #expect(present.contains(String(match.2)), "\(page): a data-\(match.1) button targets the missing #\(match.2)")
            }
            if html.contains("data-toggle=\"") || html.contains("data-copy=\"") || html.contains("data-close=\"") {
                let wired = Self.scripts(of: html).contains { Self.source($0).contains("wireBehaviours()") }
                #expect(wired, "\(page): its data- buttons are never wired (no script calls wireBehaviours())")
            }
        }
        #expect(checked >= DashboardPage.allCases.count * 2, "each page loads its module and signet.js")
    }

    @Test("A form's controls name request fields its catalogue endpoints accept, so a refusal's field finds its control")
    func requestFieldsExist() throws {
        let renderer = DashboardRenderer(relyingPartyId: "localhost")
        let rules = Dictionary(uniqueKeysWithValues: Endpoints.all.map { ($0.name, $0) })
        var marked = 0
        for page in DashboardPage.allCases {
            let html = renderer.render(page, orgId: "or-test")
            for form in html.matches(of: /<form [^>]*data-endpoint="([A-Za-z ]+)"[^>]*>(.*?)<\/form>/.dotMatchesNewlines()) {
                for name in form.1.split(separator: " ").map(String.init) {
                    let fields = try #require(rules[name]?.bodyFields, "\(page): data-endpoint names \(name), which has no listed body fields")
                    for control in form.2.matches(of: /<[a-z]+ [^>]*data-request-field="([A-Za-z ]+)"[^>]*>/) {
                        // fieldError writes the refusal into the control's `<id>-error` element.
                        let id = control.0.firstMatch(of: /\sid="([^"]+)"/).map { String($0.1) }
                        #expect(id.map { html.contains("id=\"\($0)-error\"") } == true, "\(page): \(control.0) has no id-error element")
                        for field in control.1.split(separator: " ").map(String.init) {
                            marked += 1
                            #expect(fields.contains(field), "\(page): \(name) accepts no field \(field)")
                        }
                    }
                }
            }
            // A control marked outside such a form would never be found by a refusal.
            let outside = html.replacing(/<form [^>]*data-endpoint="[^"]*"[^>]*>.*?<\/form>/.dotMatchesNewlines(), with: "")
            #expect(!outside.contains("data-request-field"), "\(page): a data-request-field outside a form with data-endpoint")
        }
        #expect(marked >= 10)
    }

    @Test("A table filled from a <template> has one cell per heading, each named by data-field")
    func templatesMatchHeadings() throws {
        let renderer = DashboardRenderer(relyingPartyId: "localhost")
        var templates = 0
        for page in DashboardPage.allCases {
            let html = renderer.render(page, orgId: "or-test")
            let matches = html.matches(of: /<template id="([a-z-]+)">(.*?)<\/template>/.dotMatchesNewlines())
            #expect(matches.count == html.ranges(of: "<template").count, "\(page): a <template> this test cannot read")
            for match in matches {
                templates += 1
                let before = html[..<match.range.lowerBound]
                let thead = try #require(
                    before.ranges(of: "<thead>").last.flatMap { start in
                        html[start.lowerBound...].firstRange(of: "</thead>").map { html[start.lowerBound..<$0.lowerBound] }
                    }
                )
                let headings = thead.ranges(of: "<th scope=\"col\"").count
                let cells = match.2.matches(of: /<t[hd][\s>]/).count
                let fields = match.2.matches(of: /<t[hd][^>]*data-field="([A-Za-z]+)"/).map { String($0.1) }
                #expect(cells == headings, "\(page): template \(match.1) has \(cells) cells for \(headings) headings")
                #expect(fields.count == cells, "\(page): a cell of template \(match.1) has no data-field")
                #expect(Set(fields).count == fields.count, "\(page): template \(match.1) names a field twice")
            }
        }
        #expect(templates >= 2)
    }

    /// The top-level keys of each `rowFrom('template', { key: … })` call in `script`, by template.
    static func rowKeys(in script: String) -> [(template: String, keys: Set<String>)] {
        script.ranges(of: /rowFrom\('([a-z-]+)', \{/).compactMap { range -> (String, Set<String>)? in
            guard let name = script[range].firstMatch(of: /'([a-z-]+)'/)?.1 else { return nil }
            var depth = 1
            var keys = Set<String>()
            var index = range.upperBound
            var line = ""
            while index < script.endIndex, depth > 0 {
                let character = script[index]
                if "({[".contains(character) { depth += 1 }
                if ")}]".contains(character) { depth -= 1 }
                if character == "\n" {
                    if let key = line.firstMatch(of: /^\s*([A-Za-z]+):/)?.1 { keys.insert(String(key)) }
                    line = ""
                } else if depth == 1 || (depth == 2 && "({[".contains(character)) {
                    line.append(character)
                }
                index = script.index(after: index)
            }
            return (String(name), keys)
        }
    }

    @Test("The values a script passes to rowFrom are the template's data-field cells, no more, no fewer")
    func rowKeysMatchTemplates() throws {
        let renderer = DashboardRenderer(relyingPartyId: "localhost")
        var calls = 0
        for page in DashboardPage.allCases {
            let html = renderer.render(page, orgId: "or-test")
            let templates = Dictionary(
                html.matches(of: /<template id="([a-z-]+)">(.*?)<\/template>/.dotMatchesNewlines()).map { match in
                    (String(match.1), Set(match.2.matches(of: /data-field="([A-Za-z]+)"/).map { String($0.1) }))
                },
                uniquingKeysWith: { first, _ in first }
            )
            for script in Self.scripts(of: html) {
                for (template, keys) in Self.rowKeys(in: Self.source(script)) {
                    guard let fields = templates[template] else { continue }
                    calls += 1
                    #expect(keys == fields, "\(page): \(script) fills \(template) with \(keys.sorted()), its cells are \(fields.sorted())")
                }
            }
        }
        #expect(calls >= 7, "every table's rowFrom call was read")
    }
}
