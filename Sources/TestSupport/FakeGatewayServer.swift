import CZlib
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An in-process Discord gateway on 127.0.0.1 for driver tests, built on SwiftNIO's WebSocket upgrader.
///
/// Every connection gets HELLO with ``Configuration/heartbeatInterval``. IDENTIFY gets READY (a new session whose
/// `resume_gateway_url` is ``resumeURL``), RESUME of a known session gets the missed dispatches replayed and
/// RESUMED, heartbeats get ACKs (unless a connection is told to stop: a zombie). Tests script the rest
/// (op 1, op 7, op 9, dispatches, closes, drops) and await what the client did with the `waitFor…` methods,
/// which resume on the recorded event, with a timeout only as a failure guard.
public final class FakeGatewayServer: Sendable {
    /// Server behaviour.
    public struct Configuration: Sendable {
        /// The interval sent in HELLO (small in tests: this is the fake's own protocol timing).
        public var heartbeatInterval: Duration
        /// Whether to answer IDENTIFY with READY automatically.
        public var sendsReadyOnIdentify: Bool
        /// With zlib-stream, split each compressed payload over two WebSocket messages.
        public var splitsCompressedPayloads: Bool
        /// How many of the first connections get no HELLO at all: the socket opens and stays silent (a stuck
        /// proxy or gateway node). Real Discord sends HELLO at once on connect
        /// (https://discord.com/developers/docs/events/gateway#connection-lifecycle).
        public var silentConnections: Int
        /// How many of the first TCP connections never get an answer to their WebSocket upgrade request: the
        /// socket is accepted and stays silent (a stuck proxy or load balancer in front of the gateway).
        public var unansweredUpgrades: Int

        /// Creates a configuration.
        /// - Parameters:
        ///   - heartbeatInterval: HELLO's interval (default 50 ms).
        ///   - sendsReadyOnIdentify: answer IDENTIFY with READY (default true).
        ///   - splitsCompressedPayloads: split compressed payloads in two messages (default false).
        ///   - silentConnections: how many first connections never get HELLO (default 0).
        ///   - unansweredUpgrades: how many first TCP connections never get the upgrade answer (default 0).
        public init(
            heartbeatInterval: Duration = .milliseconds(50),
            sendsReadyOnIdentify: Bool = true,
            splitsCompressedPayloads: Bool = false,
            silentConnections: Int = 0,
            unansweredUpgrades: Int = 0
        ) {
            self.heartbeatInterval = heartbeatInterval
            self.sendsReadyOnIdentify = sendsReadyOnIdentify
            self.splitsCompressedPayloads = splitsCompressedPayloads
            self.silentConnections = silentConnections
            self.unansweredUpgrades = unansweredUpgrades
        }
    }

    /// The port bound on 127.0.0.1.
    public let port: Int
    /// The URL to give the client as the `GET /gateway/bot` URL (path `/gateway`).
    public var url: String { "ws://127.0.0.1:\(self.port)/gateway" }
    /// The `resume_gateway_url` sent in READY (path `/resume`, so tests can tell the two apart).
    public var resumeURL: String { "ws://127.0.0.1:\(self.port)/resume" }

    private let serverChannel: any Channel
    private let state: Mutex<State>

    private struct LoggedDispatch: Sendable {
        var sequence: Int
        var name: String
        var data: String
    }

    private struct Session: Sendable {
        var id: String
        var dispatches: [LoggedDispatch] = []
        var lastSequence = 0
    }

    private struct Waiter {
        var id: Int
        var isSatisfied: @Sendable (FakeGatewayRecords) -> Bool
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var configuration: Configuration
        var records = FakeGatewayRecords()
        var connections: [Int: FakeGatewayConnection] = [:]
        var currentConnectionID: Int?
        var nonAcknowledging: Set<Int> = []
        var sessions: [String: Session] = [:]
        var currentSessionID: String?
        var waiters: [Waiter] = []
        var nextWaiterID = 0
    }

    private init(port: Int, serverChannel: any Channel, configuration: Configuration) {
        self.port = port
        self.serverChannel = serverChannel
        self.state = Mutex(State(configuration: configuration))
    }

    /// Starts a fake gateway on 127.0.0.1 with an ephemeral port.
    /// - Parameter configuration: server behaviour.
    /// - Returns: the running server; call ``shutdown()`` when done.
    /// - Throws: a NIO error if binding fails.
    public static func start(configuration: Configuration = Configuration()) async throws -> FakeGatewayServer {
        let serverBox = ServerBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                if let server = serverBox.server, server.leavesUpgradeUnanswered() {
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(UnansweredUpgradeHandler(server: server))
                    }
                }
                let upgrader = NIOWebSocketServerUpgrader(
                    maxFrameSize: 1 << 24,
                    shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
                    upgradePipelineHandler: { channel, head in
                        channel.eventLoop.makeCompletedFuture {
                            guard let server = serverBox.server else { throw FakeGatewayError.notStarted }
                            let handler = server.accept(channel: channel, uri: head.uri)
                            try channel.pipeline.syncOperations.addHandler(handler)
                        }
                    }
                )
                return channel.pipeline.configureHTTPServerPipeline(
                    withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in })
                )
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else { throw FakeGatewayError.notStarted }
        let server = FakeGatewayServer(port: port, serverChannel: channel, configuration: configuration)
        serverBox.server = server
        return server
    }

    /// Closes the listening socket and every connection, and fails pending waits.
    /// - Throws: a NIO error if closing fails.
    public func shutdown() async throws {
        let (connections, waiters) = self.state.withLock { state in
            let waiters = state.waiters
            state.waiters.removeAll()
            return (Array(state.connections.values), waiters)
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: FakeGatewayError.shutDown)
        }
        for connection in connections {
            connection.drop()
        }
        try await self.serverChannel.close()
    }

    // MARK: - Scripting

    /// Everything recorded so far.
    public var records: FakeGatewayRecords { self.state.withLock { $0.records } }

    /// The session ID of the latest READY.
    public var currentSessionID: String? { self.state.withLock { $0.currentSessionID } }

    /// Changes the HELLO interval for future connections.
    /// - Parameter interval: the new interval.
    public func setHeartbeatInterval(_ interval: Duration) {
        self.state.withLock { $0.configuration.heartbeatInterval = interval }
    }

    /// Stops ACKing heartbeats on the current connection (a zombie); later connections ACK again.
    /// - Throws: ``FakeGatewayError/noConnection`` without a connection.
    public func stopAcknowledgingHeartbeats() throws {
        try self.state.withLock { state in
            guard let id = state.currentConnectionID else { throw FakeGatewayError.noConnection }
            state.nonAcknowledging.insert(id)
        }
    }

    /// Sends op 1: asks the client to heartbeat now.
    /// - Throws: ``FakeGatewayError/noConnection`` without a connection.
    public func requestHeartbeat() throws {
        try self.currentConnection().send(#"{"op":1,"d":null}"#)
    }

    /// Sends op 7 RECONNECT.
    /// - Throws: ``FakeGatewayError/noConnection`` without a connection.
    public func sendReconnect() throws {
        try self.currentConnection().send(#"{"op":7,"d":null}"#)
    }

    /// Sends op 9 INVALID_SESSION; with `false` the session is forgotten.
    /// - Parameter resumable: the `d` of op 9.
    /// - Throws: ``FakeGatewayError/noConnection`` without a connection.
    public func sendInvalidSession(resumable: Bool) throws {
        let connection = try self.currentConnection()
        if !resumable {
            self.state.withLock { state in
                if let id = state.currentSessionID {
                    state.sessions[id] = nil
                }
                state.currentSessionID = nil
            }
        }
        connection.send(#"{"op":9,"d":\#(resumable)}"#)
    }

    /// Dispatches an event in the current session (next sequence number). With `deliver: false` it is only
    /// logged, as if lost on a dying connection, and is replayed on RESUME.
    /// - Parameters:
    ///   - name: the event name (`t`).
    ///   - data: the JSON of `d`.
    ///   - deliver: send it now (default) or only log it.
    /// - Returns: the sequence number given.
    /// - Throws: ``FakeGatewayError/noSession`` before READY, ``FakeGatewayError/noConnection`` without a
    ///   connection when delivering.
    @discardableResult
    public func dispatch(_ name: String, data: String, deliver: Bool = true) throws -> Int {
        let (sequence, connection) = try self.state.withLock { state -> (Int, FakeGatewayConnection?) in
            guard let id = state.currentSessionID, var session = state.sessions[id] else {
                throw FakeGatewayError.noSession
            }
            session.lastSequence += 1
            let sequence = session.lastSequence
            session.dispatches.append(LoggedDispatch(sequence: sequence, name: name, data: data))
            state.sessions[id] = session
            return (sequence, state.currentConnectionID.flatMap { state.connections[$0] })
        }
        if deliver {
            guard let connection else { throw FakeGatewayError.noConnection }
            connection.send(Self.dispatchText(name: name, sequence: sequence, data: data))
        }
        return sequence
    }

    /// Sends a raw text frame (for malformed payloads).
    /// - Parameter text: the frame content.
    /// - Throws: ``FakeGatewayError/noConnection`` without a connection.
    public func sendRaw(_ text: String) throws {
        try self.currentConnection().send(text)
    }

    /// Sends a close frame with `code` and closes once the client answers.
    /// - Parameter code: the close code, e.g. 4004.
    /// - Throws: ``FakeGatewayError/noConnection`` without a connection.
    public func close(code: UInt16) throws {
        try self.currentConnection().close(code: code)
    }

    /// Drops the TCP connection without a close frame.
    /// - Throws: ``FakeGatewayError/noConnection`` without a connection.
    public func dropConnection() throws {
        try self.currentConnection().drop()
    }

    // MARK: - Waiting

    /// Waits until `condition` holds for the records.
    /// - Parameters:
    ///   - description: what is awaited, for the timeout error.
    ///   - timeout: a failure guard only (default 5 s).
    ///   - condition: checked now and after every recorded event.
    /// - Returns: the records that satisfied it.
    /// - Throws: ``FakeGatewayError/timedOut(_:)``, ``FakeGatewayError/shutDown`` or `CancellationError`.
    @discardableResult
    public func waitUntil(
        _ description: String,
        timeout: Duration = .seconds(5),
        _ condition: @escaping @Sendable (FakeGatewayRecords) -> Bool
    ) async throws -> FakeGatewayRecords {
        try await withTimeout(timeout, orThrow: { FakeGatewayError.timedOut(description) }) {
            try await self.awaitCondition(condition)
        }
        return self.records
    }

    /// Waits for the `count`-th WebSocket connection.
    /// - Returns: that connection's details.
    /// - Throws: ``FakeGatewayError/timedOut(_:)`` after `timeout`.
    @discardableResult
    public func waitForConnection(count: Int = 1, timeout: Duration = .seconds(5)) async throws
        -> FakeGatewayConnectionInfo
    {
        try await self.waitUntil("\(count) connection(s)", timeout: timeout) { $0.connections.count >= count }
            .connections[count - 1]
    }

    /// Waits for the `count`-th IDENTIFY.
    /// - Returns: that IDENTIFY.
    /// - Throws: ``FakeGatewayError/timedOut(_:)`` after `timeout`.
    @discardableResult
    public func waitForIdentify(count: Int = 1, timeout: Duration = .seconds(5)) async throws -> FakeGatewayIdentify {
        try await self.waitUntil("\(count) identify(s)", timeout: timeout) { $0.identifies.count >= count }
            .identifies[count - 1]
    }

    /// Waits for the `count`-th RESUME.
    /// - Returns: that RESUME.
    /// - Throws: ``FakeGatewayError/timedOut(_:)`` after `timeout`.
    @discardableResult
    public func waitForResume(count: Int = 1, timeout: Duration = .seconds(5)) async throws -> FakeGatewayResume {
        try await self.waitUntil("\(count) resume(s)", timeout: timeout) { $0.resumes.count >= count }
            .resumes[count - 1]
    }

    /// Waits until `count` heartbeats in total have arrived.
    /// - Returns: all heartbeats so far.
    /// - Throws: ``FakeGatewayError/timedOut(_:)`` after `timeout`.
    @discardableResult
    public func waitForHeartbeats(count: Int, timeout: Duration = .seconds(5)) async throws -> [FakeGatewayHeartbeat] {
        try await self.waitUntil("\(count) heartbeat(s)", timeout: timeout) { $0.heartbeats.count >= count }
            .heartbeats
    }

    /// Waits for the `count`-th close frame sent by the client.
    /// - Returns: that close.
    /// - Throws: ``FakeGatewayError/timedOut(_:)`` after `timeout`.
    @discardableResult
    public func waitForClientClose(count: Int = 1, timeout: Duration = .seconds(5)) async throws -> FakeGatewayClose {
        try await self.waitUntil("\(count) client close(s)", timeout: timeout) { $0.clientCloses.count >= count }
            .clientCloses[count - 1]
    }

    /// Waits for the `count`-th presence update (op 3).
    /// - Returns: that update's activity names.
    /// - Throws: ``FakeGatewayError/timedOut(_:)`` after `timeout`.
    @discardableResult
    public func waitForPresenceUpdate(count: Int = 1, timeout: Duration = .seconds(5)) async throws -> [String] {
        try await self.waitUntil("\(count) presence update(s)", timeout: timeout) { $0.presenceUpdates.count >= count }
            .presenceUpdates[count - 1]
    }

    private func awaitCondition(_ condition: @escaping @Sendable (FakeGatewayRecords) -> Bool) async throws {
        let id = self.state.withLock { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let satisfied = self.state.withLock { state -> Bool in
                    if condition(state.records) { return true }
                    if Task.isCancelled { return false }
                    state.waiters.append(Waiter(id: id, isSatisfied: condition, continuation: continuation))
                    return false
                }
                if satisfied {
                    continuation.resume()
                } else if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Applies `change` to the records and wakes the waiters it satisfies.
    private func record(_ change: (inout FakeGatewayRecords) -> Void) {
        let ready = self.state.withLock { state -> [Waiter] in
            change(&state.records)
            let records = state.records
            let ready = state.waiters.filter { $0.isSatisfied(records) }
            state.waiters.removeAll { $0.isSatisfied(records) }
            return ready
        }
        for waiter in ready {
            waiter.continuation.resume()
        }
    }

    // MARK: - Connections

    private func currentConnection() throws -> FakeGatewayConnection {
        try self.state.withLock { state in
            guard let id = state.currentConnectionID, let connection = state.connections[id] else {
                throw FakeGatewayError.noConnection
            }
            return connection
        }
    }

    /// Whether the TCP connection being accepted is one of the first ``Configuration/unansweredUpgrades``.
    fileprivate func leavesUpgradeUnanswered() -> Bool {
        self.state.withLock { state in
            guard state.records.unansweredUpgrades < state.configuration.unansweredUpgrades else { return false }
            state.records.unansweredUpgrades += 1
            return true
        }
    }

    /// Called when the client gives up on a connection whose upgrade the fake never answered.
    fileprivate func unansweredConnectionClosed() {
        self.record { $0.abandonedUpgrades += 1 }
    }

    /// Called on the event loop when a WebSocket upgrade completes.
    fileprivate func accept(channel: any Channel, uri: String) -> FakeGatewayFrameHandler {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts.first ?? "")
        let query = parts.count > 1 ? String(parts[1]) : ""
        let compressed = query.split(separator: "&").contains("compress=zlib-stream")
        let (id, configuration) = self.state.withLock { state in
            (state.records.connections.count + 1, state.configuration)
        }
        let connection = FakeGatewayConnection(
            id: id,
            channel: channel,
            compressed: compressed,
            splitsCompressedPayloads: configuration.splitsCompressedPayloads
        )
        self.state.withLock { state in
            state.connections[id] = connection
            state.currentConnectionID = id
        }
        self.record {
            $0.connections.append(FakeGatewayConnectionInfo(id: id, path: path, query: query, compressed: compressed))
        }
        let milliseconds =
            configuration.heartbeatInterval.components.seconds * 1000
            + configuration.heartbeatInterval.components.attoseconds / 1_000_000_000_000_000
        if id > configuration.silentConnections {
            connection.send(#"{"op":10,"d":{"heartbeat_interval":\#(milliseconds)},"s":null,"t":null}"#)
        }
        return FakeGatewayFrameHandler(server: self, connection: connection)
    }

    /// Called on the event loop for every text or binary message from the client.
    fileprivate func received(_ bytes: [UInt8], on connection: FakeGatewayConnection) {
        let now = ContinuousClock.now
        let decoder = JSONDecoder()
        guard let envelope = try? decoder.decode(ClientEnvelope.self, from: Data(bytes)) else {
            self.record { $0.malformedPayloads += 1 }
            return
        }
        switch envelope.op {
        case 1:
            let sequence = (try? decoder.decode(ClientHeartbeat.self, from: Data(bytes)))?.d
            let acknowledges = self.state.withLock { !$0.nonAcknowledging.contains(connection.id) }
            // The ACK is queued before the heartbeat is recorded: a test woken by the record and dispatching next
            // then always sends after the ACK, as Discord's ACK precedes anything sent later on the connection.
            if acknowledges {
                connection.send(#"{"op":11,"d":null}"#)
            }
            self.record {
                $0.heartbeats.append(FakeGatewayHeartbeat(sequence: sequence, at: now, connection: connection.id))
            }
        case 2:
            guard let identify = try? decoder.decode(ClientIdentify.self, from: Data(bytes)) else {
                self.record { $0.malformedPayloads += 1 }
                return
            }
            self.record {
                $0.identifies.append(
                    FakeGatewayIdentify(
                        token: identify.d.token,
                        intents: identify.d.intents,
                        os: identify.d.properties.os,
                        browser: identify.d.properties.browser,
                        device: identify.d.properties.device,
                        presenceActivities: identify.d.presence?.activities.map(\.name),
                        at: now,
                        connection: connection.id
                    )
                )
            }
            self.startSession(on: connection)
        case 3:
            let presence = try? decoder.decode(ClientPresence.self, from: Data(bytes))
            self.record { $0.presenceUpdates.append(presence?.d.activities.map(\.name) ?? []) }
        case 6:
            guard let resume = try? decoder.decode(ClientResume.self, from: Data(bytes)) else {
                self.record { $0.malformedPayloads += 1 }
                return
            }
            self.record {
                $0.resumes.append(
                    FakeGatewayResume(
                        token: resume.d.token,
                        sessionID: resume.d.session_id,
                        sequence: resume.d.seq,
                        at: now,
                        connection: connection.id
                    )
                )
            }
            self.resumeSession(resume.d.session_id, after: resume.d.seq ?? 0, on: connection)
        default:
            self.record { $0.otherOpcodes.append(envelope.op) }
        }
    }

    private func startSession(on connection: FakeGatewayConnection) {
        let sessionID = self.state.withLock { state -> String? in
            guard state.configuration.sendsReadyOnIdentify else { return nil }
            let id = "fake-session-\(state.sessions.count + state.records.identifies.count)"
            state.sessions[id] = Session(id: id, lastSequence: 1)
            state.currentSessionID = id
            return id
        }
        guard let sessionID else { return }
        let ready = """
            {"v":10,"user":{"id":"100","username":"fakebot","discriminator":"0","bot":true},\
            "session_id":"\(sessionID)","resume_gateway_url":"\(self.resumeURL)",\
            "guilds":[{"id":"200","unavailable":true}],"application":{"id":"300","flags":0}}
            """
        connection.send(Self.dispatchText(name: "READY", sequence: 1, data: ready))
    }

    private func resumeSession(_ sessionID: String, after sequence: Int, on connection: FakeGatewayConnection) {
        let replay = self.state.withLock { state -> (dispatches: [LoggedDispatch], resumed: Int)? in
            guard var session = state.sessions[sessionID] else { return nil }
            state.currentSessionID = sessionID
            session.lastSequence += 1
            state.sessions[sessionID] = session
            return (session.dispatches.filter { $0.sequence > sequence }, session.lastSequence)
        }
        guard let replay else {
            connection.send(#"{"op":9,"d":false}"#)
            return
        }
        for dispatch in replay.dispatches {
            connection.send(Self.dispatchText(name: dispatch.name, sequence: dispatch.sequence, data: dispatch.data))
        }
        connection.send(Self.dispatchText(name: "RESUMED", sequence: replay.resumed, data: "{}"))
    }

    /// Called on the event loop when the client sends a close frame.
    fileprivate func clientClosed(code: UInt16?, connection: FakeGatewayConnection, serverInitiated: Bool) {
        self.record {
            $0.clientCloses.append(
                FakeGatewayClose(connection: connection.id, code: code, answeringServerClose: serverInitiated)
            )
        }
    }

    /// Called on the event loop when a connection's TCP socket is gone.
    fileprivate func connectionEnded(_ connection: FakeGatewayConnection) {
        self.state.withLock { state in
            state.connections[connection.id] = nil
            if state.currentConnectionID == connection.id {
                state.currentConnectionID = nil
            }
        }
        self.record { $0.endedConnections += 1 }
    }

    private static func dispatchText(name: String, sequence: Int, data: String) -> String {
        #"{"op":0,"s":\#(sequence),"t":"\#(name)","d":\#(data)}"#
    }

    // MARK: - Client payload shapes

    private struct ClientEnvelope: Decodable {
        var op: Int
    }

    private struct ClientHeartbeat: Decodable {
        var d: Int?
    }

    private struct ClientActivity: Decodable {
        var name: String
    }

    private struct ClientPresenceData: Decodable {
        var activities: [ClientActivity]
    }

    private struct ClientPresence: Decodable {
        var d: ClientPresenceData
    }

    private struct ClientIdentify: Decodable {
        struct Properties: Decodable {
            var os: String
            var browser: String
            var device: String
        }
        struct Payload: Decodable {
            var token: String
            var intents: UInt64
            var properties: Properties
            var presence: ClientPresenceData?
        }
        var d: Payload
    }

    private struct ClientResume: Decodable {
        struct Payload: Decodable {
            var token: String
            var session_id: String
            var seq: Int?
        }
        var d: Payload
    }
}

/// Lets the child channel initializer reach the server created after `bind`.
private final class ServerBox: Sendable {
    private let storage = Mutex<FakeGatewayServer?>(nil)

    var server: FakeGatewayServer? {
        get { self.storage.withLock { $0 } }
        set { self.storage.withLock { $0 = newValue } }
    }
}

/// One client connection of the fake: sends go through its event loop in call order, compressed with the
/// connection's own deflate stream when the client asked for zlib-stream.
final class FakeGatewayConnection: Sendable {
    let id: Int
    let channel: any Channel
    let compressed: Bool
    let splitsCompressedPayloads: Bool
    /// Created on the event loop in `accept`; only used there.
    private let deflater: NIOLoopBound<FakeGatewayDeflater>?
    private let closeSent: NIOLoopBoundBox<Bool>

    init(id: Int, channel: any Channel, compressed: Bool, splitsCompressedPayloads: Bool) {
        self.id = id
        self.channel = channel
        self.compressed = compressed
        self.splitsCompressedPayloads = splitsCompressedPayloads
        self.deflater = compressed ? NIOLoopBound(FakeGatewayDeflater(), eventLoop: channel.eventLoop) : nil
        self.closeSent = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
    }

    /// Whether the server sent a close frame (read on the event loop).
    var hasSentClose: Bool { self.closeSent.value }

    /// Sends one payload (always via `execute`, so sends from any thread keep their order).
    func send(_ text: String) {
        let channel = self.channel
        channel.eventLoop.execute {
            guard !self.closeSent.value else { return }
            if let deflater = self.deflater {
                let compressed = deflater.value.deflate(Array(text.utf8))
                if self.splitsCompressedPayloads, compressed.count > 1 {
                    let half = compressed.count / 2
                    self.write(.binary, Array(compressed[..<half]))
                    self.write(.binary, Array(compressed[half...]))
                } else {
                    self.write(.binary, compressed)
                }
            } else {
                self.write(.text, Array(text.utf8))
            }
        }
    }

    /// Sends a close frame with `code`.
    func close(code: UInt16) {
        self.channel.eventLoop.execute {
            guard !self.closeSent.value else { return }
            self.closeSent.value = true
            var data = self.channel.allocator.buffer(capacity: 2)
            data.writeInteger(code)
            self.channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, data: data), promise: nil)
        }
    }

    /// Closes the TCP connection without a close frame.
    func drop() {
        self.channel.eventLoop.execute {
            self.closeSent.value = true
            self.channel.close(promise: nil)
        }
    }

    private func write(_ opcode: WebSocketOpcode, _ bytes: [UInt8]) {
        var buffer = self.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        self.channel.writeAndFlush(WebSocketFrame(fin: true, opcode: opcode, data: buffer), promise: nil)
    }
}

/// Swallows everything a connection sends and never answers, until the client closes it.
final class UnansweredUpgradeHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    private let server: FakeGatewayServer

    init(server: FakeGatewayServer) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func channelInactive(context: ChannelHandlerContext) {
        self.server.unansweredConnectionClosed()
        context.fireChannelInactive()
    }
}

/// Reads WebSocket frames of one connection on its event loop.
final class FakeGatewayFrameHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let server: FakeGatewayServer
    private let connection: FakeGatewayConnection
    private var message: [UInt8] = []

    init(server: FakeGatewayServer, connection: FakeGatewayConnection) {
        self.server = server
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        switch frame.opcode {
        case .connectionClose:
            var payload = frame.unmaskedData
            let code = payload.readInteger(as: UInt16.self)
            let answering = self.connection.hasSentClose
            self.server.clientClosed(code: code, connection: self.connection, serverInitiated: answering)
            if answering {
                context.close(promise: nil)
            } else {
                // Echo the close, then end the connection (the server closes TCP).
                var echo = context.channel.allocator.buffer(capacity: 2)
                if let code {
                    echo.writeInteger(code)
                }
                let frame = WebSocketFrame(fin: true, opcode: .connectionClose, data: echo)
                context.writeAndFlush(Self.wrapOutboundOut(frame), promise: nil)
                context.close(promise: nil)
            }
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            context.writeAndFlush(Self.wrapOutboundOut(pong), promise: nil)
        case .text, .binary, .continuation:
            self.message.append(contentsOf: frame.unmaskedData.readableBytesView)
            if frame.fin {
                let bytes = self.message
                self.message.removeAll(keepingCapacity: true)
                self.server.received(bytes, on: self.connection)
            }
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.server.connectionEnded(self.connection)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
