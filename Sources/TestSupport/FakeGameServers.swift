import NIOCore
import NIOPosix
import Synchronization

// In-process game servers on 127.0.0.1 for the player-count queries. Every byte they send follows
// `game-queries.md` (the shared reference), section by section; they encode on their own, without the
// GameQuery target, so that a codec bug is not mirrored by its fake.

/// How a fake game server answers a request.
public enum FakeGameServerBehavior: Sendable {
    /// Answers at once.
    case answer
    /// Answers after this much real time.
    case delay(Duration)
    /// Answers once the gate opens (a deterministic "slow" server).
    case gated(Gate)
    /// Never answers (the connection or socket stays open).
    case never
    /// Sends these bytes instead of an answer (the TCP fake then closes the connection).
    case garbage([UInt8])
    /// Sends a well-framed answer of about this many bytes (a huge favicon or MOTD). A UDP datagram is capped
    /// at 65,000 bytes.
    case oversized(bytes: Int)
}

/// Counts requests and connections for a fake, and lets a test wait until a number of requests has arrived.
public final class FakeGameServerLog: Sendable {
    private struct State {
        var requests = 0
        var open = 0
        var maxOpen = 0
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    /// Requests received so far.
    public var requests: Int { state.withLock { $0.requests } }
    /// The most connections (TCP) open at the same time.
    public var maxOpenConnections: Int { state.withLock { $0.maxOpen } }

    /// Returns once at least `count` requests have arrived.
    public func waitForRequests(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.requests >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func recordRequest() {
        let ready = state.withLock { state in
            state.requests += 1
            let count = state.requests
            defer { state.waiters.removeAll { $0.count <= count } }
            return state.waiters.filter { $0.count <= count }.map(\.continuation)
        }
        for waiter in ready { waiter.resume() }
    }

    func connectionOpened() {
        state.withLock { state in
            state.open += 1
            state.maxOpen = max(state.maxOpen, state.open)
        }
    }

    func connectionClosed() {
        state.withLock { $0.open -= 1 }
    }
}

// MARK: - Minecraft Java (game-queries.md §1)

/// A Minecraft Java Server List Ping server on TCP loopback.
public final class FakeJavaServer: Sendable {
    /// A handshake as received.
    public struct Handshake: Sendable, Equatable {
        /// The protocol version field (−1 when just pinging).
        public var protocolVersion: Int32
        /// The server address field.
        public var address: String
        /// The port field.
        public var port: UInt16
        /// The next state field (1 = status).
        public var nextState: Int32

        /// Creates a handshake value (for comparing with what arrived).
        public init(protocolVersion: Int32, address: String, port: UInt16, nextState: Int32) {
            self.protocolVersion = protocolVersion
            self.address = address
            self.port = port
            self.nextState = nextState
        }
    }

    /// A status JSON in the shape of §1's example: version, players with a sample, a chat-component MOTD
    /// with `extra` and legacy `§` codes, and a favicon.
    public static let sampleStatusJSON = """
        {"version":{"name":"1.21.4","protocol":769},\
        "players":{"max":40,"online":12,"sample":[{"name":"Alex","id":"00000000-0000-0000-0000-000000000001"},\
        {"name":"\u{A7}aSteve","id":"00000000-0000-0000-0000-000000000002"}]},\
        "description":{"text":"\u{A7}6Welcome ","extra":[{"text":"to ","bold":true},"the \u{A7}lfake",\
        {"text":"","extra":[{"text":" server"}]}]},\
        "favicon":"data:image/png;base64,iVBORw0KGgo=","enforcesSecureChat":false}
        """

    private let channel: any Channel
    /// What arrived.
    public let log: FakeGameServerLog
    private let recorder: HandshakeRecorder
    /// The port on 127.0.0.1.
    public let port: Int

    /// Handshakes received, in order.
    public var handshakes: [Handshake] { recorder.all }

    private init(channel: any Channel, port: Int, log: FakeGameServerLog, recorder: HandshakeRecorder) {
        self.channel = channel
        self.port = port
        self.log = log
        self.recorder = recorder
    }

    /// Starts the server.
    /// - Parameters:
    ///   - statusJSON: The JSON sent in the status response.
    ///   - behavior: How to answer.
    /// - Returns: The running server; call ``shutdown()`` when done.
    public static func start(
        statusJSON: String = sampleStatusJSON,
        behavior: FakeGameServerBehavior = .answer
    ) async throws -> FakeJavaServer {
        let log = FakeGameServerLog()
        let recorder = HandshakeRecorder()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        JavaConnectionHandler(statusJSON: statusJSON, behavior: behavior, log: log) {
                            recorder.append($0)
                        }
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            try await channel.close()
            throw LoopbackServerError.noPort
        }
        return FakeJavaServer(channel: channel, port: port, log: log, recorder: recorder)
    }

    /// Closes the listening socket.
    public func shutdown() async throws {
        try await channel.close()
    }
}

/// The handshakes a ``FakeJavaServer``'s connections received.
private final class HandshakeRecorder: Sendable {
    private let list = Mutex<[FakeJavaServer.Handshake]>([])

    var all: [FakeJavaServer.Handshake] { list.withLock { $0 } }

    func append(_ handshake: FakeJavaServer.Handshake) {
        list.withLock { $0.append(handshake) }
    }
}

/// Reads `VarInt length | VarInt id | payload` frames (§1, Framing): the handshake, then the status request.
private final class JavaConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let statusJSON: String
    private let behavior: FakeGameServerBehavior
    private let log: FakeGameServerLog
    private let onHandshake: @Sendable (FakeJavaServer.Handshake) -> Void
    private var received: [UInt8] = []
    private var frames = 0

    init(
        statusJSON: String,
        behavior: FakeGameServerBehavior,
        log: FakeGameServerLog,
        onHandshake: @escaping @Sendable (FakeJavaServer.Handshake) -> Void
    ) {
        self.statusJSON = statusJSON
        self.behavior = behavior
        self.log = log
        self.onHandshake = onHandshake
    }

    func channelActive(context: ChannelHandlerContext) {
        log.connectionOpened()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        log.connectionClosed()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received.append(contentsOf: unwrapInboundIn(data).readableBytesView)
        while let (body, used) = FakeVarInt.frame(in: received) {
            received.removeFirst(used)
            frames += 1
            if frames == 1 {
                if let handshake = Self.parseHandshake(body) { onHandshake(handshake) }
            } else if frames == 2, body == [0x00] {
                // §1, Status request: id 0x00 with an empty payload.
                log.recordRequest()
                respond(context: context)
            }
        }
    }

    /// §1, Handshake (id 0x00): VarInt protocol version, String address, unsigned short port (big-endian),
    /// VarInt next state.
    private static func parseHandshake(_ body: [UInt8]) -> FakeJavaServer.Handshake? {
        var rest = body[...]
        guard let id = FakeVarInt.read(&rest), id == 0x00,
            let version = FakeVarInt.read(&rest),
            let length = FakeVarInt.read(&rest), length >= 0, rest.count >= Int(length) + 2
        else { return nil }
        let address = String(decoding: rest.prefix(Int(length)), as: UTF8.self)
        rest = rest.dropFirst(Int(length))
        let port = UInt16(rest[rest.startIndex]) << 8 | UInt16(rest[rest.startIndex + 1])
        rest = rest.dropFirst(2)
        guard let next = FakeVarInt.read(&rest) else { return nil }
        return FakeJavaServer.Handshake(protocolVersion: version, address: address, port: port, nextState: next)
    }

    private func respond(context: ChannelHandlerContext) {
        let channel = context.channel
        let statusJSON = self.statusJSON
        switch behavior {
        case .answer:
            Self.sendStatus(statusJSON, on: channel)
        case .delay(let duration):
            channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(duration / .nanoseconds(1)))) {
                Self.sendStatus(statusJSON, on: channel)
            }
        case .gated(let gate):
            let promise = channel.eventLoop.makePromise(of: Void.self)
            promise.completeWithTask { await gate.pass("java.status") }
            promise.futureResult.whenSuccess { Self.sendStatus(statusJSON, on: channel) }
        case .never:
            break
        case .garbage(let bytes):
            channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).whenComplete { _ in
                channel.close(promise: nil)
            }
        case .oversized(let size):
            // A real response whose favicon makes it `size` bytes long, as a modded server's might.
            let padding = String(repeating: "A", count: max(0, size))
            let json =
                #"{"version":{"name":"1.21.4","protocol":769},"players":{"max":1,"online":0},"#
                + #""description":"big","favicon":"data:image/png;base64,"# + padding + #""}"#
            Self.sendStatus(json, on: channel)
        }
    }

    /// §1, Status response (id 0x00): one String (VarInt byte length, UTF-8) holding the JSON, framed.
    private static func sendStatus(_ json: String, on channel: any Channel) {
        let utf8 = Array(json.utf8)
        let body = FakeVarInt.encode(0x00) + FakeVarInt.encode(Int32(utf8.count)) + utf8
        let frame = FakeVarInt.encode(Int32(body.count)) + body
        channel.writeAndFlush(channel.allocator.buffer(bytes: frame), promise: nil)
    }
}

/// §1, Framing: 7 bits per byte, least significant group first, 0x80 = more follows, at most 5 bytes.
private enum FakeVarInt {
    static func encode(_ value: Int32) -> [UInt8] {
        var rest = UInt32(bitPattern: value)
        var bytes: [UInt8] = []
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
        return bytes
    }

    static func read(_ bytes: inout ArraySlice<UInt8>) -> Int32? {
        var value: UInt32 = 0
        for shift in 0..<5 {
            guard let byte = bytes.popFirst() else { return nil }
            value |= UInt32(byte & 0x7F) << UInt32(7 * shift)
            if byte & 0x80 == 0 { return Int32(bitPattern: value) }
        }
        return nil
    }

    /// A complete frame's body (id and payload) and the bytes it used, or nil while incomplete.
    static func frame(in bytes: [UInt8]) -> (body: [UInt8], used: Int)? {
        var rest = bytes[...]
        guard let length = read(&rest), length >= 0, rest.count >= Int(length) else { return nil }
        let start = rest.startIndex
        return (Array(rest[start..<start + Int(length)]), start + Int(length))
    }
}

// MARK: - UDP (game-queries.md §2 and §3)

/// A UDP responder on 127.0.0.1: every datagram goes to `reply`, whose answer is sent back per the behavior.
public final class FakeUDPGameServer: Sendable {
    private let channel: any Channel
    /// What arrived.
    public let log: FakeGameServerLog
    private let datagrams: Mutex<[[UInt8]]>
    /// The port on 127.0.0.1.
    public let port: Int

    /// Every datagram received, in order.
    public var received: [[UInt8]] { datagrams.withLock { $0 } }

    fileprivate init(channel: any Channel, port: Int, log: FakeGameServerLog) {
        self.channel = channel
        self.port = port
        self.log = log
        self.datagrams = Mutex([])
    }

    fileprivate func record(_ datagram: [UInt8]) {
        datagrams.withLock { $0.append(datagram) }
        log.recordRequest()
    }

    /// Starts a responder whose answers `reply` computes (nil: stay silent for this datagram).
    fileprivate static func start(
        behavior: FakeGameServerBehavior,
        reply: @escaping @Sendable ([UInt8]) -> [UInt8]?
    ) async throws -> FakeUDPGameServer {
        let log = FakeGameServerLog()
        let box = ServerBox()
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        DatagramResponder(behavior: behavior, reply: reply) { box.server?.record($0) }
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            try await channel.close()
            throw LoopbackServerError.noPort
        }
        let server = FakeUDPGameServer(channel: channel, port: port, log: log)
        box.server = server
        return server
    }

    /// Closes the socket.
    public func shutdown() async throws {
        try await channel.close()
    }
}

/// Lets the responder reach its server, which exists only once the socket is bound.
private final class ServerBox: Sendable {
    private let value = Mutex<FakeUDPGameServer?>(nil)

    var server: FakeUDPGameServer? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// Records each datagram and answers it according to the behavior.
private final class DatagramResponder: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let behavior: FakeGameServerBehavior
    private let reply: @Sendable ([UInt8]) -> [UInt8]?
    private let record: @Sendable ([UInt8]) -> Void

    init(
        behavior: FakeGameServerBehavior,
        reply: @escaping @Sendable ([UInt8]) -> [UInt8]?,
        record: @escaping @Sendable ([UInt8]) -> Void
    ) {
        self.behavior = behavior
        self.reply = reply
        self.record = record
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let request = Array(envelope.data.readableBytesView)
        record(request)
        let channel = context.channel
        let peer = envelope.remoteAddress
        @Sendable func send(_ bytes: [UInt8]) {
            let buffer = channel.allocator.buffer(bytes: bytes)
            channel.writeAndFlush(AddressedEnvelope(remoteAddress: peer, data: buffer), promise: nil)
        }
        switch behavior {
        case .answer:
            if let answer = reply(request) { send(answer) }
        case .delay(let duration):
            let answer = reply(request)
            channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(duration / .nanoseconds(1)))) {
                if let answer { send(answer) }
            }
        case .gated(let gate):
            let answer = reply(request)
            let promise = channel.eventLoop.makePromise(of: Void.self)
            promise.completeWithTask { await gate.pass("udp.answer") }
            promise.futureResult.whenSuccess { if let answer { send(answer) } }
        case .never:
            break
        case .garbage(let bytes):
            send(bytes)
        case .oversized(let size):
            // A well-formed answer padded past any sane size (the largest UDP payload is 65,507 bytes).
            guard var answer = reply(request) else { return }
            answer += [UInt8](repeating: 0x41, count: max(0, min(size, 65_000) - answer.count))
            send(answer)
        }
    }
}

/// Fake Minecraft Bedrock servers (`game-queries.md` §2).
public enum FakeBedrockServer {
    /// RakNet's magic, `00ffff00fefefefefdfdfdfd12345678` (§2).
    public static let magic: [UInt8] = [
        0x00, 0xFF, 0xFF, 0x00, 0xFE, 0xFE, 0xFE, 0xFE, 0xFD, 0xFD, 0xFD, 0xFD, 0x12, 0x34, 0x56, 0x78,
    ]

    /// A server ID string in §2's layout:
    /// `MCPE;<MOTD>;<protocol>;<version>;<online>;<max>;<server GUID>;<sub-MOTD>;<game mode>;<number>;<v4>;<v6>;`.
    public static let sampleServerID =
        "MCPE;\u{A7}bFake Bedrock;766;1.21.50;3;10;1234567890123456789;Fake World;Survival;1;19132;19133;"

    /// The server GUID sent in every pong.
    public static let serverGUID: Int64 = 0x0102_0304_0506_0708

    /// Starts a responder to unconnected pings.
    /// - Parameters:
    ///   - serverID: The string in the pong.
    ///   - behavior: How to answer.
    /// - Returns: The running responder; call `shutdown()` when done.
    public static func start(
        serverID: String = sampleServerID,
        behavior: FakeGameServerBehavior = .answer
    ) async throws -> FakeUDPGameServer {
        try await FakeUDPGameServer.start(behavior: behavior) { request in
            pong(to: request, serverID: serverID)
        }
    }

    /// §2, Reply: `0x1C | int64 time (echoed) | int64 server GUID | magic | uint16 BE length | string`, for a
    /// request `0x01 | int64 BE client time | magic | int64 client GUID`; nil for anything else.
    public static func pong(to request: [UInt8], serverID: String) -> [UInt8]? {
        guard request.count == 33, request[0] == 0x01, Array(request[9..<25]) == magic else { return nil }
        let utf8 = Array(serverID.utf8)
        let guid = (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(bitPattern: serverGUID) >> (8 * $0)) }
        var pong: [UInt8] = [0x1C]
        pong += request[1..<9]
        pong += guid
        pong += magic
        pong += [UInt8(utf8.count >> 8), UInt8(utf8.count & 0xFF)]
        return pong + utf8
    }
}

/// The fields of a fake A2S_INFO reply (§3).
public struct FakeA2SInfo: Sendable {
    public var name = "Fake Source Server"
    public var map = "de_dust2"
    public var folder = "cstrike"
    public var game = "Counter-Strike"
    public var appID: UInt16 = 10
    public var players: UInt8 = 7
    public var maxPlayers: UInt8 = 24
    public var bots: UInt8 = 2
    public var version = "1.0.0.1"
    /// When set, the Extra Data Flag 0x80 and this game port follow the version.
    public var gamePort: UInt16? = 27015

    /// The defaults above.
    public init() {}
}

/// Fake Steam / Source servers answering A2S_INFO (`game-queries.md` §3).
public enum FakeA2SServer {
    private static let header: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
    /// §3, Request: `FF FF FF FF 54` then `"Source Engine Query\0"` (25 bytes).
    public static let request: [UInt8] = header + [0x54] + Array("Source Engine Query".utf8) + [0x00]

    /// Starts a responder.
    /// - Parameters:
    ///   - info: What the info reply says.
    ///   - challenge: When set, a request without these 4 bytes appended gets `FF FF FF FF 41 <challenge>`.
    ///   - behavior: How to answer.
    /// - Returns: The running responder; call `shutdown()` when done.
    public static func start(
        info: FakeA2SInfo = FakeA2SInfo(),
        challenge: UInt32? = nil,
        behavior: FakeGameServerBehavior = .answer
    ) async throws -> FakeUDPGameServer {
        try await FakeUDPGameServer.start(behavior: behavior) { datagram in
            answer(to: datagram, info: info, challenge: challenge)
        }
    }

    /// The answer to one datagram: nil unless it starts with the request.
    public static func answer(to datagram: [UInt8], info: FakeA2SInfo, challenge: UInt32?) -> [UInt8]? {
        guard datagram.count >= 25, Array(datagram[0..<25]) == request else { return nil }
        if let challenge {
            // §3, Challenge: resend with the 4 bytes appended (29 bytes); anything else is asked again.
            let expected = littleEndian(UInt64(challenge), size: 4)
            guard datagram.count == 29, Array(datagram[25...]) == expected else {
                return header + [0x41] + expected
            }
        }
        return infoReply(info)
    }

    /// §3, Reply: `FF FF FF FF 49`, byte protocol, strings name, map, folder, game, short app id, bytes
    /// players, max players, bots, server type, environment, visibility, VAC, string version, then the
    /// optional Extra Data Flag (0x80: game port).
    public static func infoReply(_ info: FakeA2SInfo) -> [UInt8] {
        func string(_ text: String) -> [UInt8] { Array(text.utf8) + [0x00] }
        var bytes = header + [0x49, 17]
        bytes += string(info.name) + string(info.map) + string(info.folder) + string(info.game)
        bytes += littleEndian(UInt64(info.appID), size: 2)
        bytes += [info.players, info.maxPlayers, info.bots]
        bytes += [UInt8(ascii: "d"), UInt8(ascii: "l"), 0, 1]
        bytes += string(info.version)
        if let gamePort = info.gamePort {
            bytes += [0x80] + littleEndian(UInt64(gamePort), size: 2)
        }
        return bytes
    }

    private static func littleEndian(_ value: UInt64, size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
}
