import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SignetAPI
import SignetCore
import SignetTestFixtures
import Testing

@testable import SignetServer

/// The endpoint catalogue (`Endpoints`) is the one statement of Signet's routes: the router serves
/// exactly its routes (and the dashboard's pages), and the policy it states is applied.
@Suite("Endpoint catalogue")
struct EndpointCatalogueTests {
    /// `METHOD /a/*/b`: a route with its parameters' names left out.
    static func shape(method: String, path: String) -> String {
        AuthorizationMatrixTests.shape("\(method) \(path)")
    }

    @Test("The router serves exactly the catalogue's routes, besides the dashboard's pages and assets")
    func routerIsTheCatalogue() async throws {
        try await TestServer.with(.sqlite) { server, _ in
            let services = SignetServices(configuration: ServerConfiguration(), store: server.store, logger: Logger(label: "signet.test"))
            let served = Set(buildRouter(services: services).routes.map { Self.shape(method: "\($0.method)", path: "\($0.path)") })
            let dashboardRouter = Router(context: SignetRequestContext.self)
            DashboardController(renderer: services.dashboard, store: services.store).addRoutes(to: dashboardRouter)
            let dashboard = Set(dashboardRouter.routes.map { Self.shape(method: "\($0.method)", path: "\($0.path)") })
            let catalogue = Set(Endpoints.all.map { Self.shape(method: $0.method.rawValue, path: "\($0.path)") })
            let unlisted = served.subtracting(catalogue).subtracting(dashboard)
            #expect(catalogue.count == Endpoints.all.count, "two catalogue entries are the same route")
            #expect(unlisted.isEmpty, "served, not in the catalogue: \(unlisted.sorted())")
            #expect(catalogue.subtracting(served).isEmpty, "in the catalogue, not served: \(catalogue.subtracting(served).sorted())")
            #expect(catalogue.isDisjoint(with: dashboard))
        }
    }

    /// The changes that are not user actions, written out here rather than read from the catalogue,
    /// so that an entry losing `signed: true` by mistake fails a test (logins, the signing flow
    /// itself, challenges, the checks APIs call, and the new device's half of adding a credential
    /// with a code, which has no credential to sign with yet: the code stands for the signature).
    static let unsignedChanges: Set<String> = [
        "POST /auth/login/init", "POST /auth/login", "PUT /auth/logout", "POST /auth/logout", "POST /auth/action/init", "POST /auth/action",
        "POST /auth/credentials/init", "POST /auth/registration/init", "POST /auth/registration", "POST /oauth2/introspect",
        "POST /auth/action/verify", "POST /auth/credentials/code/init", "POST /auth/credentials/code/verify", "POST /auth/recover/user/code",
        "POST /auth/recover/user/init", "POST /auth/recover/user",
    ]

    @Test("Every change is a signed user action but the few written out here")
    func changesAreSigned() {
        let unsigned = Set(Endpoints.all.filter { $0.method != .GET && !$0.signed }.map(\.route))
        #expect(unsigned == Self.unsignedChanges, "unsigned changes: \(unsigned.symmetricDifference(Self.unsignedChanges).sorted())")
    }

    @Test("Each entry is well formed: a unique name scripts can use, a known operation, signing only where it means something")
    func entriesAreWellFormed() {
        let names = Endpoints.all.map(\.name)
        #expect(Set(names).count == names.count, "a name is used twice")
        for rule in Endpoints.all {
            #expect(rule.name.first?.isLetter == true && rule.name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }, "\(rule.name)")
            if let operation = rule.operation { #expect(OperationName(rawValue: operation) != nil, "\(rule.route): unknown operation \(operation)") }
            #expect(!(rule.signed && rule.method == .GET), "\(rule.route): a read is never a user action")
            #expect(rule.unsignedQuery.isEmpty || rule.signed, "\(rule.route): unsigned query parameters only mean something on a signed route")
            #expect(Set(rule.path.parameterNames).count == rule.path.parameterNames.count, "\(rule.route)")
            // What the dashboard's generated module writes between quotes needs no escaping.
            let safe = "\(rule.path)\(rule.operation ?? "")".allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/{}.:-".contains($0)) }
            #expect(safe, "\(rule.route)")
            let open = rule.callers == .anyone || rule.callers == .registering
            #expect(
                !open || (!rule.signed && rule.operation == nil),
                "\(rule.route): a route without a token can neither be signed nor need an operation"
            )
        }
    }

    @Test("Every route the dashboard's scripts name is in the catalogue, and they name no route by its path")
    func dashboardUsesTheCatalogue() throws {
        let names = Set(Endpoints.all.map(\.name))
        var used: Set<String> = []
        for (file, asset) in DashboardAsset.all where file.hasSuffix(".js") && file != "endpoints.js" {
            let text = String(buffer: asset.body)
            for match in text.matches(of: /endpoints\.([A-Za-z0-9]+)/) where match.1 != "js" { used.insert(String(match.1)) }
            #expect(!text.contains("api('"), "\(file) calls a route by its path")
        }
        #expect(used.subtracting(names).isEmpty, "unknown endpoints: \(used.subtracting(names).sorted())")
        #expect(used.contains("createPat") && used.count > 20)
        #expect(EndpointsModule.javascript.contains("createPat: Object.freeze({ method: 'POST', path: '/auth/pats', signed: true"))
    }

    @Test("A parameter's value is always one segment of the path")
    func parametersAreEscaped() {
        #expect(Endpoints.getPat.path.filled(["to-1"]) == "/auth/pats/to-1")
        #expect(Endpoints.getPat.path.filled(["a/../b?c#d e%"]) == "/auth/pats/a%2F..%2Fb%3Fc%23d%20e%25")
        #expect(Endpoints.getPat.path.filled([".."]) == "/auth/pats/%2E%2E")
        #expect(Endpoints.getPat.path.filled(["."]) == "/auth/pats/%2E")
        #expect(Endpoints.getPat.path.filled(["é"]) == "/auth/pats/%C3%A9")
        #expect(Endpoints.revokeRole.path.filled(["pm-1", "as-2"]) == "/permissions/pm-1/assignments/as-2")
        #expect(Endpoints.revokeRole.path.description == "/permissions/{id}/assignments/{assignmentId}")
    }

    @Test(
        "Every route the catalogue marks as signed refuses a request without a user action, before anything else",
        arguments: [TestDatabase.Kind.sqlite]
    )
    func signedMeansSigned(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            for rule in Endpoints.all where rule.signed {
                let path = rule.path.filled(rule.path.parameterNames.map { _ in "x" })
                let reply = try await api.send(HTTPRequest.Method(rawValue: rule.method.rawValue) ?? .get, path, token: admin.token, body: "{}")
                #expect(reply.status == .forbidden, "\(rule.route): \(reply.status)")
                #expect(reply.errorMessage?.contains("must be signed") == true, "\(rule.route): \(reply.body)")
            }
            // And the routes it does not mark are not user actions: a read needs none.
            for rule in Endpoints.all where rule.method == .GET && rule.callers == .tokenHolders && rule.path.parameterNames.isEmpty {
                let reply = try await api.send(.get, "\(rule.path)", token: admin.token)
                #expect(reply.status != .unauthorized, "\(rule.route): \(reply.body)")
            }
        }
    }
}
