/// The bot's application, from GET /applications/@me.
/// See https://discord.com/developers/docs/resources/application#application-object (`PrivateApplicationResponse`).
public struct Application: Sendable, Hashable, Codable {
    /// The application ID (needed for commands and interaction webhooks).
    public var id: ApplicationID
    /// Name.
    public var name: String
    /// Icon hash.
    public var icon: String?
    /// Description.
    public var description: String?
    /// Anyone can add the bot.
    public var botPublic: Bool?
    /// The bot user.
    public var bot: User?
    /// The owner (absent for team-owned apps).
    public var owner: User?
    /// Application flags.
    public var flags: Int?
    /// Approximate number of guilds the app is in.
    public var approximateGuildCount: Int?

    /// Creates an application (for tests and fakes).
    public init(id: ApplicationID, name: String, bot: User? = nil) {
        self.id = id
        self.name = name
        self.bot = bot
    }

    enum CodingKeys: String, CodingKey {
        case id, name, icon, description, bot, owner, flags
        case botPublic = "bot_public"
        case approximateGuildCount = "approximate_guild_count"
    }

    /// Decodes tolerantly: `id` is required.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(ApplicationID.self, forKey: .id)
        name = c.decodeOrNil(String.self, forKey: .name) ?? ""
        icon = c.decodeOrNil(String.self, forKey: .icon)
        description = c.decodeOrNil(String.self, forKey: .description)
        botPublic = c.decodeOrNil(Bool.self, forKey: .botPublic)
        bot = c.decodeOrNil(User.self, forKey: .bot)
        owner = c.decodeOrNil(User.self, forKey: .owner)
        flags = c.decodeOrNil(Int.self, forKey: .flags)
        approximateGuildCount = c.decodeOrNil(Int.self, forKey: .approximateGuildCount)
    }
}

/// GET /gateway/bot: where to connect and how many sessions may start.
/// See https://discord.com/developers/docs/events/gateway#get-gateway-bot (`GatewayBotResponse`).
public struct GatewayBotInfo: Sendable, Hashable, Codable {
    /// WebSocket URL, e.g. `wss://gateway.discord.gg`.
    public var url: String
    /// Recommended shard count.
    public var shards: Int
    /// Identify budget.
    public var sessionStartLimit: GatewaySessionStartLimit

    /// Creates gateway info (for tests and fakes).
    public init(url: String, shards: Int, sessionStartLimit: GatewaySessionStartLimit) {
        self.url = url
        self.shards = shards
        self.sessionStartLimit = sessionStartLimit
    }

    enum CodingKeys: String, CodingKey {
        case url, shards
        case sessionStartLimit = "session_start_limit"
    }
}
