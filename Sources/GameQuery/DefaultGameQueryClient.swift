import ClientSupport
import Logging
import NIOCore
import NIOPosix

/// Queries game servers over SwiftNIO: TCP for Minecraft Java, UDP for Bedrock and A2S.
///
/// Every query has the configured timeout and size cap, and at most
/// ``GameQueryConfiguration/maxConcurrentQueries`` run at once; the rest wait their turn in arrival order.
public final class DefaultGameQueryClient: GameQueryClient {
    /// The settings in use.
    public let configuration: GameQueryConfiguration
    private let group: any EventLoopGroup
    private let limiter: ConcurrencyLimiter
    private let logger: Logger

    /// Creates a client.
    /// - Parameters:
    ///   - configuration: Timeout, caps and the concurrency limit.
    ///   - eventLoopGroup: Where the sockets run.
    ///   - logger: Logs each query's outcome at `debug`.
    public init(
        configuration: GameQueryConfiguration = GameQueryConfiguration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.group = eventLoopGroup
        self.limiter = ConcurrencyLimiter(limit: configuration.maxConcurrentQueries)
        self.logger = logger
    }

    /// Queries waiting for a turn.
    public var queuedQueries: Int { limiter.queued }

    /// For tests: returns once at least `count` queries wait for a turn.
    func waitUntilQueued(_ count: Int) async {
        await limiter.waitUntilQueued(count)
    }

    public func playerCount(of target: GameQueryTarget) async throws -> PlayerCount {
        switch target.queryProtocol {
        case .java:
            let status = try await javaStatus(host: target.host, port: target.port)
            return PlayerCount(
                online: status.online,
                max: status.max,
                names: status.sample,
                version: status.versionName,
                motd: status.motd
            )
        case .bedrock:
            let server = try await bedrockPong(host: target.host, port: target.port).serverID
            return PlayerCount(online: server.online, max: server.max, version: server.version, motd: server.motd)
        case .a2s:
            let info = try await a2sInfo(host: target.host, port: target.port)
            return PlayerCount(
                online: info.humans,
                max: info.maxPlayers,
                bots: info.bots,
                version: info.version,
                motd: info.name,
                map: info.map
            )
        }
    }

    /// Asks a Minecraft Java server for its status (Server List Ping, `game-queries.md` §1).
    /// - Parameters:
    ///   - host: The host name the player would type; it is also sent in the handshake.
    ///   - port: The server port.
    /// - Returns: The status.
    /// - Throws: ``GameQueryError`` or `CancellationError`.
    public func javaStatus(host: String, port: Int) async throws -> JavaStatus {
        let port16 = try validate(host: host, port: port)
        let request = JavaStatusCodec.handshake(host: host, port: port16) + JavaStatusCodec.statusRequest
        return try await run(.java, host: host, port: port) {
            let packet = try await QueryExchange.javaPacket(
                host: host,
                port: port,
                request: request,
                timeout: configuration.timeout,
                maxBytes: configuration.maxResponseBytes,
                group: group
            )
            return try JavaStatusCodec.decodeStatusResponse(packet)
        }
    }

    /// Sends a RakNet unconnected ping to a Minecraft Bedrock server (`game-queries.md` §2).
    /// - Parameters:
    ///   - host: Host name or address.
    ///   - port: The server port.
    /// - Returns: The pong.
    /// - Throws: ``GameQueryError`` or `CancellationError`.
    public func bedrockPong(host: String, port: Int) async throws -> BedrockPong {
        _ = try validate(host: host, port: port)
        // The server only echoes the time field, so a random value serves to match the pong to this ping.
        let conversation = BedrockConversation(
            time: Int64.random(in: 0...Int64.max),
            clientGUID: Int64.random(in: 0...Int64.max)
        )
        return try await run(.bedrock, host: host, port: port) {
            try await datagramExchange(host: host, port: port, conversation: conversation)
        }
    }

    /// Asks a Steam / Source server for A2S_INFO, answering its challenge if it sends one
    /// (`game-queries.md` §3).
    /// - Parameters:
    ///   - host: Host name or address.
    ///   - port: The query port.
    /// - Returns: The info.
    /// - Throws: ``GameQueryError`` or `CancellationError`.
    public func a2sInfo(host: String, port: Int) async throws -> A2SInfo {
        _ = try validate(host: host, port: port)
        return try await run(.a2s, host: host, port: port) {
            try await datagramExchange(host: host, port: port, conversation: A2SConversation())
        }
    }

    // MARK: - Private

    private func datagramExchange<Conversation: DatagramConversation>(
        host: String,
        port: Int,
        conversation: Conversation
    ) async throws -> Conversation.Answer {
        try await QueryExchange.datagram(
            host: host,
            port: port,
            conversation: conversation,
            timeout: configuration.timeout,
            attempts: configuration.datagramAttempts,
            maxBytes: configuration.maxDatagramBytes,
            group: group
        )
    }

    private func validate(host: String, port: Int) throws(GameQueryError) -> UInt16 {
        guard !host.isEmpty else { throw .invalidTarget("empty host") }
        // The handshake's address is a String of at most 255 characters (wiki.vg Handshake); no DNS name is longer.
        guard host.utf8.count <= 255 else { throw .invalidTarget("host longer than 255 bytes") }
        guard let port16 = UInt16(exactly: port), port16 > 0 else { throw .invalidTarget("port \(port)") }
        return port16
    }

    /// Runs one query in its turn and logs the outcome once.
    private func run<Answer: Sendable>(
        _ queryProtocol: GameQueryProtocol,
        host: String,
        port: Int,
        _ body: () async throws -> Answer
    ) async throws -> Answer {
        var logger = self.logger
        logger[metadataKey: "game.query.target"] = "\(queryProtocol.rawValue)@\(host):\(port)"
        do {
            let answer = try await limiter.withPermit(body)
            logger.trace("game query answered")
            return answer
        } catch let error as GameQueryError {
            logger.debug("game query failed", metadata: ["error": "\(error)"])
            throw error
        }
    }
}
