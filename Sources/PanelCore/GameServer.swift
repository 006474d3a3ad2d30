/// A game server as a panel lists it, in terms every backend can fill.
///
/// Backends map their own models to this one (Pterodactyl and Pelican: `PanelServer`; the demo: its simulation).
public struct GameServer: Sendable, Hashable {
    /// The identifier the backend's routes take.
    public var id: ServerID
    /// The display name: any text. Escape Markdown and mentions before showing it.
    public var name: String
    /// The description; may be empty.
    public var description: String?
    /// The node (host machine) the server runs on, when the backend says.
    public var nodeName: String?
    /// Resource limits.
    public var limits: ServerLimits
    /// The server's addresses; may be empty when the key may not see them.
    public var allocations: [ServerAllocation]
    /// A state the listing itself already fixes (suspended, installing, transferring, restoring a backup, node
    /// in maintenance): live usage would only be refused. `nil` when live usage is worth asking.
    public var listedState: ServerState?
    /// What the panel says about the game (image, startup variables), for player-count queries.
    public var gameHints: GameHints
    /// The panel's display name when the bot serves several panels (``MultiPanelBackend`` sets it); `nil` with one.
    public var panelName: String?
    /// What the server's panel offers (a PEON server has no address and no kill); `nil`: the backend's own.
    public var capabilities: PanelCapabilities?

    /// Creates a server value.
    public init(
        id: ServerID,
        name: String,
        description: String? = nil,
        nodeName: String? = nil,
        limits: ServerLimits = ServerLimits(),
        allocations: [ServerAllocation] = [],
        listedState: ServerState? = nil,
        gameHints: GameHints = GameHints()
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.nodeName = nodeName
        self.limits = limits
        self.allocations = allocations
        self.listedState = listedState
        self.gameHints = gameHints
    }

    /// A placeholder for a server the bot tracks but the panel has not listed (yet): its identifier as name.
    /// - Parameter id: The server.
    public init(unlisted id: ServerID) {
        self.init(id: id, name: id.rawValue)
    }

    /// The default allocation, the one players connect to.
    public var primaryAllocation: ServerAllocation? { allocations.primary }

    /// The address to show users, e.g. `play.example.com:25565`.
    public var address: String? { primaryAllocation?.address }

    /// The ports of the non-default allocations, ascending.
    public var additionalPorts: [Int] { allocations.additionalPorts }
}
