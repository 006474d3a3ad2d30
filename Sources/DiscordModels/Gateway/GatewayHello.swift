/// The `d` of op 10 HELLO: how often to heartbeat.
///
/// See https://discord.com/developers/docs/events/gateway-events#hello
public struct GatewayHello: Sendable, Hashable, Codable {
    /// The heartbeat interval in milliseconds.
    public var heartbeatIntervalMilliseconds: Int

    /// The heartbeat interval as a duration.
    public var heartbeatInterval: Duration { .milliseconds(self.heartbeatIntervalMilliseconds) }

    /// Creates a HELLO payload.
    /// - Parameter heartbeatIntervalMilliseconds: the interval in milliseconds.
    public init(heartbeatIntervalMilliseconds: Int) {
        self.heartbeatIntervalMilliseconds = heartbeatIntervalMilliseconds
    }

    private enum CodingKeys: String, CodingKey {
        case heartbeatIntervalMilliseconds = "heartbeat_interval"
    }
}
