/// A WebSocket close code used by the Discord gateway (4000–4014), or any other code as ``unknown(_:)``.
///
/// See https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes
public enum GatewayCloseCode: Sendable, Hashable, CustomStringConvertible {
    /// 4000: unknown error; reconnect and resume.
    case unknownError
    /// 4001: we sent an invalid opcode.
    case unknownOpcode
    /// 4002: we sent an invalid payload.
    case decodeError
    /// 4003: we sent a payload before identifying.
    case notAuthenticated
    /// 4004: the token is invalid. Fatal.
    case authenticationFailed
    /// 4005: we identified twice.
    case alreadyAuthenticated
    /// 4007: the resume sequence was invalid; identify anew.
    case invalidSequence
    /// 4008: we sent payloads too fast.
    case rateLimited
    /// 4009: the session timed out; identify anew.
    case sessionTimedOut
    /// 4010: invalid shard. Fatal.
    case invalidShard
    /// 4011: sharding is required. Fatal.
    case shardingRequired
    /// 4012: invalid gateway API version. Fatal.
    case invalidAPIVersion
    /// 4013: invalid intents. Fatal.
    case invalidIntents
    /// 4014: an intent is not enabled or not approved for this bot. Fatal.
    case disallowedIntents
    /// Any other close code (1000, 1001, 1006, …).
    case unknown(UInt16)

    /// Creates the close code for a raw value.
    /// - Parameter rawValue: the WebSocket close code.
    public init(rawValue: UInt16) {
        switch rawValue {
        case 4000: self = .unknownError
        case 4001: self = .unknownOpcode
        case 4002: self = .decodeError
        case 4003: self = .notAuthenticated
        case 4004: self = .authenticationFailed
        case 4005: self = .alreadyAuthenticated
        case 4007: self = .invalidSequence
        case 4008: self = .rateLimited
        case 4009: self = .sessionTimedOut
        case 4010: self = .invalidShard
        case 4011: self = .shardingRequired
        case 4012: self = .invalidAPIVersion
        case 4013: self = .invalidIntents
        case 4014: self = .disallowedIntents
        default: self = .unknown(rawValue)
        }
    }

    /// The numeric WebSocket close code.
    public var rawValue: UInt16 {
        switch self {
        case .unknownError: 4000
        case .unknownOpcode: 4001
        case .decodeError: 4002
        case .notAuthenticated: 4003
        case .authenticationFailed: 4004
        case .alreadyAuthenticated: 4005
        case .invalidSequence: 4007
        case .rateLimited: 4008
        case .sessionTimedOut: 4009
        case .invalidShard: 4010
        case .shardingRequired: 4011
        case .invalidAPIVersion: 4012
        case .invalidIntents: 4013
        case .disallowedIntents: 4014
        case .unknown(let value): value
        }
    }

    /// What the connection should do after the gateway closed with this code.
    public enum Recovery: Sendable, Hashable {
        /// Reconnect and RESUME the session (with backoff).
        case resume
        /// Reconnect and IDENTIFY a new session.
        case identify
        /// Stop: retrying cannot help until the configuration is fixed.
        case fatal
    }

    /// The single place that decides between resume, re-identify and stop.
    public var recovery: Recovery {
        switch self {
        case .authenticationFailed, .invalidShard, .shardingRequired, .invalidAPIVersion, .invalidIntents,
            .disallowedIntents:
            .fatal
        case .invalidSequence, .sessionTimedOut:
            .identify
        default:
            .resume
        }
    }

    /// A message for the operator that says what went wrong and what to fix. Contains no secret.
    /// - Parameter intents: the intents the bot identified with (named in the 4013/4014 messages).
    /// - Returns: one or two sentences.
    public func explanation(intents: GatewayIntents) -> String {
        switch self {
        case .authenticationFailed:
            return "Authentication failed (4004): the bot token is invalid or was reset. "
                + "Copy a new token from the Developer Portal → Bot → Token into the configuration."
        case .invalidShard:
            return "Invalid shard (4010): the gateway rejected the shard sent in IDENTIFY. "
                + "This bot runs a single shard; check that no shard setting is configured."
        case .shardingRequired:
            return "Sharding required (4011): the bot is in too many guilds for one gateway connection, "
                + "and this bot does not support sharding."
        case .invalidAPIVersion:
            return "Invalid API version (4012): the gateway no longer accepts v=10; update the bot."
        case .invalidIntents:
            return "Invalid intents (4013): the intents value \(intents.rawValue) (\(intents)) is not valid. "
                + "The bot only needs GUILDS (1)."
        case .disallowedIntents:
            let privileged = intents.intersection(.privileged).privilegedPortalNames
            if privileged.isEmpty {
                return "Disallowed intents (4014): the gateway refused \(intents), which contains no privileged "
                    + "intent. Check the application in the Developer Portal → Bot → Privileged Gateway Intents."
            }
            return "Disallowed intents (4014): enable \(privileged.joined(separator: ", ")) in the Developer Portal "
                + "→ Bot → Privileged Gateway Intents, or stop requesting it; the bot only needs GUILDS."
        default:
            return "Gateway closed with code \(self.rawValue)."
        }
    }

    /// The numeric code and name, for logs.
    public var description: String {
        switch self {
        case .unknown(let value): "\(value)"
        default: "\(self.rawValue) (\(String(describing: self.name)))"
        }
    }

    private var name: String {
        switch self {
        case .unknownError: "unknown error"
        case .unknownOpcode: "unknown opcode"
        case .decodeError: "decode error"
        case .notAuthenticated: "not authenticated"
        case .authenticationFailed: "authentication failed"
        case .alreadyAuthenticated: "already authenticated"
        case .invalidSequence: "invalid seq"
        case .rateLimited: "rate limited"
        case .sessionTimedOut: "session timed out"
        case .invalidShard: "invalid shard"
        case .shardingRequired: "sharding required"
        case .invalidAPIVersion: "invalid API version"
        case .invalidIntents: "invalid intents"
        case .disallowedIntents: "disallowed intents"
        case .unknown: "other"
        }
    }
}
