/// What live stats are doing, for `/bot_status` and the metrics.
public struct LiveStatsStatus: Sendable, Hashable {
    /// A node whose sockets fell back to polling.
    public struct NodeFallBack: Sendable, Hashable {
        /// The node's name (``LiveStatsStateMachine/unknownNode`` when the list does not say).
        public var node: String
        /// Why, as the first socket of the node to fall back reported it (names the fix, never a secret).
        public var reason: String
        /// How many of the node's servers are polled because their socket fell back.
        public var servers: Int

        /// Creates a node entry.
        public init(node: String, reason: String, servers: Int) {
            self.node = node
            self.reason = reason
            self.servers = servers
        }
    }

    /// Sockets open and answering: their servers cost no panel request.
    public var liveSockets: Int
    /// Sockets open (or opening) that have not delivered a sample yet.
    public var connectingSockets: Int
    /// Nodes falling back to polling, by name.
    public var fallingBack: [NodeFallBack]
    /// Watched servers answered by polling (no socket: over the cap, or a state the panel fixes; socket not live
    /// yet, fallen back or silent).
    public var polledServers: Int

    /// Creates a status.
    public init(liveSockets: Int, connectingSockets: Int, fallingBack: [NodeFallBack], polledServers: Int) {
        self.liveSockets = liveSockets
        self.connectingSockets = connectingSockets
        self.fallingBack = fallingBack
        self.polledServers = polledServers
    }
}
