package import Foundation
package import SignetCore
import Yams

/// The gateway's configuration (`signet serve --gateway FILE`, YAML): the upstreams, the operations
/// the team declares, and the routes. Deny by default: a request that matches no route never
/// reaches an upstream. Every error names the file's line.
///
/// ```yaml
/// upstreams:
///   wallets: { url: "http://127.0.0.1:9000", timeout: 10, maxBodyBytes: 1048576 }
/// operations: [Invoices:Create]          # names beyond the built-in catalog
/// routes:
///   - { method: GET,  path: /wallets,            upstream: wallets, operation: Wallets:Read }
///   - { method: POST, path: /wallets,            upstream: wallets, operation: Wallets:Create }   # signed: true by default
///   - { method: GET,  path: "/wallets/{walletId}", upstream: wallets, operation: Wallets:Read }
/// ```
package struct GatewayConfiguration: Sendable {
    package struct Upstream: Sendable {
        package var name: String
        /// The base URL, without a trailing slash; the request's path and query are appended.
        package var url: String
        /// The base URL's path (`/api/v1`, or empty), percent-encoded as written: what the upstream
        /// receives before the request's own path.
        package var basePath: String
        package var timeout: TimeInterval
        package var maxBodyBytes: Int
        /// Where an `http://` upstream listens (`nil` for `https://`, which AsyncHTTPClient serves).
        var address: UpstreamConnections.Address? = nil
    }

    package struct Route: Sendable {
        package var method: String
        package var path: GatewayPathPattern
        package var upstream: String
        package var operation: String
        /// Whether the request must carry a user action (default: every method but GET and HEAD).
        package var signed: Bool
        package var line: Int
    }

    /// A refusal of the file, naming where.
    package struct Failure: Error, Sendable, CustomStringConvertible {
        package let line: Int?
        package let message: String
        package var description: String { line.map { "line \($0): \(message)" } ?? message }
    }

    /// Which pair of headers carries the original request to `/auth/check` (`check: { headers: … }`):
    /// the one the deployment's proxy sets. Whatever the setting, a request carrying both pairs
    /// that disagree is refused, since a proxy passes the other pair on from the client.
    package enum CheckHeaders: String, Sendable {
        /// `X-Original-Method` and `X-Original-URI` (nginx `auth_request`).
        case original = "X-Original"
        /// `X-Forwarded-Method` and `X-Forwarded-Uri` (Traefik `forwardAuth`).
        case forwarded = "X-Forwarded"
        /// Either pair (the default).
        case either
    }

    package var upstreams: [String: Upstream]
    package var operations: Set<String>
    package var routes: [Route]
    package var checkHeaders: CheckHeaders = .either

    /// First path segments that belong to Signet itself; a gateway route may not start with one.
    static let reserved: Set<String> = [
        "auth", "permissions", "webhooks", "settings", "assets", "login", "setup", "recover", "healthz", ".well-known", "oauth2",
        "favicon.ico",
    ]
    /// Second segments under `/v2` that belong to Signet (Dfns Policies v2); the rest of `/v2` is
    /// free for gateway routes.
    static let reservedUnderV2: Set<String> = ["policies", "policy-approvals"]
    static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]

    /// Whether a path beginning with these segments is one of Signet's own.
    static func isSignetPath(first: Substring, second: Substring?) -> Bool {
        if reserved.contains(String(first)) { return true }
        guard first == "v2", let second else { return false }
        return reservedUnderV2.contains(String(second))
    }

    /// The route for a request, if any; a path that cannot be read safely matches nothing.
    package func route(method: String, segments: [Substring]) -> Route? {
        routes.first { ExactText.equals($0.method, method) && $0.path.matches(segments) }
    }

    /// Whether `first` is the first literal of some route (a malformed path under it gets a 400, not a 404).
    package func claims(firstSegment first: Substring) -> Bool {
        routes.contains { $0.path.firstLiteral.map { first.utf8.elementsEqual($0.utf8) } ?? false }
    }

    package static func load(file path: String) throws(Failure) -> GatewayConfiguration {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure(line: nil, message: "cannot read the gateway configuration \(path)")
        }
        return try parse(text)
    }

    package static func parse(_ text: String) throws(Failure) -> GatewayConfiguration {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw Failure(line: nil, message: "the file is empty") }
            root = node
        } catch let failure as Failure {
            throw failure
        } catch let error as YamlError {
            throw Failure(line: nil, message: "not valid YAML: \(error)")
        } catch {
            throw Failure(line: nil, message: "not valid YAML")
        }
        let top = try mapping(root, "the file", allowed: ["upstreams", "operations", "routes", "check"])
        var configuration = GatewayConfiguration(upstreams: [:], operations: [], routes: [])
        if let node = top["upstreams"] { configuration.upstreams = try upstreams(node) }
        if let node = top["operations"] { configuration.operations = try operations(node) }
        if let node = top["check"] { configuration.checkHeaders = try checkHeaders(node) }
        guard let routes = top["routes"]?.sequence else { throw Failure(line: line(root), message: "routes: a list of routes is required") }
        for node in routes { configuration.routes.append(try configuration.route(node)) }
        try configuration.checkOverlaps()
        return configuration
    }
}

extension GatewayConfiguration {
    static func line(_ node: Node) -> Int? { node.mark.map { $0.line } }

    /// A mapping whose keys are all in `allowed` (a typo is an error, not a silently ignored key).
    static func mapping(_ node: Node, _ what: String, allowed: Set<String>) throws(Failure) -> [String: Node] {
        guard let mapping = node.mapping else { throw Failure(line: line(node), message: "\(what) must be a mapping") }
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string, allowed.contains(name) else {
                throw Failure(
                    line: line(key),
                    message: "unknown key '\(key.string ?? "?")' in \(what); allowed: \(allowed.sorted().joined(separator: ", "))"
                )
            }
            result[name] = value
        }
        return result
    }

    static func string(_ node: Node?, _ what: String, in parent: Node) throws(Failure) -> String {
        guard let node else { throw Failure(line: line(parent), message: "\(what) is required") }
        guard let text = node.scalar?.string, !text.isEmpty else { throw Failure(line: line(node), message: "\(what) must be a string") }
        return text
    }

    static func upstreams(_ node: Node) throws(Failure) -> [String: Upstream] {
        guard let entries = node.mapping else { throw Failure(line: line(node), message: "upstreams must map names to upstreams") }
        var upstreams: [String: Upstream] = [:]
        for (key, value) in entries {
            guard let name = key.string, !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else { throw Failure(line: line(key), message: "an upstream name must be letters, digits, - and _") }
            let fields = try mapping(value, "upstream \(name)", allowed: ["url", "timeout", "maxBodyBytes"])
            let url = try string(fields["url"], "upstream \(name): url", in: value)
            guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme ?? ""),
                components.host?.isEmpty == false, components.query == nil, components.fragment == nil
            else {
                throw Failure(
                    line: line(fields["url"] ?? value),
                    message: "upstream \(name): url must be http(s)://host[:port][/base], without query"
                )
            }
            let timeout = fields["timeout"]?.float ?? 30
            let maxBody = fields["maxBodyBytes"]?.int ?? 1_048_576
            guard timeout > 0, timeout <= 300 else {
                throw Failure(line: line(fields["timeout"] ?? value), message: "upstream \(name): timeout must be 0 to 300 seconds")
            }
            guard maxBody > 0, maxBody <= 64 * 1_048_576 else {
                throw Failure(line: line(fields["maxBodyBytes"] ?? value), message: "upstream \(name): maxBodyBytes must be 1 to 67108864")
            }
            let base = url.hasSuffix("/") ? String(url.dropLast()) : url
            let basePath = URLComponents(string: base)?.percentEncodedPath ?? ""
            guard basePath.isEmpty || (try? GatewayPath.segments(of: basePath)) != nil else {
                throw Failure(line: line(fields["url"] ?? value), message: "upstream \(name): the url's path \(basePath) cannot be forwarded safely")
            }
            // Written as it is sent: a path the URL parser would percent-encode (a space, a bracket)
            // would be re-encoded on every request, escapes included.
            guard GatewayForwarder.Target.endsWith(base, basePath) else {
                throw Failure(
                    line: line(fields["url"] ?? value),
                    message: "upstream \(name): the url's path must be percent-encoded as sent (\(basePath))"
                )
            }
            upstreams[name] = Upstream(
                name: name,
                url: base,
                basePath: basePath,
                timeout: timeout,
                maxBodyBytes: maxBody,
                address: UpstreamConnections.Address(components)
            )
        }
        return upstreams
    }

    static func checkHeaders(_ node: Node) throws(Failure) -> CheckHeaders {
        let fields = try mapping(node, "check", allowed: ["headers"])
        let text = try string(fields["headers"], "check: headers", in: node)
        guard let value = CheckHeaders(rawValue: text), value != .either || text == "either" else {
            throw Failure(line: line(fields["headers"] ?? node), message: "check: headers must be X-Original, X-Forwarded or either")
        }
        return value
    }

    static func operations(_ node: Node) throws(Failure) -> Set<String> {
        guard let list = node.sequence else { throw Failure(line: line(node), message: "operations must be a list of names") }
        var names: Set<String> = []
        for item in list {
            let name = try string(item, "an operation", in: node)
            guard OperationCatalog.isWellFormed(name) else {
                throw Failure(line: line(item), message: "operation '\(name)' must look like Area:Action (letters and digits, each part capitalised)")
            }
            names.insert(name)
        }
        return names
    }

    func route(_ node: Node) throws(Failure) -> Route {
        let fields = try Self.mapping(node, "a route", allowed: ["method", "path", "upstream", "operation", "signed"])
        let method = try Self.string(fields["method"], "method", in: node).uppercased()
        guard Self.methods.contains(method) else {
            throw Failure(
                line: Self.line(fields["method"] ?? node),
                message: "method \(method) is not one of \(Self.methods.sorted().joined(separator: ", "))"
            )
        }
        let text = try Self.string(fields["path"], "path", in: node)
        let pattern: GatewayPathPattern
        do {
            pattern = try GatewayPathPattern(text)
        } catch {
            throw Failure(line: Self.line(fields["path"] ?? node), message: "path \(text): \(error.description)")
        }
        guard let first = pattern.firstLiteral else {
            throw Failure(
                line: Self.line(fields["path"] ?? node),
                message: "path \(text) must start with a literal segment: a parameter there would capture Signet's own routes"
            )
        }
        guard !Self.reserved.contains(first) else {
            throw Failure(line: Self.line(fields["path"] ?? node), message: "path \(text) would shadow Signet's own routes (/\(first))")
        }
        if first == "v2" {
            guard let second = pattern.literal(at: 1), !Self.reservedUnderV2.contains(second) else {
                throw Failure(
                    line: Self.line(fields["path"] ?? node),
                    message: "path \(text) would shadow Signet's own routes (/v2/policies, /v2/policy-approvals): under /v2 its second segment must be another literal"
                )
            }
        }
        let upstream = try Self.string(fields["upstream"], "upstream", in: node)
        guard upstreams[upstream] != nil else {
            throw Failure(line: Self.line(fields["upstream"] ?? node), message: "unknown upstream '\(upstream)'")
        }
        let operation = try Self.string(fields["operation"], "operation", in: node)
        guard operations.contains(operation) || OperationCatalog.canonicalName(operation) == operation else {
            throw Failure(
                line: Self.line(fields["operation"] ?? node),
                message: "unknown operation '\(operation)': use a built-in name (as in roles) or declare it under operations"
            )
        }
        var signed = method != "GET" && method != "HEAD"
        if let flag = fields["signed"] {
            guard let value = flag.bool else { throw Failure(line: Self.line(flag), message: "signed must be true or false") }
            signed = value
        }
        return Route(method: method, path: pattern, upstream: upstream, operation: operation, signed: signed, line: Self.line(node) ?? 0)
    }

    func checkOverlaps() throws(Failure) {
        for (index, route) in routes.enumerated() {
            for earlier in routes[..<index] where earlier.method == route.method && earlier.path.overlaps(route.path) {
                throw Failure(
                    line: route.line,
                    message: "\(route.method) \(route.path) overlaps \(earlier.method) \(earlier.path) (line \(earlier.line))"
                )
            }
        }
    }
}
