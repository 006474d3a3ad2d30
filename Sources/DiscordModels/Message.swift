/// A message in a channel, as returned by the message endpoints.
/// See https://discord.com/developers/docs/resources/message#message-object (`MessageResponse`).
public struct Message: Sendable, Hashable, Codable {
    /// The message ID.
    public var id: MessageID
    /// The channel it was posted in.
    public var channelID: ChannelID
    /// The guild, when known (gateway events only).
    public var guildID: GuildID?
    /// The author (for webhook/interaction messages, the webhook or the bot).
    public var author: User?
    /// Text content.
    public var content: String
    /// ISO 8601 creation time.
    public var timestamp: String?
    /// ISO 8601 time of the last edit.
    public var editedTimestamp: String?
    /// Embeds.
    public var embeds: [Embed]
    /// Components (action rows).
    public var components: [Component]
    /// Attached files.
    public var attachments: [Attachment]
    /// Message flags.
    public var flags: MessageFlags?
    /// Message type.
    public var type: MessageType?
    /// The application for interaction messages.
    public var applicationID: ApplicationID?
    /// The webhook that posted the message.
    public var webhookID: WebhookID?

    /// Creates a message (mostly for tests and fakes).
    public init(
        id: MessageID,
        channelID: ChannelID,
        content: String = "",
        embeds: [Embed] = [],
        components: [Component] = [],
        attachments: [Attachment] = [],
        author: User? = nil,
        flags: MessageFlags? = nil,
        timestamp: String? = nil,
        editedTimestamp: String? = nil
    ) {
        self.id = id
        self.channelID = channelID
        self.content = content
        self.embeds = embeds
        self.components = components
        self.attachments = attachments
        self.author = author
        self.flags = flags
        self.timestamp = timestamp
        self.editedTimestamp = editedTimestamp
    }

    enum CodingKeys: String, CodingKey {
        case id, author, content, timestamp, embeds, components, attachments, flags, type
        case channelID = "channel_id"
        case guildID = "guild_id"
        case editedTimestamp = "edited_timestamp"
        case applicationID = "application_id"
        case webhookID = "webhook_id"
    }

    /// Decodes tolerantly: `id` and `channel_id` are required, everything else is decode-or-nil or empty.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(MessageID.self, forKey: .id)
        channelID = try c.decode(ChannelID.self, forKey: .channelID)
        guildID = c.decodeOrNil(GuildID.self, forKey: .guildID)
        author = c.decodeOrNil(User.self, forKey: .author)
        content = c.decodeOrNil(String.self, forKey: .content) ?? ""
        timestamp = c.decodeOrNil(String.self, forKey: .timestamp)
        editedTimestamp = c.decodeOrNil(String.self, forKey: .editedTimestamp)
        embeds = c.decodeLossyArray(Embed.self, forKey: .embeds) ?? []
        components = c.decodeLossyArray(Component.self, forKey: .components) ?? []
        attachments = c.decodeLossyArray(Attachment.self, forKey: .attachments) ?? []
        flags = c.decodeOrNil(MessageFlags.self, forKey: .flags)
        type = c.decodeOrNil(MessageType.self, forKey: .type)
        applicationID = c.decodeOrNil(ApplicationID.self, forKey: .applicationID)
        webhookID = c.decodeOrNil(WebhookID.self, forKey: .webhookID)
    }
}

/// Message flag bits. See https://discord.com/developers/docs/resources/message#message-object-message-flags
public struct MessageFlags: OptionSet, Sendable, Hashable, Codable {
    /// The raw bits.
    public var rawValue: Int

    /// Creates flags from raw bits.
    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// Embeds are hidden (1 << 2).
    public static let suppressEmbeds = MessageFlags(rawValue: 1 << 2)
    /// Only the invoking user sees the message (1 << 6 = 64); interaction responses only.
    public static let ephemeral = MessageFlags(rawValue: 1 << 6)
    /// Loading state of a deferred response (1 << 7).
    public static let loading = MessageFlags(rawValue: 1 << 7)
    /// No push or desktop notification (1 << 12).
    public static let suppressNotifications = MessageFlags(rawValue: 1 << 12)

    /// Decodes the integer bitfield.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int.self)
    }

    /// Encodes the integer bitfield.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// Message type. See https://discord.com/developers/docs/resources/message#message-object-message-types
public enum MessageType: TolerantEnum {
    /// A normal message.
    case `default`
    /// A reply.
    case reply
    /// A slash command response.
    case chatInputCommand
    /// A context-menu command response.
    case contextMenuCommand
    /// A type this code does not model.
    case unknown(Int)

    /// Maps the wire value.
    public init(rawValue: Int) {
        switch rawValue {
        case 0: self = .default
        case 19: self = .reply
        case 20: self = .chatInputCommand
        case 23: self = .contextMenuCommand
        default: self = .unknown(rawValue)
        }
    }

    /// The wire value.
    public var rawValue: Int {
        switch self {
        case .default: 0
        case .reply: 19
        case .chatInputCommand: 20
        case .contextMenuCommand: 23
        case .unknown(let raw): raw
        }
    }
}

/// A file attached to a message, as received.
/// See https://discord.com/developers/docs/resources/message#attachment-object (`MessageAttachmentResponse`).
public struct Attachment: Sendable, Hashable, Codable {
    /// The attachment ID (keep it in an edit's `attachments` array to retain the file).
    public var id: AttachmentID
    /// File name.
    public var filename: String
    /// Alt text.
    public var description: String?
    /// MIME type.
    public var contentType: String?
    /// Size in bytes.
    public var size: Int?
    /// CDN URL.
    public var url: String?
    /// Proxied URL.
    public var proxyURL: String?
    /// Image height.
    public var height: Int?
    /// Image width.
    public var width: Int?
    /// Part of an ephemeral message.
    public var ephemeral: Bool?

    /// Creates an attachment (mostly for tests and fakes).
    public init(
        id: AttachmentID,
        filename: String,
        size: Int? = nil,
        url: String? = nil,
        contentType: String? = nil,
        description: String? = nil
    ) {
        self.id = id
        self.filename = filename
        self.size = size
        self.url = url
        self.contentType = contentType
        self.description = description
    }

    enum CodingKeys: String, CodingKey {
        case id, filename, description, size, url, height, width, ephemeral
        case contentType = "content_type"
        case proxyURL = "proxy_url"
    }

    /// Decodes tolerantly: `id` is required.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(AttachmentID.self, forKey: .id)
        filename = c.decodeOrNil(String.self, forKey: .filename) ?? ""
        description = c.decodeOrNil(String.self, forKey: .description)
        contentType = c.decodeOrNil(String.self, forKey: .contentType)
        size = c.decodeOrNil(Int.self, forKey: .size)
        url = c.decodeOrNil(String.self, forKey: .url)
        proxyURL = c.decodeOrNil(String.self, forKey: .proxyURL)
        height = c.decodeOrNil(Int.self, forKey: .height)
        width = c.decodeOrNil(Int.self, forKey: .width)
        ephemeral = c.decodeOrNil(Bool.self, forKey: .ephemeral)
    }
}
