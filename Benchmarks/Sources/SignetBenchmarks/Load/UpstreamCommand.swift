import ArgumentParser
import Hummingbird

/// `signet-bench upstream`: the smallest upstream there is, for the gateway benchmark: `GET /wallets`
/// answers a fixed Dfns-shaped list without checking anything, so what is measured is the gateway's
/// own cost, through it or around it.
struct UpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "upstream", abstract: "A minimal upstream for the gateway benchmark.")

    @Option(help: "Port to listen on (127.0.0.1).") var port: Int

    func run() async throws {
        let router = Router()
        let body = #"{"items":[{"id":"wa-bench-bench-0000000000000000","network":"Ethereum","status":"Active","custodial":true,"tags":[]}]}"#
        router.get("wallets") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.post("wallets") { request, _ in
            _ = try await request.body.collect(upTo: 65536)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"id":"wa-bench-bench-0000000000000001","network":"Ethereum"}"#))
            )
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }
}
