import CoreMetrics
import DiscordModels
import Logging
import NIOCore
import NIOPosix
import NIOWebSocket
import ServiceLifecycle
import Synchronization
import WSClient

/// The bot's connection to the Discord gateway: a `Service` whose ``run()`` keeps one WebSocket open for as
/// long as the bot runs, through network drops, reconnect requests, zombie connections and invalid sessions.
///
/// All protocol decisions come from ``GatewayStateMachine``; this driver only owns the socket. For each
/// connection it calls `WebSocketClient.connect`, whose handler runs the inbound reader next to a heartbeat
/// timer; when the socket closes it asks the machine what next, waits on the injected clock and loops.
/// Events reach one consumer through ``events``.
///
/// Never logs the token or IDENTIFY/RESUME payloads.
public final class GatewayConnection<C: Clock>: Service, Sendable where C.Duration == Duration {
    /// Dispatch events for the single consumer: READY, RESUMED, GUILD_CREATE, INTERACTION_CREATE and `.other`.
    /// Finishes when ``run()`` returns.
    public let events: AsyncStream<GatewayEvent>

    private let eventContinuation: AsyncStream<GatewayEvent>.Continuation
    private let configuration: GatewayConfiguration
    private let logger: Logger
    private let clock: C
    private let metrics: any MetricsFactory
    private let state: Mutex<State>

    private struct State: Sendable {
        var machine: GatewayStateMachine<C>
        var presence: GatewayPresenceUpdate?
        /// A presence change that could not be sent yet; sent after RESUMED (IDENTIFY carries it anyway).
        var presenceNeedsSend = false
        var outbound: WebSocketOutboundWriter?
        var ignoredEvents: [String: Int] = [:]
        var undecodableEvents = 0
        var connectionCount = 0
        /// Since when the session has not been ready (nil while it is).
        var notReadySince: C.Instant?
        /// Since when the session has been ready without a break (nil while it is not).
        var readySince: C.Instant?
    }

    /// Creates a gateway connection; nothing happens until ``run()``.
    /// - Parameters:
    ///   - configuration: URL, token, intents, presence, compression and limits.
    ///   - logger: the component logger (this type logs at trace and debug only).
    ///   - clock: the clock for heartbeats and backoff.
    ///   - random: a source of values in `0..<1` for heartbeat and backoff jitter.
    ///   - metrics: where reconnects are counted by kind (nothing is counted by default).
    public init(
        configuration: GatewayConfiguration,
        logger: Logger = Logger(label: "discord.gateway"),
        clock: C,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) {
        self.configuration = configuration
        self.metrics = metrics
        var logger = logger
        logger[metadataKey: "gateway.host"] = .string(Self.host(of: configuration.gatewayURL))
        self.logger = logger
        self.clock = clock
        (self.events, self.eventContinuation) = AsyncStream.makeStream(
            of: GatewayEvent.self,
            bufferingPolicy: configuration.eventBuffering
        )
        let machine = GatewayStateMachine<C>(
            gatewayURL: configuration.gatewayURL,
            query: configuration.query,
            intents: configuration.intents,
            sessionStartLimit: configuration.sessionStartLimit,
            timing: configuration.timing,
            now: clock.now,
            random: random
        )
        self.state = Mutex(State(machine: machine, presence: configuration.presence, notReadySince: clock.now))
    }

    // MARK: - Public API

    /// The round-trip time of the last acknowledged heartbeat, or nil before the first ACK.
    /// - Returns: the latency.
    public func latency() -> Duration? {
        self.state.withLock { $0.machine.latency }
    }

    /// Whether the session is ready now, or else for how long it has not been (connecting, resuming, backing off
    /// or stopped), for health checks.
    /// - Returns: nil while ready, else the time since the session was last ready (or since the start).
    public func timeNotReady() -> Duration? {
        let now = self.clock.now
        return self.state.withLock { state in
            guard state.machine.phase != .ready else { return nil }
            return (state.notReadySince ?? now).duration(to: now)
        }
    }

    /// How long the session has been ready without a break (the gateway's uptime, for `/bot_status`).
    /// - Returns: nil while not ready.
    public func timeReady() -> Duration? {
        let now = self.clock.now
        return self.state.withLock { state in
            guard state.machine.phase == .ready, let since = state.readySince else { return nil }
            return since.duration(to: now)
        }
    }

    /// How many dispatches of each ignored type (`.other`) arrived; for diagnostics.
    /// - Returns: counts by event name.
    public func ignoredEventCounts() -> [String: Int] {
        self.state.withLock { $0.ignoredEvents }
    }

    /// Changes the bot's presence. Sends op 3 now when the session is ready (waiting for the rate limit if
    /// needed); otherwise keeps it for the next IDENTIFY or sends it after RESUMED.
    /// - Parameter presence: the new presence, e.g. ``GatewayPresenceUpdate/watching(serverCount:)``.
    /// - Throws: ``GatewayError/payloadTooLarge(opcode:bytes:limit:)`` for an oversized presence, or
    ///   `CancellationError`.
    public func updatePresence(_ presence: GatewayPresenceUpdate) async throws {
        let outbound = self.state.withLock { state -> WebSocketOutboundWriter? in
            state.presence = presence
            guard state.machine.phase == .ready, let outbound = state.outbound else {
                state.presenceNeedsSend = true
                return nil
            }
            state.presenceNeedsSend = false
            return outbound
        }
        guard let outbound else { return }
        do {
            try await self.send(.presenceUpdate(presence), outbound: outbound)
        } catch let error as GatewayError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // The socket closed under us: send it on the next session instead.
            self.state.withLock { $0.presenceNeedsSend = true }
            self.logger.debug("Presence not sent, connection closed", metadata: ["error": "\(error)"])
        }
    }

    /// Connects and keeps the connection alive until shutdown, cancellation or a fatal close code.
    ///
    /// Graceful shutdown (or cancellation) closes the socket with 1000 and returns.
    /// - Throws: ``GatewayError/fatalClose(code:message:)`` when Discord closed with a code that retrying cannot
    ///   fix (its message says what to change), or `CancellationError`.
    public func run() async throws {
        defer { self.eventContinuation.finish() }
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await self.runConnections()
        } onCancelOrGracefulShutdown: {
            _ = self.state.withLock { $0.machine.shutdown() }
        }
    }

    // MARK: - Connection loop

    private func runConnections() async throws {
        var decision = self.state.withLock { $0.machine.start(now: self.clock.now) }
        while true {
            switch decision {
            case .shutdown:
                self.logger.debug("Gateway stopped")
                return
            case .stop(let error):
                self.logger.debug("Gateway stopped by fatal close", metadata: ["error": "\(error)"])
                throw error
            case .connect(let url, let delay, let resume):
                if delay > .zero {
                    self.logger.debug(
                        "Waiting before connecting",
                        metadata: ["gateway.delay": "\(delay)", "gateway.resume": "\(resume)"]
                    )
                    do {
                        let clock = self.clock
                        try await cancelWhenGracefulShutdown {
                            try await clock.sleep(for: delay)
                        }
                    } catch {
                        if self.state.withLock({ $0.machine.isShuttingDown }) {
                            return
                        }
                        throw error
                    }
                }
                let code = try await self.connect(url: url, resume: resume)
                decision = self.state.withLock { state in
                    state.readySince = nil
                    if state.notReadySince == nil {
                        state.notReadySince = self.clock.now
                    }
                    return state.machine.connectionClosed(code: code, now: self.clock.now)
                }
            }
        }
    }

    /// Runs one WebSocket connection to its end.
    /// - Returns: the close code the server sent, or nil (network error, no code).
    private func connect(url: String, resume: Bool) async throws -> UInt16? {
        let connectionNumber = self.state.withLock { state -> Int in
            state.connectionCount += 1
            return state.connectionCount
        }
        var logger = self.logger
        logger[metadataKey: "gateway.connection"] = "\(connectionNumber)"
        logger.debug("Connecting", metadata: ["gateway.resume": "\(resume)"])
        // WSClient traces the first bytes of every frame: keep it at debug or above so no payload is logged.
        var quietLogger = logger
        quietLogger.logLevel = max(logger.logLevel, .debug)
        let socketLogger = quietLogger
        let webSocketConfiguration = WebSocketClientConfiguration(
            maxFrameSize: self.configuration.maxFrameSize,
            closeTimeout: self.configuration.closeTimeout,
            autoPing: .disabled,
            validateUTF8: false
        )
        let connectionLogger = logger
        let attempt = ConnectionAttempt()
        // Unstructured, so an abandoned handshake that never ends cannot hold this loop (see ConnectionAttempt).
        let connecting = Task {
            do {
                let closeFrame = try await WebSocketClient.connect(
                    url: url,
                    configuration: webSocketConfiguration,
                    eventLoopGroup: attempt.eventLoopGroup,
                    logger: socketLogger
                ) { inbound, outbound, _ in
                    guard attempt.open() else { return }
                    try await self.handle(inbound: inbound, outbound: outbound, logger: connectionLogger)
                }
                attempt.finish(.closed(closeFrame))
            } catch {
                attempt.finish(.failed(error))
            }
        }
        let deadline = Task {
            // Cut short when the attempt ends or the bot stops; either way a socket not yet open is closed.
            let timeout = self.configuration.timing.connectTimeout
            try? await self.clock.sleep(for: timeout)
            let expired = !Task.isCancelled
            if await attempt.abandonUnlessOpen(), expired {
                connectionLogger.debug(
                    "WebSocket not open in time, abandoning this attempt",
                    metadata: ["gateway.timeout": "\(timeout)"]
                )
            }
        }
        let end = await withTaskCancellationHandler {
            await attempt.end()
        } onCancel: {
            connecting.cancel()
            deadline.cancel()
        }
        deadline.cancel()
        await attempt.closeLoopGroup()
        switch end {
        case .closed(let closeFrame):
            let code = closeFrame.map { Self.number(of: $0.closeCode) }
            logger.debug("Connection closed", metadata: ["gateway.close_code": "\(code.map(String.init) ?? "none")"])
            return code
        case .failed, .abandoned:
            if Task.isCancelled, !self.state.withLock({ $0.machine.isShuttingDown }) {
                throw CancellationError()
            }
            if case .failed(let error) = end {
                logger.debug("Connection failed", metadata: ["error": "\(error)"])
            }
            return nil
        }
    }

    /// The WebSocket handler: a reader and a heartbeat timer; the first to finish ends the connection.
    private func handle(
        inbound: WebSocketInboundStream,
        outbound: WebSocketOutboundWriter,
        logger: Logger
    ) async throws {
        let (helloSignal, helloContinuation) = AsyncStream.makeStream(
            of: Void.self,
            bufferingPolicy: .bufferingNewest(1)
        )
        self.state.withLock {
            $0.outbound = outbound
            $0.machine.socketOpened(now: self.clock.now)
        }
        defer {
            self.state.withLock { $0.outbound = nil }
            helloContinuation.finish()
        }
        await withTaskGroup(of: ChildEnd.self) { group in
            group.addTask {
                await self.readLoop(inbound: inbound, outbound: outbound, hello: helloContinuation, logger: logger)
                return .connectionOver
            }
            group.addTask {
                await self.heartbeatLoop(outbound: outbound, hello: helloSignal, logger: logger)
                return .connectionOver
            }
            group.addTask {
                await self.handshakeDeadlineLoop(outbound: outbound, logger: logger)
            }
            // The deadline timer ending because the session is ready does not end the connection.
            while let end = await group.next(), end == .handshakeDone {}
            group.cancelAll()
        }
        // Leave with an explicit close: returning alone would make WSClient close with 1000, which ends the
        // session. If the socket is already closing or closed this does nothing.
        let shuttingDown = self.state.withLock { $0.machine.isShuttingDown }
        if shuttingDown {
            // On cancellation this task can no longer write; an awaited (not fire-and-forget) task still can,
            // so the session ends with a proper 1000 close.
            await Task { try? await outbound.close(.normalClosure, reason: nil) }.value
        } else {
            let code = WebSocketErrorCode(codeNumber: Int(GatewayStateMachine<C>.resumableCloseCode))
            try? await outbound.close(code, reason: nil)
        }
    }

    // MARK: - Reader

    private func readLoop(
        inbound: WebSocketInboundStream,
        outbound: WebSocketOutboundWriter,
        hello: AsyncStream<Void>.Continuation,
        logger: Logger
    ) async {
        do {
            let inflater =
                self.configuration.compression == .zlibStream
                ? try ZlibStreamInflater(maxMessageBytes: self.configuration.maxFrameSize) : nil
            for try await message in inbound.messages(maxSize: self.configuration.maxFrameSize) {
                let bytes: [UInt8]
                switch message {
                case .text(let text):
                    bytes = Array(text.utf8)
                case .binary(let buffer):
                    if let inflater {
                        guard let inflated = try inflater.append(buffer.readableBytesView) else { continue }
                        bytes = inflated
                    } else {
                        bytes = Array(buffer.readableBytesView)
                    }
                }
                let payload: GatewayInbound
                do {
                    payload = try GatewayInbound.decode(bytes)
                } catch {
                    logger.debug(
                        "Ignoring a payload without a readable opcode",
                        metadata: ["gateway.bytes": "\(bytes.count)"]
                    )
                    continue
                }
                if try await self.process(payload, outbound: outbound, hello: hello, logger: logger) == .close {
                    return
                }
            }
            logger.trace("Inbound stream ended")
        } catch is CancellationError {
            logger.trace("Reader cancelled")
        } catch {
            logger.debug("Reader failed", metadata: ["error": "\(error)"])
        }
    }

    private enum ReaderStep {
        case next
        case close
    }

    /// Applies one inbound payload to the machine and performs the resulting actions.
    private func process(
        _ payload: GatewayInbound,
        outbound: WebSocketOutboundWriter,
        hello: AsyncStream<Void>.Continuation,
        logger: Logger
    ) async throws -> ReaderStep {
        let now = self.clock.now
        if payload.opcode == .dispatch {
            // The sequence counts even when `d` did not decode: RESUME must not replay it.
            self.state.withLock { $0.machine.receivedDispatch(sequence: payload.sequence) }
        }
        switch payload.body {
        case .hello(let helloPayload):
            let (action, presence, connection) = self.state.withLock { state in
                let action = state.machine.receivedHello(heartbeatInterval: helloPayload.heartbeatInterval, now: now)
                if action == .identify {
                    state.presenceNeedsSend = false
                }
                return (action, state.presence, state.connectionCount)
            }
            self.countReconnect(action, connection: connection)
            hello.yield()
            logger.trace("HELLO", metadata: ["gateway.heartbeat_interval": "\(helloPayload.heartbeatInterval)"])
            switch action {
            case .identify:
                let identify = GatewayIdentify(
                    token: self.configuration.token.exposedValue,
                    intents: self.configuration.intents,
                    properties: self.configuration.identifyProperties,
                    presence: presence
                )
                logger.debug("Identifying", metadata: ["gateway.intents": "\(self.configuration.intents)"])
                try await self.send(.identify(identify), outbound: outbound)
            case .resume(let sessionID, let sequence):
                let resume = GatewayResume(
                    token: self.configuration.token.exposedValue,
                    sessionID: sessionID,
                    sequence: sequence
                )
                logger.debug("Resuming", metadata: ["gateway.seq": "\(sequence.map(String.init) ?? "null")"])
                try await self.send(.resume(resume), outbound: outbound)
            case .ignore:
                break
            }
        case .heartbeatRequest:
            let action = self.state.withLock { $0.machine.receivedHeartbeatRequest(now: now) }
            if case .send(let sequence) = action {
                logger.trace("Heartbeat requested by the gateway")
                try await outbound.write(.text(GatewayCommand.heartbeat(sequence: sequence).jsonText()))
            }
        case .heartbeatAck:
            self.state.withLock { $0.machine.receivedHeartbeatAck(now: now) }
        case .reconnect:
            logger.debug("Gateway asked to reconnect")
            let action = self.state.withLock { $0.machine.receivedReconnect() }
            return try await self.perform(action, outbound: outbound)
        case .invalidSession(let resumable):
            logger.debug("Invalid session", metadata: ["gateway.resumable": "\(resumable)"])
            let action = self.state.withLock { $0.machine.receivedInvalidSession(resumable: resumable) }
            return try await self.perform(action, outbound: outbound)
        case .dispatch(let event):
            try await self.dispatch(event, sequence: payload.sequence, now: now, outbound: outbound, logger: logger)
        case .undecodable(let reason):
            self.state.withLock { $0.undecodableEvents += 1 }
            logger.debug(
                "Undecodable gateway payload",
                metadata: [
                    "gateway.op": "\(payload.opcode.rawValue)", "gateway.event": "\(payload.eventName ?? "-")",
                    "gateway.seq": "\(payload.sequence.map(String.init) ?? "-")", "error": "\(reason)",
                ]
            )
        case .unhandled:
            logger.trace("Unhandled opcode", metadata: ["gateway.op": "\(payload.opcode.rawValue)"])
        }
        return .next
    }

    private func dispatch(
        _ event: GatewayEvent,
        sequence: Int?,
        now: C.Instant,
        outbound: WebSocketOutboundWriter,
        logger: Logger
    ) async throws {
        logger.trace("Dispatch", metadata: ["gateway.event": "\(event.name)", "gateway.seq": "\(sequence ?? -1)"])
        switch event {
        case .ready(let ready):
            self.state.withLock {
                $0.machine.receivedReady(sessionID: ready.sessionID, resumeGatewayURL: ready.resumeGatewayURL, now: now)
                $0.notReadySince = nil
                $0.readySince = $0.readySince ?? now
            }
            logger.debug("Session ready", metadata: ["gateway.guilds": "\(ready.guilds.count)"])
        case .resumed:
            let presence = self.state.withLock { state -> GatewayPresenceUpdate? in
                state.machine.receivedResumed(now: now)
                state.notReadySince = nil
                state.readySince = state.readySince ?? now
                guard state.presenceNeedsSend else { return nil }
                state.presenceNeedsSend = false
                return state.presence
            }
            logger.debug("Session resumed")
            if let presence {
                try await self.send(.presenceUpdate(presence), outbound: outbound)
            }
        case .other(let name):
            self.state.withLock { $0.ignoredEvents[name, default: 0] += 1 }
        default:
            break
        }
        self.eventContinuation.yield(event)
    }

    private func perform(
        _ action: GatewayStateMachine<C>.CloseAction,
        outbound: WebSocketOutboundWriter
    ) async throws -> ReaderStep {
        switch action {
        case .close(let code):
            try await outbound.close(.init(codeNumber: Int(code)), reason: nil)
            return .close
        case .none:
            return .next
        }
    }

    // MARK: - Heartbeat timer

    private func heartbeatLoop(outbound: WebSocketOutboundWriter, hello: AsyncStream<Void>, logger: Logger) async {
        var helloIterator = hello.makeAsyncIterator()
        do {
            while true {
                let action = self.state.withLock { $0.machine.heartbeatTick(now: self.clock.now) }
                switch action {
                case .send(let sequence):
                    logger.trace("Heartbeat", metadata: ["gateway.seq": "\(sequence ?? -1)"])
                    try await outbound.write(.text(GatewayCommand.heartbeat(sequence: sequence).jsonText()))
                case .wait(let delay):
                    try await self.clock.sleep(for: delay)
                case .waitForHello:
                    guard await helloIterator.next() != nil else { return }
                case .zombie(let code):
                    logger.debug("Heartbeat not acknowledged: zombie connection, closing to resume")
                    try await outbound.close(.init(codeNumber: Int(code)), reason: nil)
                    return
                case .stop:
                    return
                }
            }
        } catch is CancellationError {
            logger.trace("Heartbeat timer cancelled")
        } catch {
            logger.debug("Heartbeat timer failed", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Handshake deadline

    /// How a child task of a connection ended.
    private enum ChildEnd: Sendable {
        /// The reader or heartbeat timer ended (or a deadline closed the socket): the connection is over.
        case connectionOver
        /// HELLO and READY/RESUMED arrived in time: the deadline timer is done, the connection goes on.
        case handshakeDone
    }

    /// Closes a socket that stays silent before HELLO, or gets no READY/RESUMED after it, within the machine's
    /// deadlines; the machine then reconnects after the usual backoff.
    private func handshakeDeadlineLoop(outbound: WebSocketOutboundWriter, logger: Logger) async -> ChildEnd {
        do {
            while true {
                let action = self.state.withLock { $0.machine.handshakeDeadlineTick(now: self.clock.now) }
                switch action {
                case .wait(let delay):
                    try await self.clock.sleep(for: delay)
                case .expired(let code):
                    logger.debug("Gateway handshake timed out (no HELLO or READY/RESUMED): closing to retry")
                    try await outbound.close(.init(codeNumber: Int(code)), reason: nil)
                    return .connectionOver
                case .none:
                    return .handshakeDone
                }
            }
        } catch is CancellationError {
            return .connectionOver
        } catch {
            logger.debug("Handshake deadline close failed", metadata: ["error": "\(error)"])
            return .connectionOver
        }
    }

    // MARK: - Sending

    /// Sends a command once the machine allows it (size and rate limit).
    /// Every session after the first connection's is a reconnect: a RESUME keeps the session, an IDENTIFY
    /// starts a new one (and replays nothing that was missed).
    private func countReconnect(_ action: GatewayStateMachine<C>.HelloAction, connection: Int) {
        let kind: String
        switch action {
        case .identify where connection > 1: kind = "identify"
        case .resume: kind = "resume"
        default: return
        }
        Counter(label: "pterodisbot_gateway_reconnects_total", dimensions: [("kind", kind)], factory: metrics)
            .increment()
    }

    private func send(_ command: GatewayCommand, outbound: WebSocketOutboundWriter) async throws {
        let text = try command.jsonText()
        let bytes = text.utf8.count
        while true {
            let decision = self.state.withLock { $0.machine.authorizeSend(byteCount: bytes, now: self.clock.now) }
            switch decision {
            case .send:
                try await outbound.write(.text(text))
                self.logger.trace("Sent", metadata: ["gateway.op": "\(command.opcode.rawValue)"])
                return
            case .wait(let delay):
                self.logger.debug("Gateway send rate limit reached", metadata: ["gateway.delay": "\(delay)"])
                try await self.clock.sleep(for: delay)
            case .tooLarge(let limit):
                throw GatewayError.payloadTooLarge(opcode: command.opcode, bytes: bytes, limit: limit)
            }
        }
    }

    // MARK: - Helpers

    private static func number(of code: WebSocketErrorCode) -> UInt16 {
        var buffer = ByteBuffer()
        buffer.write(webSocketErrorCode: code)
        return buffer.readInteger(as: UInt16.self) ?? 0
    }

    private static func host(of url: String) -> String {
        let afterScheme = url.firstRange(of: "://").map { url[$0.upperBound...] } ?? url[...]
        return String(afterScheme.prefix { $0 != "/" && $0 != "?" })
    }
}

extension GatewayConnection where C == ContinuousClock {
    /// Creates a gateway connection on the continuous clock.
    /// - Parameters:
    ///   - configuration: URL, token, intents, presence, compression and limits.
    ///   - logger: the component logger.
    ///   - metrics: where reconnects are counted by kind (nothing is counted by default).
    public convenience init(
        configuration: GatewayConfiguration,
        logger: Logger,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) {
        self.init(configuration: configuration, logger: logger, clock: ContinuousClock(), metrics: metrics)
    }
}
