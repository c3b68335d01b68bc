import Foundation
package import Logging

/// `signet serve --log-format json`: one JSON object per line on standard error, for log shippers:
/// `time` (ISO 8601, UTC), `level`, `label`, `message`, and every metadata key (nested metadata as
/// strings). The same lines as the text format, so no secret reaches either.
package struct JSONLogHandler: LogHandler {
    let label: String
    package var logLevel: Logger.Level = .info
    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider?

    /// Where each line goes (standard error; tests capture it).
    let write: @Sendable ([UInt8]) -> Void

    package init(label: String, write: @escaping @Sendable ([UInt8]) -> Void = { FileHandle.standardError.write(Data($0)) }) {
        self.label = label
        self.write = write
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata.merging(metadataProvider?.get() ?? [:], uniquingKeysWith: { $1 }).merging(
            event.metadata ?? [:],
            uniquingKeysWith: { $1 }
        ) {
            fields[key] = "\(value)"
        }
        fields["time"] = ISO8601DateFormatter().string(from: Date())
        fields["level"] = event.level.rawValue
        fields["label"] = label
        fields["message"] = "\(event.message)"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let line = try? encoder.encode(fields) else { return }
        write(Array(line) + [UInt8(ascii: "\n")])
    }
}
