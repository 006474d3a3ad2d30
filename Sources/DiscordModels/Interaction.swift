/// An interaction (slash command, button press, select pick, modal submit), as received in the gateway's
/// INTERACTION_CREATE `d`. See https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
public struct Interaction: Sendable, Hashable, Codable {
    /// The interaction ID (used in the callback URL).
    public var id: InteractionID
    /// The bot's application ID.
    public var applicationID: ApplicationID
    /// The interaction type.
    public var type: InteractionType
    /// Type-specific data (absent for pings).
    public var data: InteractionData?
    /// The guild it was sent from.
    public var guildID: GuildID?
    /// The channel it was sent from.
    public var channelID: ChannelID?
    /// Partial channel it was sent from.
    public var channel: Channel?
    /// The invoking member, when in a guild (carries `permissions`).
    public var member: GuildMember?
    /// The invoking user, when in a DM.
    public var user: User?
    /// Continuation token for responding; valid 15 minutes. Never log it.
    public var token: Secret
    /// Always 1.
    public var version: Int?
    /// The message a component was attached to (component interactions).
    public var message: Message?
    /// The bot's permissions in the channel.
    public var appPermissions: Permissions?
    /// The invoking user's locale, e.g. `en-US`.
    public var locale: String?
    /// The guild's preferred locale.
    public var guildLocale: String?
    /// Where the interaction was triggered.
    public var context: InteractionContextType?

    /// Creates an interaction (for tests and fakes).
    public init(
        id: InteractionID,
        applicationID: ApplicationID,
        type: InteractionType,
        token: Secret,
        data: InteractionData? = nil,
        guildID: GuildID? = nil,
        channelID: ChannelID? = nil,
        member: GuildMember? = nil,
        user: User? = nil,
        message: Message? = nil,
        locale: String? = nil
    ) {
        self.id = id
        self.applicationID = applicationID
        self.type = type
        self.token = token
        self.data = data
        self.guildID = guildID
        self.channelID = channelID
        self.member = member
        self.user = user
        self.message = message
        self.locale = locale
    }

    /// The invoking user, whether the interaction came from a guild (`member.user`) or a DM (`user`).
    public var invokingUser: User? { member?.user ?? user }

    enum CodingKeys: String, CodingKey {
        case id, type, data, channel, member, user, token, version, message, locale, context
        case applicationID = "application_id"
        case guildID = "guild_id"
        case channelID = "channel_id"
        case appPermissions = "app_permissions"
        case guildLocale = "guild_locale"
    }

    /// Decodes tolerantly: `id`, `application_id`, `type` and `token` are required; `data` is decoded according to
    /// `type` and is `nil` when it cannot be read.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(InteractionID.self, forKey: .id)
        applicationID = try c.decode(ApplicationID.self, forKey: .applicationID)
        type = try c.decode(InteractionType.self, forKey: .type)
        token = try c.decode(Secret.self, forKey: .token)
        switch type {
        case .applicationCommand, .applicationCommandAutocomplete:
            data = c.decodeOrNil(ApplicationCommandData.self, forKey: .data).map(InteractionData.applicationCommand)
        case .messageComponent:
            data = c.decodeOrNil(MessageComponentData.self, forKey: .data).map(InteractionData.messageComponent)
        case .modalSubmit:
            data = c.decodeOrNil(ModalSubmitData.self, forKey: .data).map(InteractionData.modalSubmit)
        case .ping, .unknown:
            data = nil
        }
        guildID = c.decodeOrNil(GuildID.self, forKey: .guildID)
        channelID = c.decodeOrNil(ChannelID.self, forKey: .channelID)
        channel = c.decodeOrNil(Channel.self, forKey: .channel)
        member = c.decodeOrNil(GuildMember.self, forKey: .member)
        user = c.decodeOrNil(User.self, forKey: .user)
        version = c.decodeOrNil(Int.self, forKey: .version)
        message = c.decodeOrNil(Message.self, forKey: .message)
        appPermissions = c.decodeOrNil(Permissions.self, forKey: .appPermissions)
        locale = c.decodeOrNil(String.self, forKey: .locale)
        guildLocale = c.decodeOrNil(String.self, forKey: .guildLocale)
        context = c.decodeOrNil(InteractionContextType.self, forKey: .context)
    }
}

/// The `data` of an interaction, by interaction type.
public enum InteractionData: Sendable, Hashable, Codable {
    /// Slash/context-menu command or autocomplete.
    case applicationCommand(ApplicationCommandData)
    /// Button press or select pick.
    case messageComponent(MessageComponentData)
    /// Modal submit.
    case modalSubmit(ModalSubmitData)

    /// Decodes by shape: `custom_id` with `component_type` is a component, `custom_id` alone a modal submit,
    /// otherwise a command. ``Interaction`` decodes by its `type` instead; this exists for standalone use.
    public init(from decoder: any Decoder) throws {
        if let component = try? MessageComponentData(from: decoder), component.componentType != .unknown(-1) {
            self = .messageComponent(component)
        } else if let command = try? ApplicationCommandData(from: decoder), !command.name.isEmpty {
            self = .applicationCommand(command)
        } else {
            self = .modalSubmit(try ModalSubmitData(from: decoder))
        }
    }

    /// Encodes the wrapped data.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .applicationCommand(let data): try data.encode(to: encoder)
        case .messageComponent(let data): try data.encode(to: encoder)
        case .modalSubmit(let data): try data.encode(to: encoder)
        }
    }

    /// The command data, if this is a command interaction.
    public var applicationCommand: ApplicationCommandData? {
        if case .applicationCommand(let data) = self { return data }
        return nil
    }

    /// The component data, if this is a component interaction.
    public var messageComponent: MessageComponentData? {
        if case .messageComponent(let data) = self { return data }
        return nil
    }

    /// The modal data, if this is a modal submit.
    public var modalSubmit: ModalSubmitData? {
        if case .modalSubmit(let data) = self { return data }
        return nil
    }
}

/// Data of an application command interaction.
/// See https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-application-command-data-structure
public struct ApplicationCommandData: Sendable, Hashable, Codable {
    /// The command's ID.
    public var id: ApplicationCommandID?
    /// The command's name.
    public var name: String
    /// The command type.
    public var type: ApplicationCommandType?
    /// The options the user filled in (or the subcommand chosen).
    public var options: [ApplicationCommandInteractionOption]?
    /// The guild of a guild command.
    public var guildID: GuildID?
    /// Target of a user/message context-menu command.
    public var targetID: AnySnowflake?

    /// Creates command data (for tests and fakes).
    public init(
        id: ApplicationCommandID? = nil,
        name: String,
        type: ApplicationCommandType? = .chatInput,
        options: [ApplicationCommandInteractionOption]? = nil,
        guildID: GuildID? = nil
    ) {
        self.id = id
        self.name = name
        self.type = type
        self.options = options
        self.guildID = guildID
    }

    /// Finds a top-level option by name.
    /// - Parameter name: The option name.
    /// - Returns: The option, or `nil`.
    public func option(named name: String) -> ApplicationCommandInteractionOption? {
        options?.first { $0.name == name }
    }

    enum CodingKeys: String, CodingKey {
        case id, name, type, options
        case guildID = "guild_id"
        case targetID = "target_id"
    }

    /// Decodes tolerantly.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = c.decodeOrNil(ApplicationCommandID.self, forKey: .id)
        name = c.decodeOrNil(String.self, forKey: .name) ?? ""
        type = c.decodeOrNil(ApplicationCommandType.self, forKey: .type)
        options = c.decodeLossyArray(ApplicationCommandInteractionOption.self, forKey: .options)
        guildID = c.decodeOrNil(GuildID.self, forKey: .guildID)
        targetID = c.decodeOrNil(AnySnowflake.self, forKey: .targetID)
    }
}

/// One option value in a command interaction (or a subcommand with nested options).
public struct ApplicationCommandInteractionOption: Sendable, Hashable, Codable {
    /// Option name.
    public var name: String
    /// Option type.
    public var type: ApplicationCommandOptionType
    /// The value, for non-subcommand options.
    public var value: OptionValue?
    /// Nested options, for subcommands and groups.
    public var options: [ApplicationCommandInteractionOption]?
    /// `true` for the option being autocompleted.
    public var focused: Bool?

    /// Creates an option (for tests and fakes).
    public init(
        name: String,
        type: ApplicationCommandOptionType,
        value: OptionValue? = nil,
        options: [ApplicationCommandInteractionOption]? = nil
    ) {
        self.name = name
        self.type = type
        self.value = value
        self.options = options
    }

    enum CodingKeys: String, CodingKey {
        case name, type, value, options, focused
    }

    /// Decodes tolerantly.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = c.decodeOrNil(String.self, forKey: .name) ?? ""
        type = c.decodeOrNil(ApplicationCommandOptionType.self, forKey: .type) ?? .unknown(-1)
        value = c.decodeOrNil(OptionValue.self, forKey: .value)
        options = c.decodeLossyArray(ApplicationCommandInteractionOption.self, forKey: .options)
        focused = c.decodeOrNil(Bool.self, forKey: .focused)
    }
}

/// A command option value: string, integer, number or boolean (snowflake options arrive as strings).
public enum OptionValue: Sendable, Hashable, Codable {
    /// String (also user/channel/role IDs).
    case string(String)
    /// Integer.
    case int(Int)
    /// Number.
    case double(Double)
    /// Boolean.
    case bool(Bool)

    /// Decodes whichever JSON scalar is present.
    /// - Throws: `DecodingError` for non-scalars.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Bool.self) {
            self = .bool(v)
        } else if let v = try? c.decode(Int.self) {
            self = .int(v)
        } else if let v = try? c.decode(Double.self) {
            self = .double(v)
        } else {
            self = .string(try c.decode(String.self))
        }
    }

    /// Encodes the scalar.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let v): try c.encode(v)
        case .int(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .bool(let v): try c.encode(v)
        }
    }

    /// The value as a string (numbers and booleans formatted).
    public var stringValue: String {
        switch self {
        case .string(let v): v
        case .int(let v): String(v)
        case .double(let v): String(v)
        case .bool(let v): String(v)
        }
    }
}

/// Data of a component interaction.
/// See https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-message-component-data-structure
public struct MessageComponentData: Sendable, Hashable, Codable {
    /// The component's developer-defined ID.
    public var customID: String
    /// The component's type.
    public var componentType: ComponentType
    /// Picked values, for selects.
    public var values: [String]?

    /// Creates component data (for tests and fakes).
    public init(customID: String, componentType: ComponentType, values: [String]? = nil) {
        self.customID = customID
        self.componentType = componentType
        self.values = values
    }

    enum CodingKeys: String, CodingKey {
        case values
        case customID = "custom_id"
        case componentType = "component_type"
    }

    /// Decodes tolerantly; `custom_id` is required.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        customID = try c.decode(String.self, forKey: .customID)
        componentType = c.decodeOrNil(ComponentType.self, forKey: .componentType) ?? .unknown(-1)
        values = c.decodeLossyArray(String.self, forKey: .values)
    }
}

/// Data of a modal submit interaction.
public struct ModalSubmitData: Sendable, Hashable, Codable {
    /// The modal's developer-defined ID.
    public var customID: String
    /// The submitted components (action rows of text inputs).
    public var components: [Component]

    /// Creates modal data (for tests and fakes).
    public init(customID: String, components: [Component]) {
        self.customID = customID
        self.components = components
    }

    enum CodingKeys: String, CodingKey {
        case components
        case customID = "custom_id"
    }

    /// Decodes tolerantly.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        customID = c.decodeOrNil(String.self, forKey: .customID) ?? ""
        components = c.decodeLossyArray(Component.self, forKey: .components) ?? []
    }
}

/// Interaction type. See https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-interaction-type
public enum InteractionType: TolerantEnum {
    /// 1
    case ping
    /// 2
    case applicationCommand
    /// 3
    case messageComponent
    /// 4
    case applicationCommandAutocomplete
    /// 5
    case modalSubmit
    /// A type this code does not know.
    case unknown(Int)

    /// Maps the wire value.
    public init(rawValue: Int) {
        switch rawValue {
        case 1: self = .ping
        case 2: self = .applicationCommand
        case 3: self = .messageComponent
        case 4: self = .applicationCommandAutocomplete
        case 5: self = .modalSubmit
        default: self = .unknown(rawValue)
        }
    }

    /// The wire value.
    public var rawValue: Int {
        switch self {
        case .ping: 1
        case .applicationCommand: 2
        case .messageComponent: 3
        case .applicationCommandAutocomplete: 4
        case .modalSubmit: 5
        case .unknown(let raw): raw
        }
    }
}

/// Application command type. See https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-types
public enum ApplicationCommandType: TolerantEnum {
    /// Slash command (1).
    case chatInput
    /// User context menu (2).
    case user
    /// Message context menu (3).
    case message
    /// Activity entry point (4).
    case primaryEntryPoint
    /// A type this code does not know.
    case unknown(Int)

    /// Maps the wire value.
    public init(rawValue: Int) {
        switch rawValue {
        case 1: self = .chatInput
        case 2: self = .user
        case 3: self = .message
        case 4: self = .primaryEntryPoint
        default: self = .unknown(rawValue)
        }
    }

    /// The wire value.
    public var rawValue: Int {
        switch self {
        case .chatInput: 1
        case .user: 2
        case .message: 3
        case .primaryEntryPoint: 4
        case .unknown(let raw): raw
        }
    }
}

/// Application command option type.
/// See https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-type
public enum ApplicationCommandOptionType: TolerantEnum {
    /// 1
    case subCommand
    /// 2
    case subCommandGroup
    /// 3
    case string
    /// 4
    case integer
    /// 5
    case boolean
    /// 6
    case user
    /// 7
    case channel
    /// 8
    case role
    /// 9
    case mentionable
    /// 10
    case number
    /// 11
    case attachment
    /// A type this code does not know.
    case unknown(Int)

    /// Maps the wire value.
    public init(rawValue: Int) {
        switch rawValue {
        case 1: self = .subCommand
        case 2: self = .subCommandGroup
        case 3: self = .string
        case 4: self = .integer
        case 5: self = .boolean
        case 6: self = .user
        case 7: self = .channel
        case 8: self = .role
        case 9: self = .mentionable
        case 10: self = .number
        case 11: self = .attachment
        default: self = .unknown(rawValue)
        }
    }

    /// The wire value.
    public var rawValue: Int {
        switch self {
        case .subCommand: 1
        case .subCommandGroup: 2
        case .string: 3
        case .integer: 4
        case .boolean: 5
        case .user: 6
        case .channel: 7
        case .role: 8
        case .mentionable: 9
        case .number: 10
        case .attachment: 11
        case .unknown(let raw): raw
        }
    }
}

/// Where a command can be used / was used.
/// See https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-interaction-context-types
public enum InteractionContextType: TolerantEnum {
    /// In a guild (0).
    case guild
    /// In the bot's DM (1).
    case botDM
    /// In other DMs and group DMs (2).
    case privateChannel
    /// A context this code does not know.
    case unknown(Int)

    /// Maps the wire value.
    public init(rawValue: Int) {
        switch rawValue {
        case 0: self = .guild
        case 1: self = .botDM
        case 2: self = .privateChannel
        default: self = .unknown(rawValue)
        }
    }

    /// The wire value.
    public var rawValue: Int {
        switch self {
        case .guild: 0
        case .botDM: 1
        case .privateChannel: 2
        case .unknown(let raw): raw
        }
    }
}
