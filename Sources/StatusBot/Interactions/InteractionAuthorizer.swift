import DiscordModels

/// Decides whether an interaction may be acted on: it must come from the allowed guild, from a member holding
/// one of the allowed roles (by ID, or by a name resolved from the guild's roles received at GUILD_CREATE).
///
/// Checked on every interaction, commands and buttons alike: Discord's command permissions can be changed by
/// guild admins and buttons are visible to everyone in the channel, so neither is a guarantee.
/// See https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
public struct InteractionAuthorizer: Sendable, Equatable {
    /// The only guild the bot answers in.
    public var allowedGuildID: GuildID
    /// Roles allowed to use commands and buttons.
    public var allowedRoles: [AllowedRole]
    /// The allowed guild's roles, by ID, as last received (empty until GUILD_CREATE).
    public private(set) var guildRoles: [RoleID: Role] = [:]

    /// Creates an authorizer.
    /// - Parameters:
    ///   - allowedGuildID: `[Discord] AllowedGuildID`.
    ///   - allowedRoles: `[Discord] AllowedRoles`.
    public init(allowedGuildID: GuildID, allowedRoles: [AllowedRole]) {
        self.allowedGuildID = allowedGuildID
        self.allowedRoles = allowedRoles
    }

    /// Learns the allowed guild's roles (names → IDs); other guilds are ignored.
    /// - Parameter guild: A guild from GUILD_CREATE (or a later update carrying the full role list).
    /// - Returns: `true` when the guild was the allowed one and its roles were taken.
    @discardableResult
    public mutating func learnRoles(from guild: Guild) -> Bool {
        guard guild.id == allowedGuildID, guild.unavailable != true else { return false }
        guildRoles = Dictionary(guild.roles.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        return true
    }

    /// Applies GUILD_ROLE_CREATE or GUILD_ROLE_UPDATE at once, so a role configured by name follows a rename
    /// (renaming "Game Admin" away revokes it) without waiting for a GUILD_CREATE, which a RESUME never sends.
    /// - Parameter event: The event; other guilds are ignored.
    /// - Returns: `true` when the allowed guild's roles changed.
    @discardableResult
    public mutating func apply(_ event: GuildRoleEvent) -> Bool {
        guard event.guildID == allowedGuildID else { return false }
        guildRoles[event.role.id] = event.role
        return true
    }

    /// Applies GUILD_ROLE_DELETE at once: the deleted role no longer matches a configured name.
    /// - Parameter event: The event; other guilds are ignored.
    /// - Returns: `true` when the allowed guild's roles changed.
    @discardableResult
    public mutating func apply(_ event: GuildRoleDeleteEvent) -> Bool {
        guard event.guildID == allowedGuildID else { return false }
        return guildRoles.removeValue(forKey: event.roleID) != nil
    }

    /// The role IDs that grant access now: configured IDs plus the IDs of roles whose name matches a configured
    /// name (case-insensitively, as documented for ``AllowedRole/name(_:)``).
    public var allowedRoleIDs: Set<RoleID> { roleIDs(matching: allowedRoles) }

    /// The IDs of `roles`: configured IDs as they are, names matched against the guild's roles case-insensitively
    /// (a name not found yet gives nothing).
    /// - Parameter roles: Roles by ID or name.
    /// - Returns: Their IDs.
    public func roleIDs(matching roles: [AllowedRole]) -> Set<RoleID> {
        var ids: Set<RoleID> = []
        for role in roles {
            switch role {
            case .id(let id):
                ids.insert(id)
            case .name(let name):
                let wanted = name.lowercased()
                for known in guildRoles.values where known.name.lowercased() == wanted { ids.insert(known.id) }
            }
        }
        return ids
    }

    /// Decides on one interaction.
    /// - Parameter interaction: The interaction as received.
    /// - Returns: ``AuthorizationDecision/allowed`` or the refusal with its reason.
    public func authorize(_ interaction: Interaction) -> AuthorizationDecision {
        guard let guildID = interaction.guildID else { return .refused(.directMessage) }
        guard guildID == allowedGuildID else { return .refused(.wrongGuild(guildID)) }
        guard let member = interaction.member else { return .refused(.directMessage) }
        let granted = allowedRoleIDs
        if member.roles.contains(where: granted.contains) { return .allowed }
        let needsNames = allowedRoles.contains { if case .name = $0 { true } else { false } }
        if needsNames && guildRoles.isEmpty { return .refused(.rolesNotLoaded) }
        return .refused(.missingRole)
    }
}

/// The outcome of ``InteractionAuthorizer/authorize(_:)``.
public enum AuthorizationDecision: Sendable, Hashable {
    /// The interaction may be acted on.
    case allowed
    /// The interaction is refused; answer with ``AuthorizationRefusal/message`` and do nothing else.
    case refused(AuthorizationRefusal)
}

/// Why an interaction was refused.
public enum AuthorizationRefusal: Sendable, Hashable, CustomStringConvertible {
    /// Sent from a DM (no guild or no member).
    case directMessage
    /// Sent from another guild than `AllowedGuildID`.
    case wrongGuild(GuildID)
    /// The member holds none of the allowed roles.
    case missingRole
    /// Roles are configured by name and the guild's roles have not arrived yet (no GUILD_CREATE so far).
    case rolesNotLoaded

    /// The ephemeral text shown to the user.
    public var message: String {
        switch self {
        case .directMessage: "⛔ This bot only works inside its server, not in direct messages."
        case .wrongGuild: "⛔ This bot is not enabled in this server."
        case .missingRole: "⛔ You need one of the bot's allowed roles to do this."
        case .rolesNotLoaded: "⏳ The bot is still loading this server's roles; try again in a few seconds."
        }
    }

    /// A short reason for logs.
    public var description: String {
        switch self {
        case .directMessage: "direct message"
        case .wrongGuild(let id): "wrong guild \(id)"
        case .missingRole: "missing allowed role"
        case .rolesNotLoaded: "guild roles not loaded yet"
        }
    }
}
