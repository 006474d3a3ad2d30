/// A dispatch (op 0) event the bot cares about, decoded from its `d`.
///
/// See https://discord.com/developers/docs/events/gateway-events#receive-events
public enum GatewayEvent: Sendable {
    /// READY: a new session started.
    case ready(GatewayReady)
    /// RESUMED: a session was resumed; missed events were replayed before this.
    case resumed
    /// GUILD_CREATE: a guild became available (with its roles).
    case guildCreate(Guild)
    /// INTERACTION_CREATE: a slash command, component or modal (member roles are inside).
    case interactionCreate(Interaction)
    /// GUILD_ROLE_CREATE: a role was added.
    case guildRoleCreate(GuildRoleEvent)
    /// GUILD_ROLE_UPDATE: a role changed (renamed, for example).
    case guildRoleUpdate(GuildRoleEvent)
    /// GUILD_ROLE_DELETE: a role was deleted.
    case guildRoleDelete(GuildRoleDeleteEvent)
    /// Any other dispatch, by name; the consumer may ignore it.
    case other(String)

    /// The dispatch name (`t`), e.g. `READY`.
    public var name: String {
        switch self {
        case .ready: "READY"
        case .resumed: "RESUMED"
        case .guildCreate: "GUILD_CREATE"
        case .interactionCreate: "INTERACTION_CREATE"
        case .guildRoleCreate: "GUILD_ROLE_CREATE"
        case .guildRoleUpdate: "GUILD_ROLE_UPDATE"
        case .guildRoleDelete: "GUILD_ROLE_DELETE"
        case .other(let name): name
        }
    }
}
