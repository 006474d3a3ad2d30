/// The body of a message create or edit, an interaction response's `data`, a followup, or an edit of the original
/// response. Fields left `nil` are omitted, so an edit only changes what it sets.
///
/// See `MessageCreateRequest`, `MessageEditRequestPartial` and `IncomingWebhookInteractionRequest` in the spec,
/// and https://discord.com/developers/docs/resources/message#create-message
public struct MessagePayload: Sendable, Hashable, Codable {
    /// Text content (at most 2000 characters; `""` clears it on edit).
    public var content: String?
    /// Embeds (at most 10; `[]` removes them on edit).
    public var embeds: [Embed]?
    /// Action rows (at most 5).
    public var components: [Component]?
    /// Attachments to keep or add. On edit, list every attachment that should remain: existing ones by ID, new
    /// uploads by their `files[n]` index. Anything not listed is removed, which is how a new graph replaces the old.
    public var attachments: [AttachmentReference]?
    /// Message flags (e.g. `.ephemeral` for interaction responses, `.suppressEmbeds`).
    public var flags: MessageFlags?
    /// Which mentions may ping.
    public var allowedMentions: AllowedMentions?
    /// Text-to-speech.
    public var tts: Bool?
    /// The message this one replies to (create only; `MessageReferenceRequest` in the spec).
    public var messageReference: MessageReferenceRequest?

    /// Creates a payload.
    public init(
        content: String? = nil,
        embeds: [Embed]? = nil,
        components: [Component]? = nil,
        attachments: [AttachmentReference]? = nil,
        flags: MessageFlags? = nil,
        allowedMentions: AllowedMentions? = nil,
        tts: Bool? = nil,
        messageReference: MessageReferenceRequest? = nil
    ) {
        self.content = content
        self.embeds = embeds
        self.components = components
        self.attachments = attachments
        self.flags = flags
        self.allowedMentions = allowedMentions
        self.tts = tts
        self.messageReference = messageReference
    }

    enum CodingKeys: String, CodingKey {
        case content, embeds, components, attachments, flags, tts
        case allowedMentions = "allowed_mentions"
        case messageReference = "message_reference"
    }
}

/// A reply's reference to the message it answers (`MessageReferenceRequest` in the spec).
/// See https://discord.com/developers/docs/resources/message#message-reference-structure
public struct MessageReferenceRequest: Sendable, Hashable, Codable {
    /// The message replied to.
    public var messageID: MessageID
    /// Its channel.
    public var channelID: ChannelID?
    /// False: post the reply as a plain message when the referenced one was deleted, instead of failing with 400.
    public var failIfNotExists: Bool?

    /// Creates a reference.
    public init(messageID: MessageID, channelID: ChannelID? = nil, failIfNotExists: Bool? = false) {
        self.messageID = messageID
        self.channelID = channelID
        self.failIfNotExists = failIfNotExists
    }

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
        case channelID = "channel_id"
        case failIfNotExists = "fail_if_not_exists"
    }
}

/// An entry of a request's `attachments` array (`MessageAttachmentRequest`): an existing attachment to keep, or a
/// new upload identified by the index `n` of its `files[n]` part.
public struct AttachmentReference: Sendable, Hashable, Codable {
    /// The attachment ID, or the upload index as a string for a new file.
    public var id: AttachmentID
    /// File name (for new uploads; must match the multipart part's filename).
    public var filename: String?
    /// Alt text.
    public var description: String?

    /// Keeps an existing attachment.
    /// - Parameter id: The attachment's ID.
    public init(existing id: AttachmentID) {
        self.id = id
    }

    /// References a new upload sent as `files[index]`.
    /// - Parameters:
    ///   - index: The multipart index.
    ///   - filename: The uploaded file's name.
    ///   - description: Alt text.
    public init(upload index: Int, filename: String, description: String? = nil) {
        self.id = AttachmentID(String(index))
        self.filename = filename
        self.description = description
    }
}

/// Controls which mentions in the content notify.
/// See https://discord.com/developers/docs/resources/message#allowed-mentions-object
public struct AllowedMentions: Sendable, Hashable, Codable {
    /// Mention kinds parsed from content (`users`, `roles`, `everyone`).
    public var parse: [AllowedMentionType]?
    /// Users that may be pinged.
    public var users: [UserID]?
    /// Roles that may be pinged.
    public var roles: [RoleID]?
    /// Ping the author of the replied-to message.
    public var repliedUser: Bool?

    /// Creates allowed mentions.
    public init(
        parse: [AllowedMentionType]? = nil,
        users: [UserID]? = nil,
        roles: [RoleID]? = nil,
        repliedUser: Bool? = nil
    ) {
        self.parse = parse
        self.users = users
        self.roles = roles
        self.repliedUser = repliedUser
    }

    /// Nothing pings (what a status bot wants). Write `AllowedMentions.none` in full where an optional is expected,
    /// since a bare `.none` there means `nil`.
    public static var none: AllowedMentions { AllowedMentions(parse: []) }

    enum CodingKeys: String, CodingKey {
        case parse, users, roles
        case repliedUser = "replied_user"
    }
}

/// A kind of mention for ``AllowedMentions/parse``.
public enum AllowedMentionType: TolerantEnum {
    /// User mentions.
    case users
    /// Role mentions.
    case roles
    /// `@everyone` and `@here`.
    case everyone
    /// A value this code does not know.
    case unknown(String)

    /// Maps the wire value.
    public init(rawValue: String) {
        switch rawValue {
        case "users": self = .users
        case "roles": self = .roles
        case "everyone": self = .everyone
        default: self = .unknown(rawValue)
        }
    }

    /// The wire value.
    public var rawValue: String {
        switch self {
        case .users: "users"
        case .roles: "roles"
        case .everyone: "everyone"
        case .unknown(let raw): raw
        }
    }
}
