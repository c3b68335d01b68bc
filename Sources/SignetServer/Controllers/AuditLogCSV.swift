import Foundation
import HTTPTypes
package import Hummingbird
import SignetAPI

/// `GET /auth/action/logs` as CSV, for people who open the log in a spreadsheet.
///
/// Dfns documents the audit log as a CSV download; the Dfns SDKs read it as JSON and send
/// `Accept: */*` (Python's httpx) or nothing of the kind. So Signet answers JSON unless the caller
/// asks for CSV (`Accept: text/csv` preferred to `application/json`, or `?format=csv`): every SDK
/// keeps working, and a browser or `curl -H 'Accept: text/csv'` gets the file.
package struct AuditLogCSV: ResponseGenerator {
    let entries: [AuditLog]

    /// The header row's names, in order.
    package static let columns = [
        "id", "datePerformed", "dateSigned", "userId", "username", "tokenId", "tokenKind", "httpMethod", "httpPath",
        "responseStatus", "payloadDigest", "credentialId", "credentialKind",
    ]

    /// Whether the request asks for CSV.
    static func wanted(_ request: Request) -> Bool {
        if let format = request.uri.queryParameters.get("format") { return format.lowercased() == "csv" }
        var csv = 0.0
        var json = 0.0
        var csvFirst = false
        for range in request.headers[values: .accept].flatMap({ $0.split(separator: ",") }) {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            switch parts.first {
            case "text/csv":
                if json == 0 && quality > 0 { csvFirst = true }
                csv = max(csv, quality)
            case "application/json": json = max(json, quality)
            default: break
            }
        }
        return csv > 0 && (csv > json || (csv == json && csvFirst))
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        var text = Self.columns.joined(separator: ",") + "\r\n"
        let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for entry in entries {
            let cells: [String?] = [
                entry.id, entry.datePerformed?.formatted(format), entry.dateSigned.formatted(format), entry.userId, entry.username,
                entry.tokenId, entry.tokenKind.rawValue, entry.httpMethod, entry.httpPath, entry.responseStatus.map(String.init),
                entry.payloadDigest, entry.firstFactorCredential.id, entry.firstFactorCredential.kind?.rawValue,
            ]
            text += cells.map { Self.cell($0 ?? "") }.joined(separator: ",") + "\r\n"
        }
        let body = ByteBuffer(string: text)
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentLength: String(body.readableBytes),
                .contentDisposition: "attachment; filename=\"audit-log.csv\"",
            ],
            body: .init(byteBuffer: body)
        )
    }

    /// RFC 4180 quoting; a cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR)
    /// gets a leading `'`, so a path or a username cannot become one.
    package static func cell(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
