/// What a game server said about its players, whatever protocol it speaks.
public struct PlayerCount: Sendable, Hashable {
    /// Players online. For A2S this is humans only: players minus bots.
    public var online: Int
    /// The player limit the server announces.
    public var max: Int
    /// Names of some online players when the server shares them (Minecraft Java's sample), otherwise empty.
    public var names: [String]
    /// Bots counted by the server (A2S only), excluded from ``online``.
    public var bots: Int?
    /// The game version the server announces.
    public var version: String?
    /// The server's message of the day or name, as plain text.
    public var motd: String?
    /// The current map (A2S only).
    public var map: String?

    /// Creates a player count.
    public init(
        online: Int,
        max: Int,
        names: [String] = [],
        bots: Int? = nil,
        version: String? = nil,
        motd: String? = nil,
        map: String? = nil
    ) {
        self.online = online
        self.max = max
        self.names = names
        self.bots = bots
        self.version = version
        self.motd = motd
        self.map = map
    }
}

/// The public protocols a game server can be asked for its player count.
public enum GameQueryProtocol: String, Sendable, Hashable, CaseIterable {
    /// Minecraft Java Edition Server List Ping (TCP, default port 25565).
    case java
    /// Minecraft Bedrock Edition RakNet unconnected ping (UDP, default port 19132).
    case bedrock
    /// Steam / Source engine A2S_INFO (UDP).
    case a2s
}

/// Where and how to ask one game server.
public struct GameQueryTarget: Sendable, Hashable, CustomStringConvertible {
    /// The protocol the server answers.
    public var queryProtocol: GameQueryProtocol
    /// Host name or IP address (the server's allocation ip or alias).
    public var host: String
    /// The query port (for A2S often not the game port).
    public var port: Int

    /// Creates a target.
    public init(_ queryProtocol: GameQueryProtocol, host: String, port: Int) {
        self.queryProtocol = queryProtocol
        self.host = host
        self.port = port
    }

    public var description: String { "\(queryProtocol.rawValue)@\(host):\(port)" }
}
