import Logging
import Synchronization

/// Collects log events of component targets (which log at trace and debug) with their level, message and
/// metadata, so a test can count warnings or search a line for a leaked secret.
public final class LevelLogCapture: Sendable {
    private struct Line {
        var level: Logger.Level
        var message: String
        var metadata: String
    }

    private let lines = Mutex<[Line]>([])

    /// Creates an empty capture.
    public init() {}

    /// Every line as `level message key=value …`.
    public var all: [String] {
        lines.withLock { $0.map { "\($0.level) \($0.message) \($0.metadata)" } }
    }

    /// The messages logged at `level`.
    public func messages(at level: Logger.Level) -> [String] {
        lines.withLock { $0.filter { $0.level == level }.map(\.message) }
    }

    /// A logger at trace level writing here.
    public func logger(label: String = "test") -> Logger {
        var logger = Logger(label: label) { _ in
            ForwardingLogHandler { [self] level, message, metadata in
                let text = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                lines.withLock { $0.append(Line(level: level, message: message, metadata: text)) }
            }
        }
        logger.logLevel = .trace
        return logger
    }
}
