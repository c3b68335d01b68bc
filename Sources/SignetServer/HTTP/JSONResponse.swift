import FoundationEssentials
import Hummingbird

/// A JSON body with a status, encoded with Signet's wire coders.
struct JSONResponse<Value: Encodable & Sendable>: ResponseGenerator {
    let value: Value
    var status: HTTPResponse.Status = .ok

    init(_ value: Value, status: HTTPResponse.Status = .ok) {
        self.value = value
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try context.responseEncoder.encode(value, from: request, context: context)
        response.status = status
        return response
    }
}

/// A JSON body that is already encoded, such as one served from ``AuthorizationCache``.
struct EncodedJSONResponse: ResponseGenerator {
    let body: ByteBuffer

    /// Encodes `value` with the wire encoder every response uses.
    static func encode(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(bytes: try SignetRequestContext.encoder.encode(value))
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(body.readableBytes)],
            body: .init(byteBuffer: body)
        )
    }
}
