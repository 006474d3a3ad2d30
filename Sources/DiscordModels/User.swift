/// A Discord user (or bot account).
/// See https://discord.com/developers/docs/resources/user#user-object (`UserResponse` in the OpenAPI spec).
public struct User: Sendable, Hashable, Codable {
    /// The user's ID.
    public var id: UserID
    /// The unique username.
    public var username: String
    /// Legacy four-digit tag, `"0"` for migrated users.
    public var discriminator: String?
    /// Display name, if set.
    public var globalName: String?
    /// Avatar hash.
    public var avatar: String?
    /// `true` for bot accounts.
    public var bot: Bool?
    /// `true` for Discord's official system user.
    public var system: Bool?
    /// Public flags bitfield.
    public var publicFlags: Int?
    /// Flags bitfield.
    public var flags: Int?

    /// Creates a user (mostly for tests and fakes).
    public init(
        id: UserID,
        username: String,
        discriminator: String? = nil,
        globalName: String? = nil,
        avatar: String? = nil,
        bot: Bool? = nil
    ) {
        self.id = id
        self.username = username
        self.discriminator = discriminator
        self.globalName = globalName
        self.avatar = avatar
        self.bot = bot
    }

    enum CodingKeys: String, CodingKey {
        case id, username, discriminator, avatar, bot, system, flags
        case globalName = "global_name"
        case publicFlags = "public_flags"
    }

    /// Decodes tolerantly: only `id` is required; other fields are decode-or-nil.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(UserID.self, forKey: .id)
        username = c.decodeOrNil(String.self, forKey: .username) ?? ""
        discriminator = c.decodeOrNil(String.self, forKey: .discriminator)
        globalName = c.decodeOrNil(String.self, forKey: .globalName)
        avatar = c.decodeOrNil(String.self, forKey: .avatar)
        bot = c.decodeOrNil(Bool.self, forKey: .bot)
        system = c.decodeOrNil(Bool.self, forKey: .system)
        publicFlags = c.decodeOrNil(Int.self, forKey: .publicFlags)
        flags = c.decodeOrNil(Int.self, forKey: .flags)
    }
}
