/// The `d` of the READY dispatch: the new session and where to resume it.
///
/// See https://discord.com/developers/docs/events/gateway-events#ready
public struct GatewayReady: Sendable, Hashable, Codable {
    /// The gateway API version.
    public var version: Int
    /// The bot user.
    public var user: User
    /// The session ID, needed to RESUME.
    public var sessionID: String
    /// The URL to reconnect to when resuming (without query).
    public var resumeGatewayURL: String
    /// The guilds the bot is in; they arrive as unavailable and are filled in by GUILD_CREATE.
    public var guilds: [UnavailableGuild]
    /// The application ID, if sent.
    public var applicationID: ApplicationID?

    /// Creates a READY payload (for tests and fakes).
    /// - Parameters:
    ///   - version: the API version.
    ///   - user: the bot user.
    ///   - sessionID: the session ID.
    ///   - resumeGatewayURL: the resume URL.
    ///   - guilds: unavailable guilds.
    ///   - applicationID: the application ID.
    public init(
        version: Int = 10,
        user: User,
        sessionID: String,
        resumeGatewayURL: String,
        guilds: [UnavailableGuild] = [],
        applicationID: ApplicationID? = nil
    ) {
        self.version = version
        self.user = user
        self.sessionID = sessionID
        self.resumeGatewayURL = resumeGatewayURL
        self.guilds = guilds
        self.applicationID = applicationID
    }

    /// A guild listed in READY before its GUILD_CREATE.
    public struct UnavailableGuild: Sendable, Hashable, Codable {
        /// The guild ID.
        public var id: GuildID
        /// Whether the guild is unavailable (usually true in READY).
        public var unavailable: Bool?

        /// Creates an entry.
        /// - Parameters:
        ///   - id: the guild ID.
        ///   - unavailable: the flag.
        public init(id: GuildID, unavailable: Bool? = true) {
            self.id = id
            self.unavailable = unavailable
        }
    }

    private struct PartialApplication: Codable {
        var id: ApplicationID
    }

    private enum CodingKeys: String, CodingKey {
        case version = "v"
        case user
        case sessionID = "session_id"
        case resumeGatewayURL = "resume_gateway_url"
        case guilds
        case application
    }

    /// Decodes READY; `session_id`, `resume_gateway_url` and `user` are required, the rest is tolerant.
    /// - Throws: `DecodingError` when a required field is missing or malformed.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.version = container.decodeOrNil(Int.self, forKey: .version) ?? 10
        self.user = try container.decode(User.self, forKey: .user)
        self.sessionID = try container.decode(String.self, forKey: .sessionID)
        self.resumeGatewayURL = try container.decode(String.self, forKey: .resumeGatewayURL)
        self.guilds = container.decodeLossyArray(UnavailableGuild.self, forKey: .guilds) ?? []
        self.applicationID = container.decodeOrNil(PartialApplication.self, forKey: .application)?.id
    }

    /// Encodes READY in its wire shape.
    /// - Throws: `EncodingError` from the encoder.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.version, forKey: .version)
        try container.encode(self.user, forKey: .user)
        try container.encode(self.sessionID, forKey: .sessionID)
        try container.encode(self.resumeGatewayURL, forKey: .resumeGatewayURL)
        try container.encode(self.guilds, forKey: .guilds)
        try container.encodeIfPresent(self.applicationID.map(PartialApplication.init(id:)), forKey: .application)
    }
}
