import Foundation
package import NIOSSL

/// HTTPS on the API's listener (`signet serve --tls-cert FILE --tls-key FILE`): the certificate
/// chain and its private key, PEM, checked to belong together when loaded, so a mistake is a
/// message at start rather than a failed handshake later. TLS 1.2 at least. When serving TLS,
/// every answer carries `Strict-Transport-Security` (``ResponseHeadersMiddleware``).
package struct ServerTLS: Sendable {
    package let configuration: TLSConfiguration

    /// Why the files were refused, naming the flag and the file.
    package struct LoadError: Error, CustomStringConvertible {
        package let description: String
    }

    package init(certificateFile: String, keyFile: String) throws(LoadError) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw LoadError(description: "--tls-cert \(certificateFile): not a readable PEM certificate (\(error))")
        }
        guard !chain.isEmpty else { throw LoadError(description: "--tls-cert \(certificateFile): holds no PEM certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw LoadError(description: "--tls-key \(keyFile): not a readable PEM private key (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw LoadError(description: "--tls-key \(keyFile) does not belong to the certificate in --tls-cert \(certificateFile) (\(error))")
        }
        self.configuration = configuration
    }
}
