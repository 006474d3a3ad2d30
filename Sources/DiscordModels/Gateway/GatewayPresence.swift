/// The bot's presence: status and activities, sent in IDENTIFY and in op 3 PRESENCE_UPDATE.
///
/// See https://discord.com/developers/docs/events/gateway-events#update-presence
public struct GatewayPresenceUpdate: Sendable, Hashable, Codable {
    /// Unix time in milliseconds since the client went idle, or nil.
    public var since: Int?
    /// The activities shown (bots may show one).
    public var activities: [GatewayActivity]
    /// The online status.
    public var status: GatewayStatus
    /// Whether the client is AFK.
    public var afk: Bool

    /// Creates a presence.
    /// - Parameters:
    ///   - activities: the activities to show.
    ///   - status: the online status (default online).
    ///   - since: idle-since time in milliseconds, or nil.
    ///   - afk: whether the client is AFK.
    public init(
        activities: [GatewayActivity],
        status: GatewayStatus = .online,
        since: Int? = nil,
        afk: Bool = false
    ) {
        self.since = since
        self.activities = activities
        self.status = status
        self.afk = afk
    }

    /// The presence "Watching N servers", online.
    /// - Parameter serverCount: the number of game servers shown.
    /// - Returns: the presence.
    public static func watching(serverCount: Int) -> GatewayPresenceUpdate {
        let noun = serverCount == 1 ? "server" : "servers"
        return GatewayPresenceUpdate(activities: [GatewayActivity(name: "\(serverCount) \(noun)", type: .watching)])
    }

    private enum CodingKeys: String, CodingKey {
        case since, activities, status, afk
    }

    /// Encodes all four fields; `since` is written as `null` when nil, as Discord requires.
    /// - Throws: `EncodingError` from the encoder.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.since, forKey: .since)
        try container.encode(self.activities, forKey: .activities)
        try container.encode(self.status, forKey: .status)
        try container.encode(self.afk, forKey: .afk)
    }

    /// Decodes a presence, tolerating missing optional fields.
    /// - Throws: `DecodingError` if `activities` or `status` is malformed.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.since = try? container.decodeIfPresent(Int.self, forKey: .since)
        self.activities = try container.decodeIfPresent([GatewayActivity].self, forKey: .activities) ?? []
        self.status = try container.decodeIfPresent(GatewayStatus.self, forKey: .status) ?? .online
        self.afk = (try? container.decodeIfPresent(Bool.self, forKey: .afk)) ?? false
    }
}

/// An online status. Unknown values decode to ``unknown(_:)``.
public enum GatewayStatus: TolerantEnum {
    /// online
    case online
    /// dnd
    case doNotDisturb
    /// idle
    case idle
    /// invisible
    case invisible
    /// offline
    case offline
    /// Any other value.
    case unknown(String)

    /// The wire string.
    public var rawValue: String {
        switch self {
        case .online: "online"
        case .doNotDisturb: "dnd"
        case .idle: "idle"
        case .invisible: "invisible"
        case .offline: "offline"
        case .unknown(let value): value
        }
    }

    /// Creates the status for a wire string.
    /// - Parameter rawValue: the wire string.
    public init(rawValue: String) {
        switch rawValue {
        case "online": self = .online
        case "dnd": self = .doNotDisturb
        case "idle": self = .idle
        case "invisible": self = .invisible
        case "offline": self = .offline
        default: self = .unknown(rawValue)
        }
    }
}

/// An activity shown in a presence, such as "Watching 3 servers".
///
/// See https://discord.com/developers/docs/events/gateway-events#activity-object
public struct GatewayActivity: Sendable, Hashable, Codable {
    /// The activity name (for `.watching`, what is watched).
    public var name: String
    /// The activity type.
    public var type: Kind
    /// The user's current party status or custom status text, if any.
    public var state: String?

    /// Creates an activity.
    /// - Parameters:
    ///   - name: the activity name.
    ///   - type: the activity type.
    ///   - state: optional status text.
    public init(name: String, type: Kind, state: String? = nil) {
        self.name = name
        self.type = type
        self.state = state
    }

    /// An activity type. Unknown values decode to ``unknown(_:)``.
    public enum Kind: TolerantEnum {
        /// 0: Playing {name}
        case playing
        /// 1: Streaming {details}
        case streaming
        /// 2: Listening to {name}
        case listening
        /// 3: Watching {name}
        case watching
        /// 4: {emoji} {state}
        case custom
        /// 5: Competing in {name}
        case competing
        /// Any other value.
        case unknown(Int)

        /// The wire integer.
        public var rawValue: Int {
            switch self {
            case .playing: 0
            case .streaming: 1
            case .listening: 2
            case .watching: 3
            case .custom: 4
            case .competing: 5
            case .unknown(let value): value
            }
        }

        /// Creates the type for a wire integer.
        /// - Parameter rawValue: the wire integer.
        public init(rawValue: Int) {
            switch rawValue {
            case 0: self = .playing
            case 1: self = .streaming
            case 2: self = .listening
            case 3: self = .watching
            case 4: self = .custom
            case 5: self = .competing
            default: self = .unknown(rawValue)
            }
        }
    }
}
