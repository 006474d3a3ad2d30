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

/// An in-process Wings websocket on 127.0.0.1 for live-stats tests, faithful to pterodactyl/wings where the bot can
/// tell the difference (reference §12).
///
/// Route `GET /api/servers/<uuid-or-id>/ws` (`router/router.go`). The upgrade is refused with 403 unless the first
/// `Origin` header equals ``Configuration/panelURL`` or one of ``Configuration/allowedOrigins`` (`"*"` allows all),
/// as Wings' `CheckOrigin` does (`router/websocket/websocket.go`: `r.Header.Get("Origin")`, Go returns the first
/// value) and gorilla/websocket answers a refused origin (`server.go`, `Upgrade`: `http.StatusForbidden`).
///
/// After the upgrade the client must send `auth [token]`; a token ``Configuration/acceptsToken`` accepts gets
/// `auth success`, then, on the socket's first auth only, `status [state]` and (offline servers only) one `stats`
/// (`websocket.go`, `HandleInbound`). `send stats` is answered at once. Stats reach authenticated sockets only when
/// a test calls ``tick()`` (no timers); token expiry, JWT errors, throttling, suspension and drops are scripted.
/// Tests await effects with ``waitUntil(_:timeout:_:)``; the timeout is only a failure guard.
public final class FakeWings: Sendable {
    /// Server behaviour.
    public struct Configuration: Sendable {
        /// Wings' `remote` (the panel URL): the `Origin` it accepts.
        public var panelURL: String
        /// Wings' `allowed_origins`; `"*"` accepts any `Origin`.
        public var allowedOrigins: [String]
        /// Whether an `auth` token is valid for a server (the path's id); the default accepts FakePanel's tokens.
        public var acceptsToken: @Sendable (_ token: String, _ server: String) -> Bool
        /// Authenticated sockets one server may have; more get HTTP 400 (newer Wings, `router_server_ws.go`,
        /// `maxWebsocketConnections = 30`).
        public var maxConnectionsPerServer: Int
        /// When true, upgrade requests get no answer at all, as through a reverse proxy whose Wings upstream hangs
        /// (nginx waits `proxy_read_timeout`, 60 s by default, before it answers 504).
        public var holdsUpgrades = false

        /// Creates a configuration.
        /// - Parameters:
        ///   - panelURL: The accepted `Origin` (Wings' `remote`).
        ///   - allowedOrigins: Further accepted origins (Wings' `allowed_origins`).
        ///   - maxConnectionsPerServer: Authenticated sockets per server before upgrades get 400 (30).
        ///   - acceptsToken: Token check; by default tokens that start with `fake-wings-jwt.` pass.
        public init(
            panelURL: String,
            allowedOrigins: [String] = [],
            maxConnectionsPerServer: Int = 30,
            acceptsToken: @escaping @Sendable (_ token: String, _ server: String) -> Bool = { token, _ in
                token.hasPrefix("fake-wings-jwt.")
            }
        ) {
            self.panelURL = panelURL
            self.allowedOrigins = allowedOrigins
            self.maxConnectionsPerServer = maxConnectionsPerServer
            self.acceptsToken = acceptsToken
        }
    }

    /// The port bound on 127.0.0.1.
    public let port: Int
    /// `ws://127.0.0.1:<port>`: the base to give FakePanel for its socket URLs.
    public var baseURL: String { "ws://127.0.0.1:\(port)" }

    /// The socket URL of a server, as the panel hands it out.
    /// - Parameter server: The server's uuid (or id).
    /// - Returns: `ws://127.0.0.1:<port>/api/servers/<server>/ws`.
    public func socketURL(for server: String) -> String {
        "\(baseURL)/api/servers/\(server)/ws"
    }

    private let serverChannel: any Channel
    private let state: Mutex<State>
    private let observed = ObservedValue(FakeWingsRecords())

    private struct Socket {
        var connection: FakeWingsConnection
        var server: String
        /// Set by the first accepted `auth` (Wings keeps the JWT on the handler).
        var authenticated = false
        /// False after ``FakeWings/expireToken(of:)`` until the next accepted `auth`.
        var tokenValid = false
        /// While throttled, client frames are dropped.
        var throttled = false
    }

    private struct State {
        var configuration: Configuration
        var sockets: [Int: Socket] = [:]
        var states: [String: String] = [:]
        var stats: [String: FakeWingsStats] = [:]
        var suspended: Set<String> = []
        var nextConnectionID = 0
    }

    private init(port: Int, serverChannel: any Channel, configuration: Configuration) {
        self.port = port
        self.serverChannel = serverChannel
        self.state = Mutex(State(configuration: configuration))
    }

    /// Starts a fake Wings on 127.0.0.1 with an ephemeral port.
    /// - Parameter configuration: Server behaviour.
    /// - Returns: The running fake; call ``shutdown()`` when done.
    /// - Throws: A NIO error if binding fails.
    public static func start(configuration: Configuration) async throws -> FakeWings {
        let box = FakeWingsBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let upgrader = NIOWebSocketServerUpgrader(
                    maxFrameSize: 1 << 20,
                    shouldUpgrade: { channel, head in
                        if box.wings?.holdsUpgrades ?? false {
                            // Answered (refused) only when the client gives up and closes the connection.
                            let held = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
                            channel.closeFuture.whenComplete { _ in held.succeed(nil) }
                            return held.futureResult
                        }
                        let accepted = box.wings?.shouldUpgrade(head) ?? false
                        return channel.eventLoop.makeSucceededFuture(accepted ? HTTPHeaders() : nil)
                    },
                    upgradePipelineHandler: { channel, head in
                        channel.eventLoop.makeCompletedFuture {
                            guard let wings = box.wings else { throw FakeWingsError.notStarted }
                            // Frames must not reach the HTTP fallback: it answers refused upgrades only.
                            channel.pipeline.syncOperations.removeHandler(name: FakeWingsHTTPHandler.name, promise: nil)
                            try channel.pipeline.syncOperations.addHandler(wings.accept(channel: channel, head: head))
                        }
                    }
                )
                return channel.pipeline.configureHTTPServerPipeline(
                    withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in })
                ).flatMap {
                    channel.eventLoop.makeCompletedFuture {
                        guard let wings = box.wings else { throw FakeWingsError.notStarted }
                        try channel.pipeline.syncOperations.addHandler(
                            FakeWingsHTTPHandler(wings: wings),
                            name: FakeWingsHTTPHandler.name
                        )
                    }
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else { throw FakeWingsError.notStarted }
        let wings = FakeWings(port: port, serverChannel: channel, configuration: configuration)
        box.wings = wings
        return wings
    }

    /// Closes the listening socket and every connection, and fails pending waits.
    /// - Throws: A NIO error if closing fails.
    public func shutdown() async throws {
        let connections = state.withLock { $0.sockets.values.map(\.connection) }
        observed.failWaiters(with: FakeWingsError.shutDown)
        for connection in connections { connection.drop() }
        try await serverChannel.close()
    }

    // MARK: - Scripting

    /// Everything recorded so far.
    public var records: FakeWingsRecords { observed.value }

    /// Changes the configuration for what comes next (origins, token check, connection limit).
    /// - Parameter change: The change.
    public func configure(_ change: @Sendable (inout Configuration) -> Void) {
        state.withLock { change(&$0.configuration) }
    }

    /// Sets a server's usage; `stats` frames carry it from now on.
    /// - Parameters:
    ///   - stats: The usage.
    ///   - server: The server's uuid (or id), as in the socket path.
    public func setStats(_ stats: FakeWingsStats, for server: String) {
        state.withLock { $0.stats[server] = stats }
    }

    /// Changes a server's power state and pushes `status [state]` to its authenticated sockets, as Wings'
    /// `OnStateChange` does (`server/server.go`, `StatusEvent`).
    /// - Parameters:
    ///   - powerState: `running`, `starting`, `stopping`, `offline`, or anything else.
    ///   - server: The server's uuid (or id).
    public func setStatus(_ powerState: String, for server: String) {
        let targets = state.withLock { state -> [FakeWingsConnection] in
            state.states[server] = powerState
            return state.sockets.values.filter { $0.server == server && $0.authenticated }.map(\.connection)
        }
        for connection in targets { connection.send(Self.frame("status", [powerState])) }
    }

    /// Pushes one `stats` frame to every authenticated socket (a socket whose token expired gets `jwt error`
    /// instead, as `SendJson` checks the token first): Docker's stats stream, one tick at a time.
    public func tick() {
        let frames = state.withLock { state -> [(FakeWingsConnection, String)] in
            state.sockets.values.filter(\.authenticated).map { socket in
                (socket.connection, Self.statsOrJWTError(socket, state: state))
            }
        }
        for (connection, frame) in frames { connection.send(frame) }
    }

    /// Sends `token expiring` to the server's authenticated sockets (`listeners.go`, `listenForExpiration`: 60 s or
    /// less left).
    /// - Parameter server: The server's uuid (or id).
    public func sendTokenExpiring(to server: String) {
        for connection in authenticatedConnections(of: server) { connection.send(Self.frame("token expiring", [])) }
    }

    /// Expires the server's sockets' tokens and sends `token expired` (`listenForExpiration`); until a new `auth`,
    /// events and `send stats` get `jwt error` (`TokenValid`, `jwt.ErrExpValidation`).
    /// - Parameter server: The server's uuid (or id).
    public func expireToken(of server: String) {
        let targets = state.withLock { state -> [FakeWingsConnection] in
            var targets: [FakeWingsConnection] = []
            for (id, socket) in state.sockets where socket.server == server && socket.authenticated {
                state.sockets[id]?.tokenValid = false
                targets.append(socket.connection)
            }
            return targets
        }
        for connection in targets { connection.send(Self.frame("token expired", [])) }
    }

    /// Sends `jwt error [message]` to the server's sockets (what Wings sends for a token it refuses).
    /// - Parameters:
    ///   - message: The argument, e.g. `jwt: exp claim is invalid`.
    ///   - server: The server's uuid (or id).
    public func sendJWTError(_ message: String = FakeWings.expiredTokenMessage, to server: String) {
        let targets = state.withLock { state in state.sockets.values.filter { $0.server == server }.map(\.connection) }
        for connection in targets { connection.send(Self.frame("jwt error", [message])) }
    }

    /// Throttles the server's sockets: sends `throttled ["global"]` once and drops client frames until
    /// ``unthrottle(_:)``. Wings does not close a throttled socket: `router/router_server_ws.go` sends
    /// `websocket.ThrottledEvent` with `global` and `continue`s; per-event limits send it with the event name
    /// (`router/websocket/limiter.go`).
    /// - Parameter server: The server's uuid (or id).
    public func throttle(_ server: String) {
        let targets = state.withLock { state -> [FakeWingsConnection] in
            var targets: [FakeWingsConnection] = []
            for (id, socket) in state.sockets where socket.server == server {
                state.sockets[id]?.throttled = true
                targets.append(socket.connection)
            }
            return targets
        }
        for connection in targets { connection.send(Self.frame("throttled", ["global"])) }
    }

    /// Ends throttling of the server's sockets.
    /// - Parameter server: The server's uuid (or id).
    public func unthrottle(_ server: String) {
        state.withLock { state in
            for (id, socket) in state.sockets where socket.server == server { state.sockets[id]?.throttled = false }
        }
    }

    /// Suspends (or unsuspends) a server. Suspending ends its open sockets without a close frame (Wings cancels
    /// their context and closes the connection); while suspended, a new socket is upgraded and at once closed with
    /// 4409 `server is suspended` (newer Wings, `router/router_server_ws.go`: "You cannot capture the HTTP response
    /// in the websocket client, thus we connect and then immediately close with failure").
    /// - Parameters:
    ///   - suspended: Whether the server is suspended.
    ///   - server: The server's uuid (or id).
    public func setSuspended(_ suspended: Bool, _ server: String) {
        let targets = state.withLock { state -> [FakeWingsConnection] in
            if suspended {
                state.suspended.insert(server)
                return state.sockets.values.filter { $0.server == server }.map(\.connection)
            }
            state.suspended.remove(server)
            return []
        }
        for connection in targets { connection.drop() }
    }

    /// Sends a close frame to the server's sockets, e.g. 1001 `server deleted` (`router_server_ws.go`, when the
    /// server's context ends) or 4409 `server is suspended`.
    /// - Parameters:
    ///   - code: The close code.
    ///   - reason: The close reason.
    ///   - server: The server's uuid (or id).
    public func close(code: UInt16, reason: String, _ server: String) {
        let targets = state.withLock { state in state.sockets.values.filter { $0.server == server }.map(\.connection) }
        for connection in targets { connection.close(code: code, reason: reason) }
    }

    /// Drops the server's sockets: TCP closed without a close frame (Wings restarting, a network cut).
    /// - Parameter server: The server's uuid (or id).
    public func drop(_ server: String) {
        let targets = state.withLock { state in state.sockets.values.filter { $0.server == server }.map(\.connection) }
        for connection in targets { connection.drop() }
    }

    /// Sends a raw text frame to the server's sockets (unknown events, malformed frames).
    /// - Parameters:
    ///   - text: The frame.
    ///   - server: The server's uuid (or id).
    public func sendRaw(_ text: String, to server: String) {
        let targets = state.withLock { state in state.sockets.values.filter { $0.server == server }.map(\.connection) }
        for connection in targets { connection.send(text) }
    }

    // MARK: - Waiting

    /// Waits until `condition` holds for the records.
    /// - Parameters:
    ///   - description: What is awaited, for the timeout error.
    ///   - timeout: A failure guard only (5 s).
    ///   - condition: Checked now and after every recorded event.
    /// - Returns: The records that satisfied it.
    /// - Throws: ``FakeWingsError/timedOut(_:)``, ``FakeWingsError/shutDown`` or `CancellationError`.
    @discardableResult
    public func waitUntil(
        _ description: String,
        timeout: Duration = .seconds(5),
        _ condition: @escaping @Sendable (FakeWingsRecords) -> Bool
    ) async throws -> FakeWingsRecords {
        let timedOut: @Sendable () async -> any Error = { FakeWingsError.timedOut(description) }
        try await withTimeout(timeout, orThrow: timedOut) {
            try await self.observed.wait(until: condition)
        }
        return records
    }

    private func record(_ change: (inout FakeWingsRecords) -> Void) {
        observed.update(change)
    }

    // MARK: - Upgrade

    fileprivate var holdsUpgrades: Bool { state.withLock { $0.configuration.holdsUpgrades } }

    /// The answer Wings gives to an upgrade request, in its order: route (404), connection limit (400), then
    /// `CheckOrigin` (403); nil upgrades.
    fileprivate func rejection(for head: HTTPRequestHead) -> (status: HTTPResponseStatus, body: String)? {
        guard let server = Self.server(inPath: head.uri) else {
            return (.notFound, #"{"error":"The requested resource does not exist on this instance."}"#)
        }
        let origin = head.headers["Origin"].first ?? ""
        return state.withLock { state in
            let open = state.sockets.values.filter { $0.server == server && $0.authenticated }.count
            if open >= state.configuration.maxConnectionsPerServer {
                return (.badRequest, #"{"error":"Too many open websocket connections."}"#)
            }
            let configuration = state.configuration
            if origin == configuration.panelURL
                || configuration.allowedOrigins.contains(where: { $0 == "*" || $0 == origin })
            {
                return nil
            }
            // gorilla/websocket `returnError`: `http.Error(w, http.StatusText(status), status)`.
            return (.forbidden, "Forbidden\n")
        }
    }

    /// Records the request and says whether to upgrade it.
    fileprivate func shouldUpgrade(_ head: HTTPRequestHead) -> Bool {
        let rejection = rejection(for: head)
        record {
            $0.upgrades.append(
                FakeWingsUpgrade(
                    path: head.uri,
                    server: Self.server(inPath: head.uri),
                    origins: head.headers["Origin"],
                    status: Int(rejection?.status.code ?? 101)
                )
            )
        }
        return rejection == nil
    }

    /// Called on the event loop once a connection is upgraded.
    fileprivate func accept(channel: any Channel, head: HTTPRequestHead) -> FakeWingsFrameHandler {
        let server = Self.server(inPath: head.uri) ?? ""
        let origin = head.headers["Origin"].first ?? ""
        let (id, suspended) = state.withLock { state -> (Int, Bool) in
            state.nextConnectionID += 1
            return (state.nextConnectionID, state.suspended.contains(server))
        }
        let connection = FakeWingsConnection(id: id, channel: channel)
        state.withLock { $0.sockets[id] = Socket(connection: connection, server: server) }
        record { $0.connections.append(FakeWingsConnectionInfo(id: id, server: server, origin: origin)) }
        if suspended {
            connection.close(code: 4409, reason: "server is suspended")
        }
        return FakeWingsFrameHandler(wings: self, connection: connection)
    }

    // MARK: - Inbound

    /// Called on the event loop for each text message (`HandleInbound`).
    fileprivate func received(_ text: String, on connection: FakeWingsConnection) {
        guard let socket = state.withLock({ $0.sockets[connection.id] }) else { return }
        if socket.throttled {
            record { $0.droppedWhileThrottled += 1 }
            return
        }
        guard let message = try? JSONDecoder().decode(Message.self, from: Data(text.utf8)) else {
            // `router_server_ws.go` drops frames that are not JSON.
            record { $0.malformedFrames += 1 }
            return
        }
        let args = message.args ?? []
        if message.event != "auth", !socket.authenticated || !socket.tokenValid {
            // `TokenValid`: no JWT yet, or an expired one.
            let reason = socket.authenticated ? Self.expiredTokenMessage : "jwt: no jwt present"
            record { $0.rejectedBeforeAuth.append(FakeWingsFrame(connection: connection.id, event: message.event)) }
            connection.send(Self.frame("jwt error", [reason]))
            return
        }
        switch message.event {
        case "auth":
            authenticate(token: args.joined(), socket: socket)
        case "send stats":
            let frame = state.withLock { Self.statsOrJWTError(socket, state: $0) }
            connection.send(frame)
            record { $0.sendStats.append(connection.id) }
        default:
            record { $0.otherEvents.append(FakeWingsFrame(connection: connection.id, event: message.event)) }
        }
    }

    private func authenticate(token: String, socket: Socket) {
        let connection = socket.connection
        let accepted = state.withLock { $0.configuration.acceptsToken(token, socket.server) }
        record {
            $0.auths.append(
                FakeWingsAuth(connection: connection.id, server: socket.server, token: token, accepted: accepted)
            )
        }
        guard accepted else {
            // `SendErrorJson` for a JWT error: `jwt error` with "Error Event [<uuid>]: <error>".
            connection.send(
                Self.frame(
                    "jwt error",
                    ["Error Event [\(UUID().uuidString.lowercased())]: \(Self.expiredTokenMessage)"]
                )
            )
            return
        }
        let frames = state.withLock { state -> [String] in
            // Only the socket's first auth registers listeners and sends the state (panel issue 2077).
            let first = !(state.sockets[connection.id]?.authenticated ?? false)
            state.sockets[connection.id]?.authenticated = true
            state.sockets[connection.id]?.tokenValid = true
            var frames = [Self.frame("auth success", [])]
            guard first else { return frames }
            let powerState = state.states[socket.server] ?? "offline"
            frames.append(Self.frame("status", [powerState]))
            // Only an offline server gets a snapshot here; a running one streams Docker stats anyway.
            if powerState == "offline" {
                frames.append(Self.frame("stats", [Self.statsJSON(state.stats[socket.server], state: powerState)]))
            }
            return frames
        }
        for frame in frames { connection.send(frame) }
    }

    /// Called on the event loop when the client sends a close frame.
    fileprivate func clientClosed(code: UInt16?, connection: FakeWingsConnection) {
        record { $0.clientCloses.append(FakeWingsClose(connection: connection.id, code: code)) }
    }

    /// Called on the event loop when a connection's TCP socket is gone.
    fileprivate func connectionEnded(_ connection: FakeWingsConnection) {
        state.withLock { _ = $0.sockets.removeValue(forKey: connection.id) }
        record { $0.endedConnections.append(connection.id) }
    }

    // MARK: - Helpers

    /// gbrlsnchs/jwt's `ErrExpValidation` text, which Wings relays for an expired token.
    public static var expiredTokenMessage: String { "jwt: exp claim is invalid" }

    private func authenticatedConnections(of server: String) -> [FakeWingsConnection] {
        state.withLock { state in
            state.sockets.values.filter { $0.server == server && $0.authenticated }.map(\.connection)
        }
    }

    private static func statsOrJWTError(_ socket: Socket, state: State) -> String {
        guard socket.tokenValid else { return frame("jwt error", [expiredTokenMessage]) }
        let powerState = state.states[socket.server] ?? "offline"
        return frame("stats", [statsJSON(state.stats[socket.server], state: powerState)])
    }

    /// `/api/servers/<server>/ws` → `<server>`.
    private static func server(inPath uri: String) -> String? {
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == 4, parts[0] == "api", parts[1] == "servers", parts[3] == "ws" else { return nil }
        return String(parts[2])
    }

    /// `{"event": string, "args": [string]}` as Go writes Wings' `Message`: fields in declaration order, `args`
    /// left out when empty (`router/websocket/message.go`: `Event` then `Args` with `omitempty`).
    static func frame(_ event: String, _ args: [String]) -> String {
        var fields: [(String, FakePanelJSON)] = [("event", .string(event))]
        if !args.isEmpty { fields.append(("args", .array(args.map(FakePanelJSON.string)))) }
        return FakePanelJSON.object(fields).rendered(as: .go)
    }

    /// The `stats` argument: Wings' `ResourceUsage` as a JSON string (`server/resources.go`,
    /// `environment/stats.go`; reference §12).
    static func statsJSON(_ stats: FakeWingsStats?, state: String) -> String {
        let stats = stats ?? FakeWingsStats()
        let offline = state == "offline"
        return """
            {"memory_bytes":\(offline ? 0 : stats.memoryBytes),"memory_limit_bytes":\(stats.memoryLimitBytes),\
            "cpu_absolute":\(offline ? 0 : stats.cpuAbsolute),"network":{"rx_bytes":\(offline ? 0 : stats.rxBytes),\
            "tx_bytes":\(offline ? 0 : stats.txBytes)},"uptime":\(offline ? 0 : stats.uptimeMilliseconds),\
            "state":"\(state)","disk_bytes":\(stats.diskBytes)}
            """
    }

    private struct Message: Codable {
        var event: String
        var args: [String]?
    }
}

// MARK: - Records

/// Usage a ``FakeWings`` reports for a server (zeroed while offline, as Wings does when a server stops).
public struct FakeWingsStats: Sendable, Hashable {
    /// `memory_bytes`.
    public var memoryBytes: Int
    /// `memory_limit_bytes`.
    public var memoryLimitBytes: Int
    /// `cpu_absolute` (percent of one core).
    public var cpuAbsolute: Double
    /// `network.rx_bytes`.
    public var rxBytes: Int
    /// `network.tx_bytes`.
    public var txBytes: Int
    /// `uptime` in milliseconds.
    public var uptimeMilliseconds: Int
    /// `disk_bytes`.
    public var diskBytes: Int

    /// Creates usage figures.
    /// - Parameters:
    ///   - memoryBytes: Memory in use (512 MiB).
    ///   - memoryLimitBytes: Docker's limit (1 GiB).
    ///   - cpuAbsolute: CPU percent (12.5).
    ///   - rxBytes: Received bytes (1000).
    ///   - txBytes: Sent bytes (2000).
    ///   - uptimeMilliseconds: Uptime (60 000).
    ///   - diskBytes: Disk in use (256 MiB).
    public init(
        memoryBytes: Int = 512 << 20,
        memoryLimitBytes: Int = 1 << 30,
        cpuAbsolute: Double = 12.5,
        rxBytes: Int = 1000,
        txBytes: Int = 2000,
        uptimeMilliseconds: Int = 60_000,
        diskBytes: Int = 256 << 20
    ) {
        self.memoryBytes = memoryBytes
        self.memoryLimitBytes = memoryLimitBytes
        self.cpuAbsolute = cpuAbsolute
        self.rxBytes = rxBytes
        self.txBytes = txBytes
        self.uptimeMilliseconds = uptimeMilliseconds
        self.diskBytes = diskBytes
    }
}

/// What a ``FakeWings`` has seen so far.
public struct FakeWingsRecords: Sendable {
    /// Every websocket upgrade request, accepted (101) or not.
    public var upgrades: [FakeWingsUpgrade] = []
    /// Every upgraded connection, in order.
    public var connections: [FakeWingsConnectionInfo] = []
    /// Every `auth` frame.
    public var auths: [FakeWingsAuth] = []
    /// The connection of every answered `send stats`.
    public var sendStats: [Int] = []
    /// Frames other than `auth` refused with `jwt error` (no valid token on the socket).
    public var rejectedBeforeAuth: [FakeWingsFrame] = []
    /// Other events from authenticated sockets.
    public var otherEvents: [FakeWingsFrame] = []
    /// Client frames dropped while throttled.
    public var droppedWhileThrottled = 0
    /// Client frames that were not JSON.
    public var malformedFrames = 0
    /// Every close frame the client sent.
    public var clientCloses: [FakeWingsClose] = []
    /// Connections whose TCP socket has closed, in order.
    public var endedConnections: [Int] = []

    /// Creates empty records.
    public init() {}

    /// Connections not yet ended.
    public var openConnections: [FakeWingsConnectionInfo] {
        let ended = Set(endedConnections)
        return connections.filter { !ended.contains($0.id) }
    }

    /// The connections of one server.
    /// - Parameter server: The server's uuid (or id).
    /// - Returns: Its connections, in order.
    public func connections(of server: String) -> [FakeWingsConnectionInfo] {
        connections.filter { $0.server == server }
    }

    /// The `auth` frames of one connection.
    /// - Parameter connection: The connection id.
    /// - Returns: Its `auth` frames, in order.
    public func auths(on connection: Int) -> [FakeWingsAuth] {
        auths.filter { $0.connection == connection }
    }
}

/// A websocket upgrade request.
public struct FakeWingsUpgrade: Sendable, Hashable {
    /// The request URI.
    public var path: String
    /// The server in the path, if the path is a socket route.
    public var server: String?
    /// Every `Origin` header, in order (Wings reads the first).
    public var origins: [String]
    /// 101 when upgraded, else the status answered (403 Origin refused, 400 too many sockets, 404 route).
    public var status: Int
}

/// An upgraded connection.
public struct FakeWingsConnectionInfo: Sendable, Hashable {
    /// 1 for the first connection.
    public var id: Int
    /// The server in the path.
    public var server: String
    /// The first `Origin` header.
    public var origin: String
}

/// An `auth` frame. The token is a test token: tests compare it, never print it.
public struct FakeWingsAuth: Sendable, Hashable {
    /// The connection it came on.
    public var connection: Int
    /// The connection's server.
    public var server: String
    /// The token sent.
    public var token: String
    /// Whether the fake accepted it.
    public var accepted: Bool
}

/// A client frame, by event name.
public struct FakeWingsFrame: Sendable, Hashable {
    /// The connection it came on.
    public var connection: Int
    /// The event.
    public var event: String
}

/// A close frame from the client.
public struct FakeWingsClose: Sendable, Hashable {
    /// The connection.
    public var connection: Int
    /// The close code, if any.
    public var code: UInt16?
}

/// Errors of ``FakeWings``.
public enum FakeWingsError: Error, Sendable, CustomStringConvertible {
    /// The fake was used before it started.
    case notStarted
    /// The fake shut down while a test waited.
    case shutDown
    /// A wait timed out.
    case timedOut(String)

    public var description: String {
        switch self {
        case .notStarted: "FakeWings has not started"
        case .shutDown: "FakeWings shut down"
        case .timedOut(let what): "timed out waiting for \(what)"
        }
    }
}

// MARK: - Channel plumbing

/// Lets the child channel initializer reach the fake created after `bind`.
private final class FakeWingsBox: Sendable {
    private let storage = Mutex<FakeWings?>(nil)

    var wings: FakeWings? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}

/// One connection of the fake: sends go through its event loop in call order.
final class FakeWingsConnection: Sendable {
    let id: Int
    let channel: any Channel
    private let closeSent: NIOLoopBoundBox<Bool>

    init(id: Int, channel: any Channel) {
        self.id = id
        self.channel = channel
        self.closeSent = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
    }

    /// Whether the fake sent a close frame (read on the event loop).
    var hasSentClose: Bool { closeSent.value }

    /// Sends one text frame.
    func send(_ text: String) {
        channel.eventLoop.execute {
            guard !self.closeSent.value else { return }
            var buffer = self.channel.allocator.buffer(capacity: text.utf8.count)
            buffer.writeString(text)
            self.channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: buffer), promise: nil)
        }
    }

    /// Sends a close frame; the connection ends when the client answers.
    func close(code: UInt16, reason: String) {
        channel.eventLoop.execute {
            guard !self.closeSent.value else { return }
            self.closeSent.value = true
            var data = self.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
            data.writeInteger(code)
            data.writeString(reason)
            self.channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, data: data), promise: nil)
        }
    }

    /// Closes the TCP connection without a close frame.
    func drop() {
        channel.eventLoop.execute {
            self.closeSent.value = true
            self.channel.close(promise: nil)
        }
    }
}

/// Answers requests that are not upgraded (refused origin, too many sockets, unknown route) and closes.
final class FakeWingsHTTPHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let name = "fake-wings-http"

    private let wings: FakeWings

    init(wings: FakeWings) {
        self.wings = wings
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = Self.unwrapInboundIn(data) else { return }
        let (status, body) = wings.rejection(for: head) ?? (.badRequest, "Bad Request\n")
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: body.hasPrefix("{") ? "application/json" : "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        headers.add(name: "Connection", value: "close")
        // gorilla/websocket's `returnError` sets this on every refused upgrade.
        headers.add(name: "Sec-Websocket-Version", value: "13")
        context.write(
            Self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
            promise: nil
        )
        var buffer = context.channel.allocator.buffer(capacity: body.utf8.count)
        buffer.writeString(body)
        context.write(Self.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}

/// Reads websocket frames of one connection on its event loop.
final class FakeWingsFrameHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let wings: FakeWings
    private let connection: FakeWingsConnection
    private var message: [UInt8] = []

    init(wings: FakeWings, connection: FakeWingsConnection) {
        self.wings = wings
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        switch frame.opcode {
        case .connectionClose:
            var payload = frame.unmaskedData
            let code = payload.readInteger(as: UInt16.self)
            wings.clientClosed(code: code, connection: connection)
            if connection.hasSentClose {
                context.close(promise: nil)
            } else {
                var echo = context.channel.allocator.buffer(capacity: 2)
                if let code { echo.writeInteger(code) }
                let channel = context.channel
                context.writeAndFlush(
                    Self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: echo))
                )
                .whenComplete { _ in channel.close(promise: nil) }
            }
        case .ping:
            context.writeAndFlush(
                Self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)),
                promise: nil
            )
        case .text, .continuation:
            message.append(contentsOf: frame.unmaskedData.readableBytesView)
            if frame.fin {
                let text = String(decoding: message, as: UTF8.self)
                message.removeAll(keepingCapacity: true)
                wings.received(text, on: connection)
            }
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        wings.connectionEnded(connection)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
