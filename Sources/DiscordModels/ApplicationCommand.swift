/// An application command, as sent to PUT /applications/{app}/guilds/{guild}/commands (bulk overwrite) and as
/// returned. See https://discord.com/developers/docs/interactions/application-commands#application-command-object
/// (`ApplicationCommandUpdateRequest`, `ApplicationCommandResponse`).
public struct ApplicationCommand: Sendable, Hashable, Codable {
    /// The command ID (returned only; keeps the command on overwrite when sent).
    public var id: ApplicationCommandID?
    /// The owning application (returned only).
    public var applicationID: ApplicationID?
    /// The guild of a guild command (returned only).
    public var guildID: GuildID?
    /// Command type (default slash command).
    public var type: ApplicationCommandType?
    /// 1-32 characters, lower case for slash commands.
    public var name: String
    /// 1-100 characters for slash commands.
    public var description: String?
    /// Parameters (at most 25).
    public var options: [ApplicationCommandOption]?
    /// Permissions a member needs by default; `[]` means admins only. Sent as an integer as in the spec.
    public var defaultMemberPermissions: Permissions?
    /// Deprecated: available in DMs (use `contexts`).
    public var dmPermission: Bool?
    /// Where the command can be used.
    public var contexts: [InteractionContextType]?
    /// Age-restricted.
    public var nsfw: Bool?
    /// Version snowflake (returned only).
    public var version: AnySnowflake?

    /// Creates a command definition.
    public init(
        name: String,
        description: String,
        type: ApplicationCommandType? = .chatInput,
        options: [ApplicationCommandOption]? = nil,
        defaultMemberPermissions: Permissions? = nil,
        dmPermission: Bool? = nil,
        contexts: [InteractionContextType]? = nil
    ) {
        self.name = name
        self.description = description
        self.type = type
        self.options = options
        self.defaultMemberPermissions = defaultMemberPermissions
        self.dmPermission = dmPermission
        self.contexts = contexts
    }

    enum CodingKeys: String, CodingKey {
        case id, type, name, description, options, contexts, nsfw, version
        case applicationID = "application_id"
        case guildID = "guild_id"
        case defaultMemberPermissions = "default_member_permissions"
        case dmPermission = "dm_permission"
    }

    /// Decodes tolerantly; `default_member_permissions` may be a string (responses) or an integer.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = c.decodeOrNil(ApplicationCommandID.self, forKey: .id)
        applicationID = c.decodeOrNil(ApplicationID.self, forKey: .applicationID)
        guildID = c.decodeOrNil(GuildID.self, forKey: .guildID)
        type = c.decodeOrNil(ApplicationCommandType.self, forKey: .type)
        name = try c.decode(String.self, forKey: .name)
        description = c.decodeOrNil(String.self, forKey: .description)
        options = c.decodeLossyArray(ApplicationCommandOption.self, forKey: .options)
        defaultMemberPermissions = c.decodeOrNil(Permissions.self, forKey: .defaultMemberPermissions)
        dmPermission = c.decodeOrNil(Bool.self, forKey: .dmPermission)
        contexts = c.decodeLossyArray(InteractionContextType.self, forKey: .contexts)
        nsfw = c.decodeOrNil(Bool.self, forKey: .nsfw)
        version = c.decodeOrNil(AnySnowflake.self, forKey: .version)
    }

    /// Encodes the request shape; `default_member_permissions` as an integer (`ApplicationCommandUpdateRequest`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encodeIfPresent(type, forKey: .type)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encodeIfPresent(options, forKey: .options)
        try c.encodeIfPresent(defaultMemberPermissions?.rawValue, forKey: .defaultMemberPermissions)
        try c.encodeIfPresent(dmPermission, forKey: .dmPermission)
        try c.encodeIfPresent(contexts, forKey: .contexts)
        try c.encodeIfPresent(nsfw, forKey: .nsfw)
    }
}

/// A command parameter or subcommand.
/// See https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-structure
public struct ApplicationCommandOption: Sendable, Hashable, Codable {
    /// Option type.
    public var type: ApplicationCommandOptionType
    /// 1-32 characters.
    public var name: String
    /// 1-100 characters.
    public var description: String
    /// Must be filled in (not for subcommands).
    public var required: Bool?
    /// Fixed choices (at most 25).
    public var choices: [ApplicationCommandOptionChoice]?
    /// Nested options of a subcommand or group.
    public var options: [ApplicationCommandOption]?
    /// Restricts channel options to these types.
    public var channelTypes: [ChannelType]?
    /// Minimum for integer/number options.
    public var minValue: Double?
    /// Maximum for integer/number options.
    public var maxValue: Double?
    /// Minimum length for string options.
    public var minLength: Int?
    /// Maximum length for string options.
    public var maxLength: Int?
    /// Values come from autocomplete interactions.
    public var autocomplete: Bool?

    /// Creates an option.
    public init(
        type: ApplicationCommandOptionType,
        name: String,
        description: String,
        required: Bool? = nil,
        choices: [ApplicationCommandOptionChoice]? = nil,
        options: [ApplicationCommandOption]? = nil,
        channelTypes: [ChannelType]? = nil,
        autocomplete: Bool? = nil
    ) {
        self.type = type
        self.name = name
        self.description = description
        self.required = required
        self.choices = choices
        self.options = options
        self.channelTypes = channelTypes
        self.autocomplete = autocomplete
    }

    enum CodingKeys: String, CodingKey {
        case type, name, description, required, choices, options, autocomplete
        case channelTypes = "channel_types"
        case minValue = "min_value"
        case maxValue = "max_value"
        case minLength = "min_length"
        case maxLength = "max_length"
    }

    /// Decodes tolerantly.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = c.decodeOrNil(ApplicationCommandOptionType.self, forKey: .type) ?? .unknown(-1)
        name = c.decodeOrNil(String.self, forKey: .name) ?? ""
        description = c.decodeOrNil(String.self, forKey: .description) ?? ""
        required = c.decodeOrNil(Bool.self, forKey: .required)
        choices = c.decodeLossyArray(ApplicationCommandOptionChoice.self, forKey: .choices)
        options = c.decodeLossyArray(ApplicationCommandOption.self, forKey: .options)
        channelTypes = c.decodeLossyArray(ChannelType.self, forKey: .channelTypes)
        minValue = c.decodeOrNil(Double.self, forKey: .minValue)
        maxValue = c.decodeOrNil(Double.self, forKey: .maxValue)
        minLength = c.decodeOrNil(Int.self, forKey: .minLength)
        maxLength = c.decodeOrNil(Int.self, forKey: .maxLength)
        autocomplete = c.decodeOrNil(Bool.self, forKey: .autocomplete)
    }
}

/// A fixed choice for a string, integer or number option.
public struct ApplicationCommandOptionChoice: Sendable, Hashable, Codable {
    /// Shown name (1-100 characters).
    public var name: String
    /// Value sent back.
    public var value: OptionValue

    /// Creates a choice.
    public init(name: String, value: OptionValue) {
        self.name = name
        self.value = value
    }
}
