import AsyncHTTPClient
import HTTPTypes
import NIOCore
import NIOHTTP1

extension GatewayForwarder {
    /// Sends the request and waits for the upstream's answer (and for the whole body to have been
    /// sent or refused), recording the upstream's status and time in the metrics.
    func exchange(
        _ outgoing: HTTPClientRequest,
        with upstream: GatewayConfiguration.Upstream,
        feeder: Task<Void, any Error>?
    ) async throws -> HTTPClientResponse {
        let started = ContinuousClock.now
        do {
            let answer = try await client.execute(outgoing, timeout: .milliseconds(Int64(upstream.timeout * 1000)))
            try await feeder?.value  // the whole body read (or its refusal) before answering
            SignetMetrics.upstream(upstream.name, status: String(answer.status.code), took: ContinuousClock.now - started)
            return answer
        } catch {
            // The body's own refusal (413) comes first; then the upstream's failure.
            if let feeder, case .failure(let refusal as APIError) = await feeder.result { throw refusal }
            let failure = Self.upstreamFailure(error, upstream)
            SignetMetrics.upstream(
                upstream.name,
                status: failure.status == .gatewayTimeout ? "timeout" : "unreachable",
                took: ContinuousClock.now - started
            )
            throw failure
        }
    }
}
