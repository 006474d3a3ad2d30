/// The gateway intents a bot subscribes to when it identifies.
///
/// The bot needs only ``guilds``; the privileged intents must also be switched on in the Developer Portal.
/// See https://discord.com/developers/docs/events/gateway#gateway-intents
public struct GatewayIntents: OptionSet, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The raw bit field sent in IDENTIFY.
    public var rawValue: UInt64

    /// Creates intents from a raw bit field.
    /// - Parameter rawValue: the bit field.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// GUILDS: guild create/update/delete, roles, channels. Not privileged.
    public static let guilds = GatewayIntents(rawValue: 1 << 0)
    /// GUILD_MEMBERS (privileged).
    public static let guildMembers = GatewayIntents(rawValue: 1 << 1)
    /// GUILD_MODERATION.
    public static let guildModeration = GatewayIntents(rawValue: 1 << 2)
    /// GUILD_EXPRESSIONS.
    public static let guildExpressions = GatewayIntents(rawValue: 1 << 3)
    /// GUILD_INTEGRATIONS.
    public static let guildIntegrations = GatewayIntents(rawValue: 1 << 4)
    /// GUILD_WEBHOOKS.
    public static let guildWebhooks = GatewayIntents(rawValue: 1 << 5)
    /// GUILD_INVITES.
    public static let guildInvites = GatewayIntents(rawValue: 1 << 6)
    /// GUILD_VOICE_STATES.
    public static let guildVoiceStates = GatewayIntents(rawValue: 1 << 7)
    /// GUILD_PRESENCES (privileged).
    public static let guildPresences = GatewayIntents(rawValue: 1 << 8)
    /// GUILD_MESSAGES.
    public static let guildMessages = GatewayIntents(rawValue: 1 << 9)
    /// GUILD_MESSAGE_REACTIONS.
    public static let guildMessageReactions = GatewayIntents(rawValue: 1 << 10)
    /// GUILD_MESSAGE_TYPING.
    public static let guildMessageTyping = GatewayIntents(rawValue: 1 << 11)
    /// DIRECT_MESSAGES.
    public static let directMessages = GatewayIntents(rawValue: 1 << 12)
    /// DIRECT_MESSAGE_REACTIONS.
    public static let directMessageReactions = GatewayIntents(rawValue: 1 << 13)
    /// DIRECT_MESSAGE_TYPING.
    public static let directMessageTyping = GatewayIntents(rawValue: 1 << 14)
    /// MESSAGE_CONTENT (privileged).
    public static let messageContent = GatewayIntents(rawValue: 1 << 15)
    /// GUILD_SCHEDULED_EVENTS.
    public static let guildScheduledEvents = GatewayIntents(rawValue: 1 << 16)

    /// The intents that must be enabled in the Developer Portal before a bot may request them.
    public static let privileged: GatewayIntents = [.guildMembers, .guildPresences, .messageContent]

    private static let names: [(GatewayIntents, String, portal: String?)] = [
        (.guilds, "GUILDS", nil),
        (.guildMembers, "GUILD_MEMBERS", "Server Members Intent"),
        (.guildModeration, "GUILD_MODERATION", nil),
        (.guildExpressions, "GUILD_EXPRESSIONS", nil),
        (.guildIntegrations, "GUILD_INTEGRATIONS", nil),
        (.guildWebhooks, "GUILD_WEBHOOKS", nil),
        (.guildInvites, "GUILD_INVITES", nil),
        (.guildVoiceStates, "GUILD_VOICE_STATES", nil),
        (.guildPresences, "GUILD_PRESENCES", "Presence Intent"),
        (.guildMessages, "GUILD_MESSAGES", nil),
        (.guildMessageReactions, "GUILD_MESSAGE_REACTIONS", nil),
        (.guildMessageTyping, "GUILD_MESSAGE_TYPING", nil),
        (.directMessages, "DIRECT_MESSAGES", nil),
        (.directMessageReactions, "DIRECT_MESSAGE_REACTIONS", nil),
        (.directMessageTyping, "DIRECT_MESSAGE_TYPING", nil),
        (.messageContent, "MESSAGE_CONTENT", "Message Content Intent"),
        (.guildScheduledEvents, "GUILD_SCHEDULED_EVENTS", nil),
    ]

    /// The Discord names of the intents in this set (unknown bits as `bit N`), in bit order.
    public var names: [String] {
        var result: [String] = []
        var rest = self.rawValue
        for (intent, name, _) in Self.names where self.contains(intent) {
            result.append(name)
            rest &= ~intent.rawValue
        }
        for bit in 0..<64 where rest & (1 << UInt64(bit)) != 0 {
            result.append("bit \(bit)")
        }
        return result
    }

    /// The Developer Portal switch names of the privileged intents in this set,
    /// e.g. `["Server Members Intent (GUILD_MEMBERS)"]`.
    public var privilegedPortalNames: [String] {
        Self.names.compactMap { intent, name, portal in
            guard let portal, self.contains(intent) else { return nil }
            return "\(portal) (\(name))"
        }
    }

    /// The intent names joined with `|`, e.g. `GUILDS`.
    public var description: String {
        self.names.isEmpty ? "none" : self.names.joined(separator: "|")
    }

    /// Decodes the bit field from an integer (or a string holding one).
    /// - Throws: `DecodingError` if the value is neither.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(UInt64.self) {
            self.rawValue = value
        } else {
            let string = try container.decode(String.self)
            guard let value = UInt64(string) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "intents is not a number")
            }
            self.rawValue = value
        }
    }

    /// Encodes the bit field as an integer.
    /// - Throws: `EncodingError` from the encoder.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }
}
