/// A role in a guild.
/// See https://discord.com/developers/docs/topics/permissions#role-object (`GuildRoleResponse`).
public struct Role: Sendable, Hashable, Codable {
    /// The role's ID (equal to the guild ID for `@everyone`).
    public var id: RoleID
    /// The role name.
    public var name: String
    /// Integer RGB colour (0 = none).
    public var color: Int?
    /// Shown separately in the member list.
    public var hoist: Bool?
    /// Sort position.
    public var position: Int?
    /// Permission bitfield.
    public var permissions: Permissions?
    /// Managed by an integration.
    public var managed: Bool?
    /// Mentionable by everyone.
    public var mentionable: Bool?
    /// Role flags bitfield.
    public var flags: Int?

    /// Creates a role (mostly for tests and fakes).
    public init(id: RoleID, name: String, position: Int? = nil, permissions: Permissions? = nil) {
        self.id = id
        self.name = name
        self.position = position
        self.permissions = permissions
    }

    enum CodingKeys: String, CodingKey {
        case id, name, color, hoist, position, permissions, managed, mentionable, flags
    }

    /// Decodes tolerantly: only `id` is required.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(RoleID.self, forKey: .id)
        name = c.decodeOrNil(String.self, forKey: .name) ?? ""
        color = c.decodeOrNil(Int.self, forKey: .color)
        hoist = c.decodeOrNil(Bool.self, forKey: .hoist)
        position = c.decodeOrNil(Int.self, forKey: .position)
        permissions = c.decodeOrNil(Permissions.self, forKey: .permissions)
        managed = c.decodeOrNil(Bool.self, forKey: .managed)
        mentionable = c.decodeOrNil(Bool.self, forKey: .mentionable)
        flags = c.decodeOrNil(Int.self, forKey: .flags)
    }
}

/// A guild (server), as in GET /guilds/{id} or the gateway's GUILD_CREATE `d`.
/// See https://discord.com/developers/docs/resources/guild#guild-object (`GuildResponse`).
public struct Guild: Sendable, Hashable, Codable {
    /// The guild ID.
    public var id: GuildID
    /// The guild name (empty when the guild is unavailable).
    public var name: String
    /// Icon hash.
    public var icon: String?
    /// Owner's user ID.
    public var ownerID: UserID?
    /// The guild's roles.
    public var roles: [Role]
    /// `true` during an outage (GUILD_CREATE for an unavailable guild carries only `id` and this flag).
    public var unavailable: Bool?
    /// Member count (GUILD_CREATE only).
    public var memberCount: Int?
    /// Preferred locale, e.g. `en-US`.
    public var preferredLocale: String?
    /// Channels (GUILD_CREATE only).
    public var channels: [Channel]?

    /// Creates a guild (mostly for tests and fakes).
    public init(id: GuildID, name: String, roles: [Role] = [], ownerID: UserID? = nil, channels: [Channel]? = nil) {
        self.id = id
        self.name = name
        self.roles = roles
        self.ownerID = ownerID
        self.channels = channels
    }

    enum CodingKeys: String, CodingKey {
        case id, name, icon, roles, unavailable, channels
        case ownerID = "owner_id"
        case memberCount = "member_count"
        case preferredLocale = "preferred_locale"
    }

    /// Decodes tolerantly: only `id` is required; roles and channels that fail to decode are dropped.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(GuildID.self, forKey: .id)
        name = c.decodeOrNil(String.self, forKey: .name) ?? ""
        icon = c.decodeOrNil(String.self, forKey: .icon)
        ownerID = c.decodeOrNil(UserID.self, forKey: .ownerID)
        roles = c.decodeLossyArray(Role.self, forKey: .roles) ?? []
        unavailable = c.decodeOrNil(Bool.self, forKey: .unavailable)
        memberCount = c.decodeOrNil(Int.self, forKey: .memberCount)
        preferredLocale = c.decodeOrNil(String.self, forKey: .preferredLocale)
        channels = c.decodeLossyArray(Channel.self, forKey: .channels)
    }
}

/// A member of a guild: the user plus guild-specific data.
/// See https://discord.com/developers/docs/resources/guild#guild-member-object (`GuildMemberResponse`).
public struct GuildMember: Sendable, Hashable, Codable {
    /// The user (absent in some gateway events, present in interactions).
    public var user: User?
    /// Guild nickname.
    public var nick: String?
    /// The member's role IDs.
    public var roles: [RoleID]
    /// ISO 8601 join time.
    public var joinedAt: String?
    /// Total permissions of the member in the channel, including overwrites (interaction payloads only).
    public var permissions: Permissions?
    /// Membership screening pending.
    public var pending: Bool?
    /// Guild member flags.
    public var flags: Int?

    /// Creates a member (mostly for tests and fakes).
    public init(user: User?, roles: [RoleID] = [], permissions: Permissions? = nil, nick: String? = nil) {
        self.user = user
        self.roles = roles
        self.permissions = permissions
        self.nick = nick
    }

    enum CodingKeys: String, CodingKey {
        case user, nick, roles, permissions, pending, flags
        case joinedAt = "joined_at"
    }

    /// Decodes tolerantly; role IDs default to empty.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        user = c.decodeOrNil(User.self, forKey: .user)
        nick = c.decodeOrNil(String.self, forKey: .nick)
        roles = c.decodeLossyArray(RoleID.self, forKey: .roles) ?? []
        joinedAt = c.decodeOrNil(String.self, forKey: .joinedAt)
        permissions = c.decodeOrNil(Permissions.self, forKey: .permissions)
        pending = c.decodeOrNil(Bool.self, forKey: .pending)
        flags = c.decodeOrNil(Int.self, forKey: .flags)
    }
}
