import Logging
import StatusBot
import Synchronization

/// Collects log lines in memory, for tests that assert what was (and was not) logged.
public final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// Creates an empty capture.
    public init() {}

    /// A sink for ``BotLogHandler``.
    public var sink: BotLogHandler.Sink { { [self] line in lines.withLock { $0.append(line) } } }

    /// Everything captured so far.
    public var captured: [String] { lines.withLock { $0 } }

    /// A logger writing into this capture.
    public func logger(label: String = "test", level: Logger.Level = .trace, secrets: [String] = []) -> Logger {
        let sink = self.sink
        return Logger(label: label) { label in
            BotLogHandler(label: label, level: level, secrets: secrets, sink: sink)
        }
    }
}
