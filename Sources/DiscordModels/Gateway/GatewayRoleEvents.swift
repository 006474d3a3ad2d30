/// GUILD_ROLE_CREATE and GUILD_ROLE_UPDATE `d`: the guild and the role as it is now.
/// Sent under the GUILDS intent; see https://discord.com/developers/docs/events/gateway-events#guild-role-create
/// and https://discord.com/developers/docs/events/gateway-events#guild-role-update
public struct GuildRoleEvent: Sendable, Hashable, Codable {
    /// The guild the role belongs to.
    public var guildID: GuildID
    /// The role after the change.
    public var role: Role

    /// Creates an event (tests and fakes).
    /// - Parameters:
    ///   - guildID: The guild.
    ///   - role: The role after the change.
    public init(guildID: GuildID, role: Role) {
        self.guildID = guildID
        self.role = role
    }

    enum CodingKeys: String, CodingKey {
        case guildID = "guild_id"
        case role
    }
}

/// GUILD_ROLE_DELETE `d`: the guild and the deleted role's ID.
/// See https://discord.com/developers/docs/events/gateway-events#guild-role-delete
public struct GuildRoleDeleteEvent: Sendable, Hashable, Codable {
    /// The guild the role belonged to.
    public var guildID: GuildID
    /// The deleted role.
    public var roleID: RoleID

    /// Creates an event (tests and fakes).
    /// - Parameters:
    ///   - guildID: The guild.
    ///   - roleID: The deleted role.
    public init(guildID: GuildID, roleID: RoleID) {
        self.guildID = guildID
        self.roleID = roleID
    }

    enum CodingKeys: String, CodingKey {
        case guildID = "guild_id"
        case roleID = "role_id"
    }
}
