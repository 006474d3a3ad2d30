/// What a ``FakeGatewayServer`` has seen so far.
public struct FakeGatewayRecords: Sendable {
    /// Every WebSocket connection, in order.
    public var connections: [FakeGatewayConnectionInfo] = []
    /// Every IDENTIFY.
    public var identifies: [FakeGatewayIdentify] = []
    /// Every RESUME.
    public var resumes: [FakeGatewayResume] = []
    /// Every heartbeat (op 1 from the client).
    public var heartbeats: [FakeGatewayHeartbeat] = []
    /// Activity names of every presence update (op 3).
    public var presenceUpdates: [[String]] = []
    /// Every close frame the client sent.
    public var clientCloses: [FakeGatewayClose] = []
    /// Opcodes of other client payloads.
    public var otherOpcodes: [Int] = []
    /// Client payloads that were not JSON with an `op`.
    public var malformedPayloads = 0
    /// TCP connections whose upgrade request the fake left unanswered (``FakeGatewayServer/Configuration/unansweredUpgrades``).
    public var unansweredUpgrades = 0
    /// Unanswered connections the client closed (gave up on).
    public var abandonedUpgrades = 0
    /// Connections whose TCP socket has closed.
    public var endedConnections = 0

    /// Creates empty records.
    public init() {}
}

/// A WebSocket connection the fake accepted.
public struct FakeGatewayConnectionInfo: Sendable, Hashable {
    /// 1 for the first connection.
    public var id: Int
    /// The request path (`/gateway` or `/resume`).
    public var path: String
    /// The query string, e.g. `v=10&encoding=json`.
    public var query: String
    /// Whether the client asked for `compress=zlib-stream`.
    public var compressed: Bool
}

/// An IDENTIFY the fake received. The token is a test token; tests compare it, never print it.
public struct FakeGatewayIdentify: Sendable {
    /// The token sent.
    public var token: String
    /// The intents bit field.
    public var intents: UInt64
    /// `properties.os`.
    public var os: String
    /// `properties.browser`.
    public var browser: String
    /// `properties.device`.
    public var device: String
    /// Activity names of the presence sent, if any.
    public var presenceActivities: [String]?
    /// When it arrived.
    public var at: ContinuousClock.Instant
    /// The connection it arrived on.
    public var connection: Int
}

/// A RESUME the fake received.
public struct FakeGatewayResume: Sendable {
    /// The token sent.
    public var token: String
    /// `session_id`.
    public var sessionID: String
    /// `seq`.
    public var sequence: Int?
    /// When it arrived.
    public var at: ContinuousClock.Instant
    /// The connection it arrived on.
    public var connection: Int
}

/// A heartbeat the fake received.
public struct FakeGatewayHeartbeat: Sendable {
    /// The sequence number sent (`d`).
    public var sequence: Int?
    /// When it arrived.
    public var at: ContinuousClock.Instant
    /// The connection it arrived on.
    public var connection: Int
}

/// A close frame the client sent.
public struct FakeGatewayClose: Sendable, Hashable {
    /// The connection.
    public var connection: Int
    /// The close code, if any.
    public var code: UInt16?
    /// Whether it answered a close the server sent first.
    public var answeringServerClose: Bool
}

/// Errors of ``FakeGatewayServer``.
public enum FakeGatewayError: Error, CustomStringConvertible {
    /// The server is not bound yet.
    case notStarted
    /// No client is connected.
    case noConnection
    /// No session exists (no READY sent yet, or it was invalidated).
    case noSession
    /// A wait did not complete in time.
    case timedOut(String)
    /// The server was shut down while waiting.
    case shutDown

    /// A readable description.
    public var description: String {
        switch self {
        case .notStarted: "fake gateway not started"
        case .noConnection: "fake gateway: no client connected"
        case .noSession: "fake gateway: no session"
        case .timedOut(let what): "fake gateway: timed out waiting for \(what)"
        case .shutDown: "fake gateway shut down"
        }
    }
}
