import ClientSupport
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import PanelCore
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Live stats of servers over their Wings websockets: one socket per ``follow(_:events:)`` call, driven by
/// ``WingsSocketStateMachine``.
///
/// The driver only performs the machine's actions: it asks the credentials source for a token, opens the socket
/// with `Origin` set to the panel URL (Wings' `CheckOrigin` compares the first `Origin` header with its panel
/// location and `allowed_origins`, pterodactyl/wings `router/websocket/websocket.go`), sends frames, feeds what
/// arrives back into the machine, sleeps on the injected clock until ``WingsSocketStateMachine/nextDeadline`` and
/// reports samples, state changes and the fall-back to polling as ``WingsFeedEvent``s. All protocol decisions
/// stay in the machine.
///
/// The socket is a small SwiftNIO client rather than WSClient: WSClient always sends an `Origin` derived from the
/// socket URL and *adds* configured headers after it, so a second `Origin` never reaches Go's `Header.Get`.
///
/// Never logs the token: frames are logged by event name only (``WingsClientFrame/description`` is redacted).
public final class DefaultWingsLiveFeed<C: Clock>: WingsLiveFeed where C.Duration == Duration {
    /// Where a socket's token and URL come from: usually `DefaultPanelClient.websocketCredentials(of:)`.
    public typealias CredentialsSource = @Sendable (ServerID) async throws -> WingsSocketCredentials

    private let credentials: CredentialsSource
    private let origin: String
    private let configuration: WingsSocketConfiguration
    private let transport: WingsSocketTransportConfiguration
    private let connectLimiter: WingsConnectLimiter
    private let clock: C
    private let logger: Logger
    private let renewalPhase: @Sendable (ServerID) -> Double?

    /// Creates a feed; nothing happens until ``follow(_:events:)``.
    /// - Parameters:
    ///   - panelURL: The panel URL (`[Pterodactyl] PanelURL`), sent as `Origin` without a trailing slash: Wings
    ///     accepts the socket only when it equals the panel location in its `config.yml` or is listed in its
    ///     `allowed_origins`.
    ///   - configuration: Sampling, back-off, fall-back and token budget of each socket.
    ///   - transport: Event loop group, TLS and socket limits.
    ///   - connectLimiter: Bounds concurrent connects; share one between feeds to bound them together.
    ///   - clock: The clock for back-off, sampling and token expiry.
    ///   - logger: The component logger (this type logs at trace and debug only).
    ///   - renewalPhase: Where in its life each socket's first token is renewed
    ///     (``WingsSocketStateMachine/init(configuration:firstRenewalPhase:)``): by default spread evenly in the
    ///     order sockets start, so sockets opened together do not renew together; tests pass a fixed phase or nil.
    ///   - credentials: The token source, e.g. `{ try await client.websocketCredentials(of: $0) }`.
    public init(
        panelURL: String,
        configuration: WingsSocketConfiguration,
        transport: WingsSocketTransportConfiguration = WingsSocketTransportConfiguration(),
        connectLimiter: WingsConnectLimiter = WingsConnectLimiter(),
        clock: C,
        logger: Logger,
        renewalPhase: (@Sendable (ServerID) -> Double?)? = nil,
        credentials: @escaping CredentialsSource
    ) {
        var origin = Substring(panelURL)
        while origin.hasSuffix("/") { origin = origin.dropLast() }
        self.origin = String(origin)
        self.configuration = configuration
        self.transport = transport
        self.connectLimiter = connectLimiter
        self.clock = clock
        self.logger = logger
        let phases = WingsRenewalPhases()
        self.renewalPhase = renewalPhase ?? { _ in phases.next() }
        self.credentials = credentials
    }

    // MARK: - Follow

    /// What reaches a socket's loop: results of its own child tasks, tagged with the connection they belong to.
    private enum Input: Sendable {
        case credentials(Result<WingsSocketCredentials, PanelFailure>, requestedAt: C.Instant)
        case opened(connection: Int, WingsSocketConnection)
        case frame(connection: Int, String)
        case closed(connection: Int, WingsSocketCloseCause)
        case tick
        /// The first input: the machine starts.
        case start
    }

    /// Runs the server's socket until the calling task is cancelled, then closes it and returns.
    /// - Parameters:
    ///   - server: The server.
    ///   - events: Receives every event, in order, from this call's task.
    public func follow(_ server: ServerID, events: @escaping @Sendable (WingsFeedEvent) async -> Void) async {
        var logger = self.logger
        logger[metadataKey: "ptero.server"] = "\(server)"
        let (inputs, continuation) = AsyncStream.makeStream(of: Input.self)
        let backlog = WingsFrameBacklog(limit: transport.maxQueuedFrames)
        let timer = DeadlineTimer(clock: clock)
        await withDiscardingTaskGroup { group in
            group.addTask {
                await timer.run { continuation.yield(.tick) }
            }
            var loop = SocketLoop(
                machine: WingsSocketStateMachine(configuration: configuration, firstRenewalPhase: renewalPhase(server))
            )
            continuation.yield(.start)
            for await input in inputs {
                if case .frame = input { backlog.taken() }
                let actions = apply(input, loop: &loop, backlog: backlog, logger: logger)
                await perform(
                    actions,
                    loop: &loop,
                    server: server,
                    group: &group,
                    inputs: continuation,
                    backlog: backlog,
                    events: events,
                    logger
                )
                timer.schedule(loop.machine.nextDeadline)
            }
            // Cancelled: every child stops, and the connection child closes its socket before it returns.
            _ = loop.machine.stop()
            group.cancelAll()
        }
        continuation.finish()
        logger.debug("Wings socket stopped")
    }

    /// The mutable state of one ``follow(_:events:)`` call; only its loop touches it.
    private struct SocketLoop {
        var machine: WingsSocketStateMachine<C.Instant>
        /// The connection whose inputs count; older connections' inputs are stale.
        var current: Int?
        var nextConnection = 0
        var socket: WingsSocketConnection?
    }

    /// Feeds one input into the machine.
    private func apply(
        _ input: Input,
        loop: inout SocketLoop,
        backlog: WingsFrameBacklog,
        logger: Logger
    ) -> [WingsSocketStateMachine<C.Instant>.Action] {
        let now = clock.now
        switch input {
        case .credentials(.success(let credentials), let requestedAt):
            logger.trace("Wings socket credentials received")
            return loop.machine.credentialsFetched(
                credentials,
                expiresAt: requestedAt.advanced(by: WingsSocketCredentials.tokenLifetime),
                now: now
            )
        case .credentials(.failure(let failure), _):
            logger.debug("Wings socket credentials refused", metadata: ["error": "\(failure.detail)"])
            return loop.machine.tokenFetchFailed(failure, now: now)
        case .opened(let connection, let socket):
            guard connection == loop.current else {
                socket.close()
                return []
            }
            loop.socket = socket
            logger.debug("Wings socket open", metadata: ["ptero.connection": "\(connection)"])
            return loop.machine.connected(now: now)
        case .frame(let connection, let text):
            if let dropped = backlog.takeDropped() {
                logger.debug(
                    "Wings frames dropped: the bot fell behind this socket",
                    metadata: ["ptero.dropped": "\(dropped)"]
                )
            }
            guard connection == loop.current else { return [] }
            let message = WingsSocketMessage(frame: text)
            logger.trace("Wings frame", metadata: ["ptero.event": "\(Self.eventName(message))"])
            return loop.machine.received(message, now: now)
        case .closed(let connection, let cause):
            guard connection == loop.current else { return [] }
            loop.current = nil
            loop.socket = nil
            logger.debug(
                "Wings socket closed",
                metadata: [
                    "ptero.connection": "\(connection)",
                    "error": "\(WingsSocketStateMachine<C.Instant>.reason(for: cause))",
                ]
            )
            return loop.machine.closed(cause, now: now)
        case .tick:
            return loop.machine.tick(now: now)
        case .start:
            return loop.machine.start(now: now)
        }
    }

    /// Performs the machine's actions in order.
    private func perform(
        _ actions: [WingsSocketStateMachine<C.Instant>.Action],
        loop: inout SocketLoop,
        server: ServerID,
        group: inout DiscardingTaskGroup,
        inputs: AsyncStream<Input>.Continuation,
        backlog: WingsFrameBacklog,
        events: @escaping @Sendable (WingsFeedEvent) async -> Void,
        _ logger: Logger
    ) async {
        for action in actions {
            switch action {
            case .fetchCredentials:
                let requestedAt = clock.now
                let credentials = self.credentials
                logger.trace("Requesting Wings socket credentials")
                group.addTask {
                    let result: Result<WingsSocketCredentials, PanelFailure>
                    do {
                        result = .success(try await credentials(server))
                    } catch is CancellationError {
                        return
                    } catch let error as PanelError {
                        result = .failure(PanelFailure(panelError: error))
                    } catch let failure as PanelFailure {
                        result = .failure(failure)
                    } catch {
                        result = .failure(PanelFailure(.other, detail: "the token request failed (\(type(of: error)))"))
                    }
                    inputs.yield(.credentials(result, requestedAt: requestedAt))
                }
            case .connect(let url):
                loop.nextConnection += 1
                let connection = loop.nextConnection
                loop.current = connection
                var connectionLogger = logger
                connectionLogger[metadataKey: "ptero.connection"] = "\(connection)"
                connectionLogger.debug("Connecting to Wings", metadata: ["ptero.socket": "\(Self.redactedURL(url))"])
                let settings = self.transport
                let origin = self.origin
                let limiter = self.connectLimiter
                let socketLogger = connectionLogger
                group.addTask {
                    await Self.runConnection(
                        connection,
                        url: url,
                        origin: origin,
                        settings: settings,
                        limiter: limiter,
                        inputs: inputs,
                        backlog: backlog,
                        logger: socketLogger
                    )
                }
            case .send(let frame):
                guard let socket = loop.socket else { continue }
                logger.trace("Sending Wings frame", metadata: ["ptero.event": "\(frame.event)"])
                do {
                    try await socket.send(frame.encodedText)
                } catch {
                    // The socket is closing; its reader reports how, and the machine reconnects.
                    logger.debug("Wings frame not sent", metadata: ["ptero.event": "\(frame.event)"])
                }
            case .publishSample(let sample):
                await events(.sample(sample))
            case .publishState(let state, let raw):
                logger.trace("Wings power state", metadata: ["ptero.state": "\(raw)"])
                await events(.state(state, raw: raw))
            case .reconnect(let delay):
                logger.debug("Reconnecting to Wings later", metadata: ["ptero.delay": "\(delay)"])
            case .fallBackToPolling(let reason):
                logger.debug("Wings socket failing, polling instead", metadata: ["error": "\(reason)"])
                await events(.fellBack(reason: reason))
            case .resumeStreaming:
                logger.debug("Wings socket healthy again")
                await events(.resumed)
            case .close:
                loop.current = nil
                loop.socket?.close()
                loop.socket = nil
            }
        }
    }

    /// One socket from connect to close: reports `opened`, then `closed`; its event loop reports each text frame
    /// straight to the socket's loop (a frame before `opened` finds the machine still connecting, and Wings sends
    /// nothing before `auth` anyway). On cancellation it closes the socket and waits until it is closed.
    private static func runConnection(
        _ connection: Int,
        url: String,
        origin: String,
        settings: WingsSocketTransportConfiguration,
        limiter: WingsConnectLimiter,
        inputs: AsyncStream<Input>.Continuation,
        backlog: WingsFrameBacklog,
        logger: Logger
    ) async {
        let receive: @Sendable (String) -> Void = { text in
            if backlog.admit() { inputs.yield(.frame(connection: connection, text)) }
        }
        let opened: WingsSocketConnection.Opening
        do {
            opened = try await limiter.withPermit {
                try await WingsSocketConnection.open(url: url, origin: origin, settings: settings, receive: receive)
            }
        } catch {
            return  // cancelled while waiting for a permit or connecting
        }
        let socket: WingsSocketConnection
        switch opened {
        case .open(let open):
            socket = open
        case .failed(let cause):
            logger.debug("Connecting to Wings failed", metadata: ["error": "\(cause)"])
            inputs.yield(.closed(connection: connection, cause))
            return
        }
        inputs.yield(.opened(connection: connection, socket))
        let cause = await withTaskCancellationHandler {
            await socket.closeCause()
        } onCancel: {
            socket.close()
        }
        if !Task.isCancelled {
            inputs.yield(.closed(connection: connection, cause))
        }
    }

    // MARK: - Helpers

    private static func eventName(_ message: WingsSocketMessage) -> String {
        switch message {
        case .authSuccess: "auth success"
        case .status: "status"
        case .stats: "stats"
        case .tokenExpiring: "token expiring"
        case .tokenExpired: "token expired"
        case .jwtError: "jwt error"
        case .daemonError: "daemon error"
        case .other(let name): name
        case .undecodable: "undecodable"
        }
    }

    /// The socket URL without its query (Wings' socket URL has none; this keeps any future query secret out).
    private static func redactedURL(_ url: String) -> String {
        String(url.prefix { $0 != "?" })
    }
}

extension DefaultWingsLiveFeed where C == ContinuousClock {
    /// Creates a feed on the continuous clock.
    /// - Parameters:
    ///   - panelURL: The panel URL, sent as `Origin`.
    ///   - configuration: Sampling, back-off, fall-back and token budget of each socket.
    ///   - transport: Event loop group, TLS and socket limits.
    ///   - connectLimiter: Bounds concurrent connects.
    ///   - logger: The component logger.
    ///   - credentials: The token source.
    public convenience init(
        panelURL: String,
        configuration: WingsSocketConfiguration,
        transport: WingsSocketTransportConfiguration = WingsSocketTransportConfiguration(),
        connectLimiter: WingsConnectLimiter = WingsConnectLimiter(),
        logger: Logger,
        credentials: @escaping CredentialsSource
    ) {
        self.init(
            panelURL: panelURL,
            configuration: configuration,
            transport: transport,
            connectLimiter: connectLimiter,
            clock: ContinuousClock(),
            logger: logger,
            credentials: credentials
        )
    }
}

// MARK: - Transport configuration

/// How Wings sockets are opened: event loops, TLS and limits.
public struct WingsSocketTransportConfiguration: Sendable {
    /// The event loops the sockets run on.
    public var eventLoopGroup: any EventLoopGroup
    /// TLS for `wss://` nodes (the system trust roots by default).
    public var tlsConfiguration: TLSConfiguration
    /// Longest time from TCP connect to an upgraded websocket (TCP, TLS and the HTTP upgrade together).
    public var connectTimeout: Duration
    /// Largest message accepted from Wings (Wings' own frames are small; console lines reach every socket).
    public var maxFrameSize: Int
    /// How long a closing socket waits for Wings' close frame before dropping the connection.
    public var closeTimeout: Duration
    /// Frames of one socket that may wait for its loop; more are dropped (a flood of console output must not grow
    /// memory without bound; the next `stats` frame carries the power state again).
    public var maxQueuedFrames: Int

    /// Creates a configuration.
    /// - Parameters:
    ///   - eventLoopGroup: The event loops (the shared singleton by default).
    ///   - tlsConfiguration: TLS for `wss://` (system trust roots by default).
    ///   - connectTimeout: Deadline for TCP, TLS and upgrade (10 s).
    ///   - maxFrameSize: Largest inbound message (1 MiB).
    ///   - closeTimeout: Wait for the close handshake (2 s).
    ///   - maxQueuedFrames: Frames of one socket that may wait for its loop (256).
    public init(
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        tlsConfiguration: TLSConfiguration = .makeClientConfiguration(),
        connectTimeout: Duration = .seconds(10),
        maxFrameSize: Int = 1 << 20,
        closeTimeout: Duration = .seconds(2),
        maxQueuedFrames: Int = 256
    ) {
        self.eventLoopGroup = eventLoopGroup
        self.tlsConfiguration = tlsConfiguration
        self.connectTimeout = connectTimeout
        self.maxFrameSize = maxFrameSize
        self.closeTimeout = closeTimeout
        self.maxQueuedFrames = max(1, maxQueuedFrames)
    }
}

// MARK: - Connect limiter

/// Bounds how many Wings sockets connect (TCP, TLS, upgrade) at the same time, so a restart with a thousand
/// watched servers does not open a thousand handshakes at once. Open sockets do not hold a permit.
public typealias WingsConnectLimiter = ConcurrencyLimiter

extension ConcurrencyLimiter {
    /// A limiter for Wings connects.
    /// - Parameter maxConcurrentConnects: How many connects may run at once (16; at least 1).
    public convenience init(maxConcurrentConnects: Int = 16) {
        self.init(limit: maxConcurrentConnects)
    }
}

// MARK: - Deadline timer

/// Calls back when the latest scheduled deadline passes, on the injected clock. An earlier deadline cancels the sleep
/// in progress, so it is never overslept; a later one waits for that sleep to end and sleeps on from there, since
/// each frame on a socket pushes its silence deadline later and restarting a sleep per frame costs two tasks.
private final class DeadlineTimer<C: Clock>: Sendable where C.Duration == Duration {
    private struct State {
        var deadline: C.Instant?
        /// What the sleep in progress waits for, if one is.
        var armed: C.Instant?
        var generation = 0
        var changeWaiter: CheckedContinuation<Void, Never>?
    }

    private let clock: C
    private let state = Mutex(State())

    init(clock: C) {
        self.clock = clock
    }

    /// Sets the deadline (nil: none).
    func schedule(_ deadline: C.Instant?) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.deadline != deadline else { return nil }
            state.deadline = deadline
            if let deadline, let armed = state.armed, deadline >= armed { return nil }
            state.generation += 1
            defer { state.changeWaiter = nil }
            return state.changeWaiter
        }
        waiter?.resume()
    }

    /// Fires `fire` each time the deadline passes, until cancelled.
    func run(_ fire: @escaping @Sendable () -> Void) async {
        while !Task.isCancelled {
            let (deadline, generation) = state.withLock { state in
                state.armed = state.deadline
                return (state.deadline, state.generation)
            }
            guard let deadline else {
                await waitForChange(since: generation)
                continue
            }
            let clock = self.clock
            let passed = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    do {
                        try await clock.sleep(until: deadline, tolerance: nil)
                        return true
                    } catch {
                        return false
                    }
                }
                group.addTask {
                    await self.waitForChange(since: generation)
                    return false
                }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            guard passed else { continue }
            // Fire once per deadline; the loop schedules the next one after handling the tick. A deadline moved
            // later meanwhile is slept for next.
            let now = clock.now
            let due = state.withLock { state -> Bool in
                state.armed = nil
                guard state.generation == generation, let current = state.deadline, current <= now else { return false }
                state.deadline = nil
                return true
            }
            if due { fire() }
        }
    }

    private func waitForChange(since generation: Int) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let changed = state.withLock { state -> Bool in
                    if state.generation != generation || Task.isCancelled { return true }
                    state.changeWaiter = continuation
                    return false
                }
                if changed { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.changeWaiter = nil }
                return state.changeWaiter
            }
            waiter?.resume()
        }
    }
}

// MARK: - Renewal phases

/// Phases for the sockets' first token renewals, in the order sockets start: the golden-ratio sequence puts each
/// new phase in the largest gap left, so any number of sockets spread evenly over `0..<1`; random phases would bunch
/// by chance and make some minutes cost more token requests than others.
final class WingsRenewalPhases: Sendable {
    private let issued = Atomic<Int>(0)

    /// The next phase, in `0..<1`.
    func next() -> Double {
        let index = issued.wrappingAdd(1, ordering: .relaxed).oldValue
        return (Double(index) * 0.618_033_988_749_895).truncatingRemainder(dividingBy: 1)
    }
}

// MARK: - Frame backlog

/// Counts the frames of one socket that wait for its loop, so a socket that sends faster than the bot reads
/// cannot grow memory without bound: past the limit, frames are dropped and counted.
final class WingsFrameBacklog: Sendable {
    private let limit: Int
    private let waiting = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Called by the event loop for each frame: true when it may be queued.
    func admit() -> Bool {
        if waiting.add(1, ordering: .relaxed).newValue <= limit { return true }
        waiting.subtract(1, ordering: .relaxed)
        dropped.add(1, ordering: .relaxed)
        return false
    }

    /// Called by the loop for each frame it takes.
    func taken() {
        waiting.subtract(1, ordering: .relaxed)
    }

    /// How many frames were dropped since the last call, or nil for none.
    func takeDropped() -> Int? {
        guard dropped.load(ordering: .relaxed) > 0 else { return nil }
        return dropped.exchange(0, ordering: .relaxed)
    }
}

// MARK: - Socket

/// One open Wings websocket: text messages go to the `receive` callback given to
/// ``open(url:origin:settings:receive:)``; ``send(_:)`` writes a masked text frame;
/// ``close()`` starts the close handshake. Built on SwiftNIO's client upgrader so the upgrade request carries
/// exactly the headers Wings checks.
final class WingsSocketConnection: Sendable {
    private let channel: any Channel
    private let shared: WingsSocketShared
    private let closeTimeout: Duration

    private init(channel: any Channel, shared: WingsSocketShared, closeTimeout: Duration) {
        self.channel = channel
        self.shared = shared
        self.closeTimeout = closeTimeout
    }

    /// Writes one text frame.
    /// - Parameter text: The frame text.
    /// - Throws: A NIO error when the connection is closed.
    func send(_ text: String) async throws {
        var buffer = channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: buffer)
        try await channel.writeAndFlush(frame)
    }

    /// Sends a 1000 close frame (once) and drops the connection if Wings does not answer within the close timeout.
    func close() {
        let channel = self.channel
        let shared = self.shared
        let timeout = TimeAmount(closeTimeout)
        channel.eventLoop.execute {
            guard shared.markCloseSent() else { return }
            var data = channel.allocator.buffer(capacity: 2)
            data.write(webSocketErrorCode: .normalClosure)
            let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
            channel.writeAndFlush(frame, promise: nil)
            channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        }
    }

    /// Waits until the connection is closed, then says how it ended.
    func closeCause() async -> WingsSocketCloseCause {
        try? await channel.closeFuture.get()
        return shared.closeCause
    }

    // MARK: Opening

    /// The outcome of ``open(url:origin:settings:receive:)``.
    enum Opening: Sendable {
        /// The websocket is open (upgraded).
        case open(WingsSocketConnection)
        /// It could not open, and why.
        case failed(WingsSocketCloseCause)
    }

    private enum Upgrade: Sendable {
        case websocket
        case notUpgraded
    }

    /// Connects, upgrades with `Origin: origin`, and returns the open socket or why it could not open.
    /// - Parameter receive: Called on the event loop with each text message, in order.
    /// - Throws: `CancellationError` only.
    static func open(
        url: String,
        origin: String,
        settings: WingsSocketTransportConfiguration,
        receive: @escaping @Sendable (String) -> Void
    ) async throws -> Opening {
        guard let target = SocketTarget(url) else {
            return .failed(.other("the socket URL is not a ws:// or wss:// URL"))
        }
        let sslContext: NIOSSLContext?
        do {
            sslContext = target.tls ? try NIOSSLContext(configuration: settings.tlsConfiguration) : nil
        } catch {
            return .failed(.tlsFailure("TLS setup failed: \(error)"))
        }
        let shared = WingsSocketShared()
        let maxFrameSize = settings.maxFrameSize
        let timeout = TimeAmount(settings.connectTimeout)
        let channel: any Channel
        let upgrade: EventLoopFuture<Upgrade>
        do {
            (channel, upgrade) = try await ClientBootstrap(group: settings.eventLoopGroup)
                .connectTimeout(timeout)
                .connect(host: target.host, port: target.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let upgrade = try Self.configure(
                            channel: channel,
                            target: target,
                            origin: origin,
                            sslContext: sslContext,
                            maxFrameSize: maxFrameSize,
                            shared: shared,
                            receive: receive
                        )
                        return (channel, upgrade)
                    }
                }
        } catch {
            try Task.checkCancellation()
            return .failed(Self.cause(of: error))
        }
        // The upgrade has no deadline of its own: close the channel if it is not done in time.
        let deadline = channel.eventLoop.scheduleTask(in: timeout) {
            shared.markTimedOut()
            channel.close(promise: nil)
        }
        let result: Upgrade
        do {
            result = try await withTaskCancellationHandler {
                try await upgrade.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        } catch {
            deadline.cancel()
            try? await channel.close()
            try Task.checkCancellation()
            return .failed(shared.timedOut ? .timedOut : Self.cause(of: error))
        }
        deadline.cancel()
        switch result {
        case .websocket:
            return .open(
                WingsSocketConnection(
                    channel: channel,
                    shared: shared,
                    closeTimeout: settings.closeTimeout
                )
            )
        case .notUpgraded:
            try? await channel.close()
            return .failed(.upgradeRejected(status: shared.upgradeStatus ?? 0))
        }
    }

    /// Builds the client pipeline: TLS, HTTP with a status recorder, and the websocket upgrader.
    private static func configure(
        channel: any Channel,
        target: SocketTarget,
        origin: String,
        sslContext: NIOSSLContext?,
        maxFrameSize: Int,
        shared: WingsSocketShared,
        receive: @escaping @Sendable (String) -> Void
    ) throws -> EventLoopFuture<Upgrade> {
        let pipeline = channel.pipeline.syncOperations
        if let sslContext {
            let serverName = target.isIPAddress ? nil : target.host
            try pipeline.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
        }
        let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(
            maxFrameSize: maxFrameSize,
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(
                        NIOWebSocketFrameAggregator(
                            minNonFinalFragmentSize: 0,
                            maxAccumulatedFrameCount: 64,
                            maxAccumulatedFrameSize: maxFrameSize
                        )
                    )
                    try pipeline.addHandler(WingsFrameHandler(shared: shared, receive: receive))
                    return .websocket
                }
            }
        )
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: target.hostHeader)
        // Exactly one Origin: Go's `Header.Get` reads the first, and Wings compares it with the panel URL.
        headers.add(name: "Origin", value: origin)
        headers.add(name: "User-Agent", value: "pterodisbot")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target.path, headers: headers)
        let encoder = HTTPRequestEncoder()
        let decoder = ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes))
        let recorder = UpgradeStatusRecorder(shared: shared)
        let upgradeHandler = NIOTypedHTTPClientUpgradeHandler<Upgrade>(
            httpHandlers: [encoder, decoder, recorder],
            upgradeConfiguration: NIOTypedHTTPClientUpgradeConfiguration(
                upgradeRequestHead: head,
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in channel.eventLoop.makeSucceededFuture(.notUpgraded) }
            )
        )
        try pipeline.addHandler(encoder)
        try pipeline.addHandler(decoder)
        try pipeline.addHandler(recorder)
        try pipeline.addHandler(upgradeHandler)
        return upgradeHandler.upgradeResultFuture
    }

    /// Classifies a connect or handshake error without secrets.
    static func cause(of error: any Error) -> WingsSocketCloseCause {
        if let connection = error as? NIOConnectionError {
            let failures = connection.connectionErrors.map(\.error)
            if failures.contains(where: isRefused) { return .connectionRefused }
            if failures.contains(where: isTimeout) { return .timedOut }
            if failures.isEmpty, connection.dnsAError != nil || connection.dnsAAAAError != nil {
                return .other("the node's host name \(connection.host) does not resolve")
            }
            return .other("\(connection)")
        }
        if isRefused(error) { return .connectionRefused }
        if isTimeout(error) { return .timedOut }
        if String(reflecting: type(of: error)).hasPrefix("NIOSSL.") {
            return .tlsFailure("\(error)")
        }
        return .other("\(type(of: error)): \(error)")
    }

    private static func isRefused(_ error: any Error) -> Bool {
        (error as? IOError)?.errnoCode == ECONNREFUSED
    }

    private static func isTimeout(_ error: any Error) -> Bool {
        if case .connectTimeout = error as? ChannelError { return true }
        return false
    }
}

/// Where a socket URL points.
private struct SocketTarget: Sendable {
    var tls: Bool
    var host: String
    var port: Int
    var path: String

    var isIPAddress: Bool {
        host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
    }

    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (tls ? 443 : 80) ? name : "\(name):\(port)"
    }

    init?(_ text: String) {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty
        else { return nil }
        switch scheme {
        case "wss", "https": tls = true
        case "ws", "http": tls = false
        default: return nil
        }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        port = url.port ?? (tls ? 443 : 80)
        let rawPath = url.path.isEmpty ? "/" : url.path
        path = url.query.map { "\(rawPath)?\($0)" } ?? rawPath
    }
}

/// What the event-loop handlers of one connection learn, read by the connection's task.
private final class WingsSocketShared: Sendable {
    private struct State {
        var upgradeStatus: Int?
        var closeCode: UInt16?
        var closeReason = ""
        var closeSent = false
        var error: String?
        var timedOut = false
    }

    private let state = Mutex(State())

    var upgradeStatus: Int? { state.withLock { $0.upgradeStatus } }
    var timedOut: Bool { state.withLock { $0.timedOut } }

    func recordStatus(_ status: Int) { state.withLock { $0.upgradeStatus = $0.upgradeStatus ?? status } }
    func markTimedOut() { state.withLock { $0.timedOut = true } }
    func recordError(_ error: any Error) { state.withLock { $0.error = $0.error ?? "\(type(of: error)): \(error)" } }

    /// Records Wings' close frame; returns whether the client had sent its close already.
    func recordClose(code: UInt16?, reason: String) -> Bool {
        state.withLock { state in
            if state.closeCode == nil {
                state.closeCode = code ?? 1005
                state.closeReason = reason
            }
            return state.closeSent
        }
    }

    /// Marks the client's close frame as sent; false when it already was.
    func markCloseSent() -> Bool {
        state.withLock { state in
            defer { state.closeSent = true }
            return !state.closeSent
        }
    }

    /// How the connection ended: Wings' close code, else an error, else 1006 (gone without a close frame).
    var closeCause: WingsSocketCloseCause {
        state.withLock { state in
            if let code = state.closeCode { return .closed(code: code, reason: state.closeReason) }
            if let error = state.error { return .other(error) }
            return .closed(code: 1006, reason: "")
        }
    }
}

/// Notes the status of the upgrade response (403 when `CheckOrigin` refused), then passes everything on.
private final class UpgradeStatusRecorder: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias InboundOut = HTTPClientResponsePart

    private let shared: WingsSocketShared

    init(shared: WingsSocketShared) {
        self.shared = shared
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = Self.unwrapInboundIn(data) {
            shared.recordStatus(Int(head.status.code))
        }
        context.fireChannelRead(data)
    }
}

/// Reads frames of an upgraded connection on its event loop: text to the `receive` callback, pings answered,
/// Wings' close recorded and answered.
private final class WingsFrameHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let shared: WingsSocketShared
    private let receive: @Sendable (String) -> Void

    init(shared: WingsSocketShared, receive: @escaping @Sendable (String) -> Void) {
        self.shared = shared
        self.receive = receive
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            var data = frame.unmaskedData
            receive(data.readString(length: data.readableBytes) ?? "")
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(Self.wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            var data = frame.unmaskedData
            let code = data.readInteger(as: UInt16.self)
            let reason = data.readString(length: data.readableBytes) ?? ""
            if shared.recordClose(code: code, reason: reason) || !shared.markCloseSent() {
                context.close(promise: nil)
                return
            }
            // Echo Wings' code, then let Wings end the TCP connection (or close it ourselves once flushed).
            var echo = context.channel.allocator.buffer(capacity: 2)
            if let code { echo.writeInteger(code) }
            let reply = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: echo)
            let channel = context.channel
            context.writeAndFlush(Self.wrapOutboundOut(reply)).whenComplete { _ in
                channel.close(promise: nil)
            }
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        shared.recordError(error)
        context.close(promise: nil)
    }
}
