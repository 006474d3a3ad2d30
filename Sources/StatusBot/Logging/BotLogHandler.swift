import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A swift-log handler that writes one line per message with an ISO-8601 UTC timestamp, and scrubs any
/// registered secret from the text as a last line of defence (secrets are already `Secret`-typed everywhere).
public struct BotLogHandler: LogHandler {
    /// Where finished lines go.
    public typealias Sink = @Sendable (String) -> Void

    private let label: String
    private let sink: Sink
    private let secrets: LogSecrets
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    /// Creates a handler.
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - level: Minimum level.
    ///   - secrets: Values that must never be printed; each is replaced by `****`.
    ///   - sink: Receives each line (default: standard error).
    public init(label: String, level: Logger.Level, secrets: [String] = [], sink: @escaping Sink = Self.standardError) {
        self.init(label: label, level: level, secrets: LogSecrets(secrets), sink: sink)
    }

    /// Creates a handler whose secrets can grow (a reload adds a new panel's key).
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - level: Minimum level.
    ///   - secrets: The values to scrub, shared by every handler.
    ///   - sink: Receives each line (default: standard error).
    public init(label: String, level: Logger.Level, secrets: LogSecrets, sink: @escaping Sink = Self.standardError) {
        self.label = label
        self.logLevel = level
        self.secrets = secrets
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = "\(Self.timestamp()) \(event.level) \(label): \(event.message)"
        if !merged.isEmpty {
            line += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        for secret in secrets.values where line.contains(secret) {
            line = line.replacing(secret, with: "****")
        }
        sink(line)
    }

    /// Writes a line to standard error.
    public static let standardError: Sink = { line in
        var text = line + "\n"
        // write(2) on the descriptor avoids touching the C `stderr` global from concurrent code.
        text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    }

    /// `2026-12-01T21:04:05.123Z`
    static func timestamp() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let millis = Int32(spec.tv_nsec / 1_000_000)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(millis, 3))Z"
    }
}

/// The secret values every log line is scrubbed of, shared by all handlers so that a configuration reload can add
/// the keys of a new panel.
public final class LogSecrets: Sendable {
    private let stored: Mutex<[String]>

    /// Creates the set.
    /// - Parameter values: The secrets known at start-up.
    public init(_ values: [String] = []) {
        stored = Mutex(Self.scrubbable(values))
    }

    /// The values to scrub.
    public var values: [String] { stored.withLock { $0 } }

    /// Adds values (duplicates are kept once).
    /// - Parameter values: More secrets.
    public func add(_ values: [String]) {
        stored.withLock { stored in
            for value in Self.scrubbable(values) where !stored.contains(value) { stored.append(value) }
        }
    }

    /// Short values would scrub ordinary words; real tokens and keys are long.
    private static func scrubbable(_ values: [String]) -> [String] { values.filter { $0.count >= 8 } }
}
