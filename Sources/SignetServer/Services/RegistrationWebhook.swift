import AsyncHTTPClient
import Crypto
import Foundation
package import Logging
import NIOCore
import NIOHTTP1
import SignetCore
import SignetStore

/// Delivers each new registration code to an endpoint the operator runs (`signet serve
/// --registration-webhook URL`), which can mail the setup link: Signet itself sends no mail. The
/// administrator still gets the code in the API answer, so a failed delivery loses nothing.
///
/// The POST body is one JSON object: `type` (`registration.code`), `orgId`, `userId`, `username`,
/// `registrationCode`, `expiresAt`, and `setupLink` when passkeys are configured. With a secret,
/// `X-Signet-Signature: sha256=<hex HMAC-SHA256 of the exact body>` lets the receiver check it
/// came from Signet. The code is never logged. Delivery is tried 3 times (5 s timeout each, 1 s
/// then 2 s apart) in the background, so the API answer does not wait for it. Redirects are never
/// followed (a 3xx is a failed delivery, not retried): following one would send the code and its
/// signature to wherever the redirect points, over plain HTTP too.
package struct RegistrationWebhook: Sendable {
    /// The webhook's own client: no redirects, no connection retries past the timeout.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Why a webhook URL was refused at start.
    package struct InvalidURL: Error, CustomStringConvertible {
        package let description: String
    }

    let url: String
    let secret: [UInt8]?
    /// The dashboard origin setup links point to (the first passkey origin), if any.
    let setupBase: String?
    let logger: Logger

    /// - Parameters:
    ///   - url: `https://…`, or `http://` to `localhost` or a loopback address only (the body carries a secret code).
    ///   - secret: the HMAC key for `X-Signet-Signature`; `nil` sends no signature.
    package init(url: String, secret: String?, setupBase: String?, logger: Logger = Logger(label: "signet.webhook")) throws(InvalidURL) {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty,
            components.scheme == "https" || (components.scheme == "http" && ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host))
        else {
            throw InvalidURL(
                description:
                    "--registration-webhook '\(url)' must be an https:// URL (http:// only to localhost): the body carries a registration code"
            )
        }
        self.url = url
        self.secret = secret.map { Array($0.utf8) }
        self.setupBase = setupBase
        self.logger = logger
    }

    /// What a code is for: the event's `type` and the member that carries the code.
    enum Purpose: Sendable {
        /// A person's first credential (`registration.code`, `registrationCode`, with a setup link).
        case registration
        /// Account recovery with a recovery key (`recovery.code`, `recoveryCode`).
        case recovery
    }

    /// The body for one code, and its signature header value (when there is a secret).
    func payload(
        for user: UserRecord,
        code: String,
        expiresAt: Date,
        purpose: Purpose = .registration
    ) throws -> (body: [UInt8], signature: String?) {
        var event: [String: String] = [
            "type": purpose == .registration ? "registration.code" : "recovery.code", "orgId": user.orgId, "userId": user.id,
            "username": user.username, purpose == .registration ? "registrationCode" : "recoveryCode": code,
            "expiresAt": ISO8601DateFormatter().string(from: expiresAt),
        ]
        if let setupBase, purpose == .registration {
            event["setupLink"] = SetupLink.url(base: setupBase, orgId: user.orgId, username: user.username, code: code)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = Array(try encoder.encode(event))
        let signature = secret.map { key in
            "sha256=" + Hex.encode(Array(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: key))))
        }
        return (body, signature)
    }

    /// Starts delivering the code in the background.
    func deliver(user: UserRecord, code: String, expiresAt: Date, purpose: Purpose = .registration) {
        let payload: (body: [UInt8], signature: String?)
        do {
            payload = try self.payload(for: user, code: code, expiresAt: expiresAt, purpose: purpose)
        } catch {
            return logger.error("registration webhook: could not encode the event for \(user.id)")
        }
        Task { await DeferredSingleUse.$current.withValue(nil) { await send(payload, userId: user.id, purpose: purpose) } }
    }

    private func send(_ payload: (body: [UInt8], signature: String?), userId: String, purpose: Purpose) async {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Signet registration webhook")
        if let signature = payload.signature { request.headers.add(name: "X-Signet-Signature", value: signature) }
        request.body = .bytes(ByteBuffer(bytes: payload.body))
        for attempt in 1...3 {
            do {
                let response = try await Self.client.execute(request, timeout: .seconds(5))
                if (200..<300).contains(response.status.code) {
                    return logger.info("registration webhook delivered", metadata: ["user": "\(userId)", "attempt": "\(attempt)"])
                }
                if (300..<400).contains(response.status.code) {
                    let status = response.status.code
                    return logger.error(
                        "registration webhook answered \(status), a redirect, which Signet does not follow; configure the final https URL",
                        metadata: ["user": "\(userId)"]
                    )
                }
                logger.warning("registration webhook answered \(response.status.code)", metadata: ["user": "\(userId)", "attempt": "\(attempt)"])
            } catch {
                logger.warning("registration webhook failed: \(type(of: error))", metadata: ["user": "\(userId)", "attempt": "\(attempt)"])
            }
            if attempt < 3 { try? await Task.sleep(for: .seconds(attempt)) }
        }
        logger.error(
            purpose == .registration
                ? "registration webhook gave up; the administrator has the code from the API answer"
                : "registration webhook gave up on a recovery code; the person can ask for another",
            metadata: ["user": "\(userId)"]
        )
    }
}
