import Logging

/// Hands each log event, with the logger's metadata merged in, to a closure: what a test capture builds on.
public struct ForwardingLogHandler: LogHandler {
    /// Receives one event: its level, message and metadata.
    public typealias Receive = @Sendable (Logger.Level, String, Logger.Metadata) -> Void

    private let receive: Receive
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    /// Creates a handler at trace level.
    /// - Parameter receive: Called for each event.
    public init(_ receive: @escaping Receive) {
        self.receive = receive
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        receive(event.level, "\(event.message)", metadata.merging(event.metadata ?? [:]) { $1 })
    }
}
