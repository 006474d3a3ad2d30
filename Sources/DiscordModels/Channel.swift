/// A channel type. See https://discord.com/developers/docs/resources/channel#channel-object-channel-types
public enum ChannelType: TolerantEnum {
    /// A text channel in a guild.
    case guildText
    /// A direct message.
    case dm
    /// A voice channel.
    case guildVoice
    /// A group DM.
    case groupDM
    /// A category.
    case guildCategory
    /// An announcement channel.
    case guildAnnouncement
    /// A thread in an announcement channel.
    case announcementThread
    /// A public thread.
    case publicThread
    /// A private thread.
    case privateThread
    /// A stage channel.
    case guildStageVoice
    /// A hub directory.
    case guildDirectory
    /// A forum channel.
    case guildForum
    /// A media channel.
    case guildMedia
    /// A type this code does not know.
    case unknown(Int)

    /// Maps the wire value.
    public init(rawValue: Int) {
        switch rawValue {
        case 0: self = .guildText
        case 1: self = .dm
        case 2: self = .guildVoice
        case 3: self = .groupDM
        case 4: self = .guildCategory
        case 5: self = .guildAnnouncement
        case 10: self = .announcementThread
        case 11: self = .publicThread
        case 12: self = .privateThread
        case 13: self = .guildStageVoice
        case 14: self = .guildDirectory
        case 15: self = .guildForum
        case 16: self = .guildMedia
        default: self = .unknown(rawValue)
        }
    }

    /// The wire value.
    public var rawValue: Int {
        switch self {
        case .guildText: 0
        case .dm: 1
        case .guildVoice: 2
        case .groupDM: 3
        case .guildCategory: 4
        case .guildAnnouncement: 5
        case .announcementThread: 10
        case .publicThread: 11
        case .privateThread: 12
        case .guildStageVoice: 13
        case .guildDirectory: 14
        case .guildForum: 15
        case .guildMedia: 16
        case .unknown(let raw): raw
        }
    }
}

/// A channel, or the partial channel carried by an interaction.
/// See https://discord.com/developers/docs/resources/channel#channel-object
public struct Channel: Sendable, Hashable, Codable {
    /// The channel ID.
    public var id: ChannelID
    /// The channel type.
    public var type: ChannelType
    /// The guild, for guild channels (often absent inside GUILD_CREATE, where it is implied).
    public var guildID: GuildID?
    /// The channel name.
    public var name: String?
    /// Sort position.
    public var position: Int?
    /// Parent category or thread parent.
    public var parentID: ChannelID?
    /// Topic.
    public var topic: String?
    /// The bot's computed permissions in this channel (interaction payloads only).
    public var permissions: Permissions?

    /// Creates a channel (mostly for tests and fakes).
    public init(id: ChannelID, type: ChannelType = .guildText, guildID: GuildID? = nil, name: String? = nil) {
        self.id = id
        self.type = type
        self.guildID = guildID
        self.name = name
    }

    enum CodingKeys: String, CodingKey {
        case id, type, name, position, topic, permissions
        case guildID = "guild_id"
        case parentID = "parent_id"
    }

    /// Decodes tolerantly: `id` is required, `type` defaults to `.unknown(-1)` when missing.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(ChannelID.self, forKey: .id)
        type = c.decodeOrNil(ChannelType.self, forKey: .type) ?? .unknown(-1)
        guildID = c.decodeOrNil(GuildID.self, forKey: .guildID)
        name = c.decodeOrNil(String.self, forKey: .name)
        position = c.decodeOrNil(Int.self, forKey: .position)
        parentID = c.decodeOrNil(ChannelID.self, forKey: .parentID)
        topic = c.decodeOrNil(String.self, forKey: .topic)
        permissions = c.decodeOrNil(Permissions.self, forKey: .permissions)
    }
}
