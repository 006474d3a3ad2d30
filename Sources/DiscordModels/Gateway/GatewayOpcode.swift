/// A gateway opcode, the `op` field of every gateway payload.
///
/// Unknown values decode to ``unknown(_:)`` instead of failing, so a new opcode never breaks the connection.
/// See https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-opcodes
public enum GatewayOpcode: TolerantEnum, CustomStringConvertible {
    /// 0: an event was dispatched (receive).
    case dispatch
    /// 1: heartbeat (send), or a request from Discord to send one at once (receive).
    case heartbeat
    /// 2: start a new session (send).
    case identify
    /// 3: update the bot's presence (send).
    case presenceUpdate
    /// 4: join, leave or move between voice channels (send).
    case voiceStateUpdate
    /// 6: resume a previous session (send).
    case resume
    /// 7: reconnect and resume immediately (receive).
    case reconnect
    /// 8: request guild members (send).
    case requestGuildMembers
    /// 9: the session has been invalidated (receive).
    case invalidSession
    /// 10: sent right after connecting; carries the heartbeat interval (receive).
    case hello
    /// 11: acknowledges a heartbeat (receive).
    case heartbeatAck
    /// An opcode this version does not know.
    case unknown(Int)

    /// Creates the opcode for a raw wire value.
    /// - Parameter rawValue: the integer sent on the wire.
    public init(rawValue: Int) {
        switch rawValue {
        case 0: self = .dispatch
        case 1: self = .heartbeat
        case 2: self = .identify
        case 3: self = .presenceUpdate
        case 4: self = .voiceStateUpdate
        case 6: self = .resume
        case 7: self = .reconnect
        case 8: self = .requestGuildMembers
        case 9: self = .invalidSession
        case 10: self = .hello
        case 11: self = .heartbeatAck
        default: self = .unknown(rawValue)
        }
    }

    /// The integer sent on the wire.
    public var rawValue: Int {
        switch self {
        case .dispatch: 0
        case .heartbeat: 1
        case .identify: 2
        case .presenceUpdate: 3
        case .voiceStateUpdate: 4
        case .resume: 6
        case .reconnect: 7
        case .requestGuildMembers: 8
        case .invalidSession: 9
        case .hello: 10
        case .heartbeatAck: 11
        case .unknown(let value): value
        }
    }

    /// The opcode number and name, for logs.
    public var description: String {
        switch self {
        case .unknown(let value): "op \(value) (unknown)"
        default: "op \(self.rawValue) (\(String(describing: self.name)))"
        }
    }

    private var name: String {
        switch self {
        case .dispatch: "dispatch"
        case .heartbeat: "heartbeat"
        case .identify: "identify"
        case .presenceUpdate: "presence update"
        case .voiceStateUpdate: "voice state update"
        case .resume: "resume"
        case .reconnect: "reconnect"
        case .requestGuildMembers: "request guild members"
        case .invalidSession: "invalid session"
        case .hello: "hello"
        case .heartbeatAck: "heartbeat ack"
        case .unknown: "unknown"
        }
    }
}
