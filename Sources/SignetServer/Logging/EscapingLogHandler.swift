import Foundation
package import Logging
import SignetCore

/// Wraps the log handler in use so that no log line carries a raw control character: the message,
/// every metadata value (nested ones too), an attached error and the handler's own metadata are
/// written with ``escaped(_:)`` (`\u{1B}` for ESC, `\u{A}` for a newline, and `\\` for a backslash,
/// so no one can write text that looks like an escaped newline). A request can put anything in a
/// field name, a value or a header; none of it can forge a line or drive a terminal.
package struct EscapingLogHandler: LogHandler {
    private var inner: any LogHandler
    /// The handler's own metadata and provider, kept as given and escaped when a line is written:
    /// Hummingbird sets metadata on every request, and most requests write no line.
    private var own: Logger.Metadata = [:]
    private var provider: Logger.MetadataProvider?

    package init(_ inner: any LogHandler) { self.inner = inner }

    package var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    package var metadata: Logger.Metadata {
        get { own }
        set { own = newValue }
    }

    package var metadataProvider: Logger.MetadataProvider? {
        get { provider }
        set { provider = newValue }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { own[key] }
        set { own[key] = newValue }
    }

    /// Writes the line with every part escaped; metadata merged as swift-log's handlers do (the
    /// handler's own, then the provider's, then the line's, each later one winning).
    package func log(event: LogEvent) {
        var event = event
        event.message = "\(Self.escaped(event.message.description))"
        var merged = own
        if let provided = provider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        var metadata = Self.escaped(merged)
        if let error = event.error {
            metadata["error"] = .string(Self.escaped(String(describing: error)))
            event.error = nil
        }
        event.metadata = metadata.isEmpty ? nil : metadata
        inner.log(event: event)
    }

    /// `text` with backslashes doubled and every forbidden scalar written as `\u{…}`.
    static func escaped(_ text: String) -> String {
        // Searched as bytes: Foundation's `contains` would bridge the text to an NSString.
        TextRules.escaped(text.utf8.contains(UInt8(ascii: "\\")) ? text.replacingOccurrences(of: "\\", with: "\\\\") : text)
    }

    static func escaped(_ metadata: Logger.Metadata) -> Logger.Metadata {
        var result: Logger.Metadata = [:]
        for (key, value) in metadata { result[escaped(key)] = escaped(value) }
        return result
    }

    static func escaped(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(escaped(text))
        case .stringConvertible(let item): .string(escaped(item.description))
        case .dictionary(let entries): .dictionary(escaped(entries))
        case .array(let items): .array(items.map(escaped))
        }
    }
}
