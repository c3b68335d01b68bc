import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import SignetCore
import SignetServer
import SignetStore

/// `signet serve`: runs the HTTP server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Signet server.",
        discussion: """
            The store is created on first start. With --dev, a first start on an empty store also creates an
            organisation and its administrator, writes the administrator's private key into the data folder
            (mode 0600) and prints how to log in.

            SIGTERM or SIGINT stops it: no new connections, requests in flight get up to 10 seconds to finish,
            and the process has exited at most 20 seconds after the signal, whatever hangs (a second signal
            exits at once).
            """
    )

    @Option(help: "Address to listen on (env SIGNET_HOST).")
    var host: String = Environment.value("SIGNET_HOST") ?? "127.0.0.1"

    @Option(help: "Port to listen on (env SIGNET_PORT).")
    var port: Int = Environment.value("SIGNET_PORT").flatMap(Int.init) ?? 8080

    @Option(help: "The store: a SQLite file, or a postgres://user:password@host:port/database URL shared by several nodes (env SIGNET_DATABASE).")
    var database: String = Environment.defaultDatabase

    @Flag(help: "Development first start: initialise an empty store with a generated administrator key (env SIGNET_DEV=1).")
    var dev = Environment.value("SIGNET_DEV") == "1"

    @Flag(
        inversion: .prefixedNo,
        help: "Cache what authorises requests, emptied on every change (env SIGNET_AUTHORIZATION_CACHE=off to disable)."
    )
    var authorizationCache = Environment.value("SIGNET_AUTHORIZATION_CACHE") != "off"

    @Flag(
        inversion: .prefixedNo,
        help: "Accept Fast Auth, one-request signed writes (env SIGNET_FAST_AUTH=off to refuse them with FastAuthDisabled)."
    )
    var fastAuth = Environment.value("SIGNET_FAST_AUTH") != "off"

    @Option(
        name: .customLong("rp-id"),
        help: "Passkeys: the WebAuthn relying party id, a domain such as example.com (env SIGNET_RP_ID). With --dev: localhost."
    )
    var rpIdOption: String?
    var rpId: String? { rpIdOption ?? Environment.value("SIGNET_RP_ID") }

    @Option(
        name: .customLong("origin"),
        help: ArgumentHelp(
            "Passkeys: an origin allowed to use them, such as https://app.example.com; repeat for several (env SIGNET_ORIGINS, comma-separated).",
            discussion: "Its host must be the rp id or a subdomain of it. With --dev: http://localhost:<port> (https:// with --tls-cert)."
        )
    )
    var origins: [String] = Environment.value("SIGNET_ORIGINS").map { $0.split(separator: ",").map(String.init) } ?? []

    @Option(name: .customLong("rp-name"), help: "Passkeys: the name authenticators show (env SIGNET_RP_NAME).")
    var rpName: String = Environment.value("SIGNET_RP_NAME") ?? "Signet"

    @Option(
        name: .customLong("registration-webhook"),
        help: ArgumentHelp(
            "POST each new registration code (and its setup link) and each recovery code to this https URL, to mail it (env SIGNET_REGISTRATION_WEBHOOK).",
            discussion: "http:// only to localhost. See the README, 'Inviting people'."
        )
    )
    var registrationWebhookOption: String?
    var registrationWebhook: String? { registrationWebhookOption ?? Environment.value("SIGNET_REGISTRATION_WEBHOOK") }

    @Option(
        name: .customLong("registration-webhook-secret-file"),
        help:
            "A file whose contents sign each webhook body: X-Signet-Signature: sha256=<HMAC> (env SIGNET_REGISTRATION_WEBHOOK_SECRET holds the secret itself)."
    )
    var registrationWebhookSecretFile: String?

    @Option(
        name: .customLong("gateway"),
        help: ArgumentHelp(
            "Protect your own API: a YAML file of upstreams, operations and routes (env SIGNET_GATEWAY).",
            discussion: "Read again on SIGHUP; see the README, 'Protect your API'."
        )
    )
    var gatewayOption: String?
    var gateway: String? { gatewayOption ?? Environment.value("SIGNET_GATEWAY") }

    @OptionGroup(title: "Abuse limits")
    var limits: LimitOptions

    @Option(
        name: .customLong("metrics-port"),
        help: "Serve Prometheus metrics at /metrics on this port, on a listener of its own (env SIGNET_METRICS_PORT; off by default)."
    )
    var metricsPort: Int?

    /// `--metrics-port`, or `SIGNET_METRICS_PORT`.
    var metricsPortSetting: Int? { metricsPort ?? Environment.value("SIGNET_METRICS_PORT").flatMap(Int.init) }

    @Option(name: .customLong("metrics-host"), help: "The metrics listener's address (env SIGNET_METRICS_HOST; loopback by default).")
    var metricsHost: String = Environment.value("SIGNET_METRICS_HOST") ?? "127.0.0.1"

    @Option(name: .customLong("tls-cert"), help: "Serve HTTPS: the certificate chain, PEM (env SIGNET_TLS_CERT); with --tls-key.")
    var tlsCertOption: String?

    @Option(name: .customLong("tls-key"), help: "Serve HTTPS: the certificate's private key, PEM (env SIGNET_TLS_KEY); with --tls-cert.")
    var tlsKeyOption: String?

    /// HTTPS as configured (`nil`: plain HTTP), the files loaded and checked to belong together.
    func tls() throws -> ServerTLS? {
        switch (tlsCertOption ?? Environment.value("SIGNET_TLS_CERT"), tlsKeyOption ?? Environment.value("SIGNET_TLS_KEY")) {
        case (nil, nil): return nil
        case (let certificate?, let key?):
            do {
                return try ServerTLS(certificateFile: certificate, keyFile: key)
            } catch {
                throw ValidationError(error.description)
            }
        default: throw ValidationError("--tls-cert and --tls-key go together: give both (a certificate and its key), or neither")
        }
    }

    /// `https` when serving TLS.
    var scheme: String { (tlsCertOption ?? Environment.value("SIGNET_TLS_CERT")) != nil ? "https" : "http" }

    @Option(name: .customLong("log-format"), help: "Log lines as text or json (one object per line; env SIGNET_LOG_FORMAT).")
    var logFormat: String = Environment.value("SIGNET_LOG_FORMAT") ?? "text"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env SIGNET_LOG_LEVEL).")
    var logLevel: String = Environment.value("SIGNET_LOG_LEVEL") ?? "info"

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535") }
        if let value = Environment.value("SIGNET_METRICS_PORT"), Int(value) == nil {
            throw ValidationError("SIGNET_METRICS_PORT '\(value)' is not a port number")
        }
        if let metricsPort = metricsPortSetting {
            guard (1...65535).contains(metricsPort), metricsPort != port else {
                throw ValidationError("--metrics-port must be between 1 and 65535 and not the API's --port")
            }
        }
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("--log-format must be text or json") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level '\(logLevel)' is not a log level") }
        if let value = Environment.value("SIGNET_PORT"), Int(value) == nil {
            throw ValidationError("SIGNET_PORT '\(value)' is not a port number")
        }
        _ = try relyingParty()
        _ = try webhook()
        _ = try gatewayConfiguration()
        _ = try tls()
    }

    /// The gateway configuration, checked (`nil` without `--gateway`).
    func gatewayConfiguration() throws -> GatewayConfiguration? {
        guard let gateway else { return nil }
        do {
            return try GatewayConfiguration.load(file: gateway)
        } catch {
            throw ValidationError("--gateway \(gateway): \(error.description)")
        }
    }

    /// The registration webhook, as configured (`nil` without `--registration-webhook`).
    func webhook() throws -> RegistrationWebhook? {
        guard let registrationWebhook else { return nil }
        var secret = Environment.value("SIGNET_REGISTRATION_WEBHOOK_SECRET")
        if let path = registrationWebhookSecretFile {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("cannot read \(path)") }
            secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let setupBase = try relyingParty()?.origins.first
        do {
            return try RegistrationWebhook(url: registrationWebhook, secret: secret, setupBase: setupBase)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The passkey relying party: as configured, or for --dev `localhost` on this port; `nil`
    /// (passkeys refused) when neither.
    func relyingParty() throws -> RelyingParty? {
        if rpId == nil && origins.isEmpty && !dev { return nil }
        guard let id = rpId ?? (dev ? "localhost" : nil) else { throw ValidationError("--origin needs --rp-id (the domain passkeys belong to)") }
        let allowed = origins.isEmpty && dev && id == "localhost" ? ["\(scheme)://localhost:\(port)"] : origins
        guard !allowed.isEmpty else { throw ValidationError("--rp-id needs at least one --origin (such as https://app.\(id))") }
        do {
            return try RelyingParty(id: id, name: rpName, origins: allowed)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// A first start: initialise (`--dev`) or say how to; with `--dev`, print the dashboard's address.
    private func firstStart(_ location: DatabaseLocation, logger: Logger) async throws {
        let (dev, host, port, scheme) = (self.dev, self.host, self.port, self.scheme)
        try await SQLStore.with(location.store, logger: logger) { store in
            guard try await store.organizations().isEmpty else { return }
            if dev {
                try location.prepare()
                try await DevelopmentSetup.initialize(store: store, location: location, host: host, port: port, scheme: scheme)
            } else {
                print(DevelopmentSetup.uninitialisedNotice(location: location))
                fflush(nil)
            }
        }
        guard dev else { return }
        let base = try relyingParty()?.origins.first
        try await SQLStore.with(location.store, logger: logger) { store in
            try await DevelopmentSetup.announceDashboard(store: store, base: base)
        }
    }

    func run() async throws {
        let json = logFormat == "json"
        LoggingSystem.bootstrap { label in
            EscapingLogHandler(json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label))
        }
        var logger = Logger(label: "signet")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        Shutdown.watch(logger: logger)
        let location = try DatabaseLocation(database)
        if case .sqlite = location.store { try location.prepare() }
        let (host, port, cache) = (self.host, self.port, self.authorizationCache)
        try await firstStart(location, logger: logger)
        let opened = try await SQLStore.open(location.store, logger: logger)
        do {
            var configuration = ServerConfiguration(host: host, port: port, authorizationCache: cache, relyingParty: try relyingParty())
            configuration.registrationWebhook = try webhook()
            configuration.fastAuth = fastAuth
            configuration.abuseLimits = try limits.abuseLimits()
            configuration.trustedProxies = try limits.trustedProxies()
            configuration.gateway = try gatewayConfiguration()
            configuration.gatewayFile = gateway
            configuration.metricsPort = metricsPortSetting
            configuration.metricsHost = metricsHost
            configuration.tls = try tls()
            configuration.strictTransportSecurity = !dev
            let app = try await buildApplication(
                configuration: configuration,
                store: opened.store,
                services: opened.services,
                logger: logger,
                onServerRunning: { [host, logger] port in logger.notice("listening", metadata: ["address": "\(host):\(port)"]) }
            )
            let passkeys = try relyingParty()?.id ?? "off"
            logger.notice(
                "signet starting",
                metadata: [
                    "address": "\(host):\(port)", "store": "\(location.store.description)", "dev": "\(dev)",
                    "node": "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)",
                    "gateway": "\(gateway ?? "off")", "passkeys": "\(passkeys)", "tls": "\(scheme == "https" ? "on" : "off")",
                ]
            )
            try await Shutdown.run(app, logger: logger)
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            try? await opened.store.shutdown()
            throw CommandFailure(
                "port \(port) on \(host) is already in use (another signet, or another program, listens there); stop it or choose another with --port"
            )
        } catch {
            try? await opened.store.shutdown()
            throw error
        }
        try await opened.store.shutdown()
        logger.notice("stopped")
    }
}
