/// The `d` of op 2 IDENTIFY, which starts a new session.
///
/// Its `description` never shows the token.
/// See https://discord.com/developers/docs/events/gateway-events#identify
public struct GatewayIdentify: Sendable, Hashable, Encodable, CustomStringConvertible, CustomReflectable {
    /// The bot token (without the `Bot ` prefix).
    public var token: String
    /// Connection properties (os, browser, device).
    public var properties: ConnectionProperties
    /// Whether the server should compress individual payloads (always false: we use transport compression).
    public var compress: Bool
    /// The presence to start with, if any.
    public var presence: GatewayPresenceUpdate?
    /// The gateway intents.
    public var intents: GatewayIntents

    /// Creates an IDENTIFY payload.
    /// - Parameters:
    ///   - token: the bot token.
    ///   - intents: the gateway intents.
    ///   - properties: connection properties.
    ///   - presence: the initial presence.
    public init(
        token: String,
        intents: GatewayIntents,
        properties: ConnectionProperties = .init(),
        presence: GatewayPresenceUpdate? = nil
    ) {
        self.token = token
        self.properties = properties
        self.compress = false
        self.presence = presence
        self.intents = intents
    }

    /// The `properties` object of IDENTIFY.
    public struct ConnectionProperties: Sendable, Hashable, Codable {
        /// The operating system.
        public var os: String
        /// The library name.
        public var browser: String
        /// The library name.
        public var device: String

        /// Creates connection properties.
        /// - Parameters:
        ///   - os: the operating system (default: the one compiled for).
        ///   - browser: the library name.
        ///   - device: the library name.
        public init(
            os: String = ConnectionProperties.currentOS,
            browser: String = "pterodisbot",
            device: String = "pterodisbot"
        ) {
            self.os = os
            self.browser = browser
            self.device = device
        }

        /// The operating system this binary was compiled for.
        public static var currentOS: String {
            #if os(Linux)
            "linux"
            #elseif os(macOS)
            "macos"
            #elseif os(Windows)
            "windows"
            #else
            "unknown"
            #endif
        }
    }

    private enum CodingKeys: String, CodingKey {
        case token, properties, compress, presence, intents
    }

    /// Encodes all fields (``GatewayCommand/jsonText()`` sorts the keys, which puts `token` last).
    /// - Throws: `EncodingError` from the encoder.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.intents, forKey: .intents)
        try container.encode(self.properties, forKey: .properties)
        try container.encode(self.compress, forKey: .compress)
        try container.encodeIfPresent(self.presence, forKey: .presence)
        try container.encode(self.token, forKey: .token)
    }

    /// A description with the token redacted.
    public var description: String {
        "GatewayIdentify(token: <redacted>, intents: \(self.intents), properties: \(self.properties))"
    }

    /// Mirrors only non-secret fields, so `dump` and string interpolation never show the token.
    public var customMirror: Mirror {
        Mirror(self, children: ["intents": self.intents, "properties": self.properties])
    }
}

/// The `d` of op 6 RESUME, which replays missed events of an existing session.
///
/// Its `description` never shows the token.
/// See https://discord.com/developers/docs/events/gateway-events#resume
public struct GatewayResume: Sendable, Hashable, Encodable, CustomStringConvertible, CustomReflectable {
    /// The bot token.
    public var token: String
    /// The session to resume.
    public var sessionID: String
    /// The last sequence number received.
    public var sequence: Int?

    /// Creates a RESUME payload.
    /// - Parameters:
    ///   - token: the bot token.
    ///   - sessionID: the session from READY.
    ///   - sequence: the last sequence number received.
    public init(token: String, sessionID: String, sequence: Int?) {
        self.token = token
        self.sessionID = sessionID
        self.sequence = sequence
    }

    private enum CodingKeys: String, CodingKey {
        case token
        case sessionID = "session_id"
        case sequence = "seq"
    }

    /// Encodes all fields; `seq` is written as `null` when nil.
    /// - Throws: `EncodingError` from the encoder.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.sessionID, forKey: .sessionID)
        try container.encode(self.sequence, forKey: .sequence)
        try container.encode(self.token, forKey: .token)
    }

    /// A description with the token redacted.
    public var description: String {
        "GatewayResume(token: <redacted>, sessionID: \(self.sessionID), sequence: \(self.sequence.map(String.init) ?? "nil"))"
    }

    /// Mirrors only non-secret fields.
    public var customMirror: Mirror {
        Mirror(self, children: ["sessionID": self.sessionID, "sequence": self.sequence as Any])
    }
}
