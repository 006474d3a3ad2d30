import DiscordGateway
import DiscordModels
import Testing

/// Drives the pure machine input by input with hand-made instants (no clock, no sleeps).
struct GatewayStateMachineTests {
    typealias Machine = GatewayStateMachine<ContinuousClock>

    static let gateway = "wss://gateway.discord.gg"
    static let resumeURL = "wss://gateway-us-east1-b.discord.gg"
    static let gatewayWithQuery = "wss://gateway.discord.gg/?v=10&encoding=json"
    static let resumeWithQuery = "wss://gateway-us-east1-b.discord.gg/?v=10&encoding=json"

    let t0 = ContinuousClock.now

    func at(_ milliseconds: Int) -> ContinuousClock.Instant {
        t0.advanced(by: .milliseconds(milliseconds))
    }

    /// No jitter in backoff, unless a test asks for it.
    static let plainTiming = GatewayTiming(backoff: GatewayBackoff(jitter: 0))

    func makeMachine(
        random: Double = 0.5,
        timing: GatewayTiming = plainTiming,
        intents: GatewayIntents = .guilds,
        sessionStartLimit: GatewaySessionStartLimit? = nil
    ) -> Machine {
        Machine(
            gatewayURL: Self.gateway,
            intents: intents,
            sessionStartLimit: sessionStartLimit,
            timing: timing,
            now: at(0),
            random: { random }
        )
    }

    /// A machine that has identified and received READY (session "s1") at t=0 with a 40 s heartbeat interval.
    func readyMachine(random: Double = 0.5, timing: GatewayTiming = plainTiming) -> Machine {
        var machine = makeMachine(random: random, timing: timing)
        _ = machine.start(now: at(0))
        _ = machine.receivedHello(heartbeatInterval: .seconds(40), now: at(0))
        machine.receivedDispatch(sequence: 1)
        machine.receivedReady(sessionID: "s1", resumeGatewayURL: Self.resumeURL, now: at(0))
        return machine
    }

    // MARK: - Connecting

    @Test func startsByConnectingToGatewayURLWithQuery() {
        var machine = makeMachine()
        #expect(machine.start(now: at(0)) == .connect(url: Self.gatewayWithQuery, after: .zero, resume: false))
        #expect(machine.phase == .awaitingHello)
    }

    @Test func connectionURLAddsPathAndReplacesQuery() {
        #expect(Machine.connectionURL(base: "ws://127.0.0.1:8080", query: "v=10") == "ws://127.0.0.1:8080/?v=10")
        #expect(Machine.connectionURL(base: "wss://x.gg/", query: "v=10") == "wss://x.gg/?v=10")
        #expect(Machine.connectionURL(base: "wss://x.gg/gw?v=9", query: "v=10") == "wss://x.gg/gw?v=10")
    }

    @Test func helloWithoutSessionIdentifies() {
        var machine = makeMachine()
        _ = machine.start(now: at(0))
        #expect(machine.heartbeatTick(now: at(0)) == .waitForHello)
        #expect(machine.receivedHello(heartbeatInterval: .seconds(40), now: at(0)) == .identify)
        #expect(machine.phase == .identifying)
    }

    @Test func readyKeepsSessionAndResumeURL() {
        let machine = readyMachine()
        #expect(machine.phase == .ready)
        #expect(machine.sessionID == "s1")
        #expect(machine.resumeGatewayURL == Self.resumeURL)
        #expect(machine.sequence == 1)
    }

    @Test func sequenceIsKeptFromEveryDispatchAndNilDoesNotReset() {
        var machine = readyMachine()
        machine.receivedDispatch(sequence: 2)
        machine.receivedDispatch(sequence: nil)
        #expect(machine.sequence == 2)
    }

    // MARK: - Heartbeats

    @Test func firstHeartbeatIsJitteredThenEveryInterval() {
        var machine = makeMachine(random: 0.25)
        _ = machine.start(now: at(0))
        _ = machine.receivedHello(heartbeatInterval: .seconds(40), now: at(0))
        #expect(machine.heartbeatTick(now: at(0)) == .wait(.seconds(10)))
        #expect(machine.heartbeatTick(now: at(4_000)) == .wait(.seconds(6)))
        #expect(machine.heartbeatTick(now: at(10_000)) == .send(sequence: nil))
        machine.receivedHeartbeatAck(now: at(10_120))
        #expect(machine.latency == .milliseconds(120))
        #expect(machine.heartbeatTick(now: at(10_120)) == .wait(.milliseconds(39_880)))
        machine.receivedDispatch(sequence: 7)
        #expect(machine.heartbeatTick(now: at(50_000)) == .send(sequence: 7))
    }

    @Test func firstHeartbeatWithZeroRandomIsImmediate() {
        var machine = makeMachine(random: 0)
        _ = machine.start(now: at(0))
        _ = machine.receivedHello(heartbeatInterval: .seconds(40), now: at(0))
        #expect(machine.heartbeatTick(now: at(0)) == .send(sequence: nil))
    }

    @Test func missedAckIsZombieAndResumesAfterBackoff() {
        var machine = readyMachine(random: 0)
        #expect(machine.heartbeatTick(now: at(0)) == .send(sequence: 1))
        #expect(machine.heartbeatTick(now: at(40_000)) == .zombie(closeCode: 4000))
        #expect(machine.phase == .closing)
        #expect(machine.heartbeatTick(now: at(40_001)) == .stop)
        // Whatever the server echoes, our own reason (zombie → resume) decides.
        #expect(
            machine.connectionClosed(code: 4000, now: at(40_100))
                == .connect(url: Self.resumeWithQuery, after: .seconds(1), resume: true)
        )
        #expect(
            machine.receivedHello(heartbeatInterval: .seconds(40), now: at(41_200))
                == .resume(sessionID: "s1", sequence: 1)
        )
    }

    @Test func ackBeforeNextBeatIsNotZombie() {
        var machine = readyMachine(random: 0)
        #expect(machine.heartbeatTick(now: at(0)) == .send(sequence: 1))
        machine.receivedHeartbeatAck(now: at(39_999))
        #expect(machine.heartbeatTick(now: at(40_000)) == .send(sequence: 1))
        #expect(machine.latency == .milliseconds(39_999))
    }

    @Test func serverRequestedHeartbeatIsSentAtOnceAndRestartsSchedule() {
        var machine = readyMachine(random: 0.5)
        machine.receivedDispatch(sequence: 5)
        #expect(machine.receivedHeartbeatRequest(now: at(3_000)) == .send(sequence: 5))
        #expect(machine.heartbeatTick(now: at(3_000)) == .wait(.seconds(40)))
        machine.receivedHeartbeatAck(now: at(3_050))
        #expect(machine.latency == .milliseconds(50))
        #expect(machine.heartbeatTick(now: at(43_000)) == .send(sequence: 5))
    }

    @Test func heartbeatRequestBeforeHelloSendsNothing() {
        var machine = makeMachine()
        _ = machine.start(now: at(0))
        #expect(machine.receivedHeartbeatRequest(now: at(0)) == .waitForHello)
    }

    // MARK: - Reconnect and invalid session

    @Test func reconnectOpcodeClosesAndResumesAtOnceOnResumeURL() {
        var machine = readyMachine()
        machine.receivedDispatch(sequence: 9)
        #expect(machine.receivedReconnect() == .close(code: 4000))
        #expect(machine.receivedReconnect() == .none)
        #expect(
            machine.connectionClosed(code: nil, now: at(1_000))
                == .connect(url: Self.resumeWithQuery, after: .zero, resume: true)
        )
        #expect(machine.backoffAttempt == 0)
        #expect(
            machine.receivedHello(heartbeatInterval: .seconds(40), now: at(1_100))
                == .resume(sessionID: "s1", sequence: 9)
        )
        #expect(machine.phase == .resuming)
        machine.receivedResumed(now: at(1_200))
        #expect(machine.phase == .ready)
    }

    @Test func resumableInvalidSessionReconnectsAndResumes() {
        var machine = readyMachine()
        #expect(machine.receivedInvalidSession(resumable: true) == .close(code: 4000))
        #expect(
            machine.connectionClosed(code: 4000, now: at(1_000))
                == .connect(url: Self.resumeWithQuery, after: .seconds(1), resume: true)
        )
        #expect(machine.sessionID == "s1")
    }

    @Test func nonResumableInvalidSessionWaitsOneToFiveSecondsAndIdentifies() {
        var machine = readyMachine(random: 0.5)
        #expect(machine.receivedInvalidSession(resumable: false) == .close(code: 1000))
        #expect(machine.sessionID == nil)
        #expect(machine.sequence == nil)
        // 1 s + (5 s - 1 s) × 0.5 = 3 s; the identify 10 s ago no longer limits.
        #expect(
            machine.connectionClosed(code: 1000, now: at(10_000))
                == .connect(url: Self.gatewayWithQuery, after: .seconds(3), resume: false)
        )
        #expect(machine.receivedHello(heartbeatInterval: .seconds(40), now: at(13_100)) == .identify)
    }

    @Test func invalidSessionTrueWithoutSessionIdentifies() {
        var machine = makeMachine(random: 0)
        _ = machine.start(now: at(0))
        _ = machine.receivedHello(heartbeatInterval: .seconds(40), now: at(0))
        #expect(machine.receivedInvalidSession(resumable: true) == .close(code: 1000))
        // 1 s from the invalid-session range, but identify spacing (5 s since the identify at 0) wins.
        #expect(
            machine.connectionClosed(code: nil, now: at(500))
                == .connect(url: Self.gatewayWithQuery, after: .milliseconds(4_500), resume: false)
        )
    }

    // MARK: - Close codes

    @Test(arguments: [4004, 4010, 4011, 4012, 4013, 4014] as [UInt16])
    func fatalCloseCodesStopWithAMessage(code: UInt16) {
        var machine = readyMachine()
        let decision = machine.connectionClosed(code: code, now: at(1_000))
        guard case .stop(.fatalClose(let closeCode, let message)) = decision else {
            Issue.record("expected stop, got \(decision)")
            return
        }
        #expect(closeCode.rawValue == code)
        #expect(message.contains("(\(code))"))
        #expect(machine.phase == .stopped)
        #expect(machine.heartbeatTick(now: at(1_000)) == .stop)
    }

    @Test func authenticationFailedSaysToReplaceTheToken() {
        var machine = readyMachine()
        let decision = machine.connectionClosed(code: 4004, now: at(1_000))
        guard case .stop(let error) = decision else {
            Issue.record("expected stop")
            return
        }
        #expect(error.description.contains("Developer Portal → Bot → Token"))
    }

    @Test func disallowedIntentsNamesTheIntentAndWhereToEnableIt() {
        var machine = makeMachine(intents: [.guilds, .guildMembers])
        _ = machine.start(now: at(0))
        let decision = machine.connectionClosed(code: 4014, now: at(1_000))
        guard case .stop(let error) = decision else {
            Issue.record("expected stop")
            return
        }
        #expect(error.description.contains("Server Members Intent (GUILD_MEMBERS)"))
        #expect(error.description.contains("Developer Portal → Bot → Privileged Gateway Intents"))
        #expect(error.description.contains("GUILDS"))
    }

    @Test func disallowedIntentsWithOnlyGuildsSaysSo() {
        let message = GatewayCloseCode.disallowedIntents.explanation(intents: .guilds)
        #expect(message.contains("GUILDS"))
        #expect(message.contains("no privileged intent"))
        #expect(message.contains("Privileged Gateway Intents"))
    }

    @Test(arguments: [4007, 4009] as [UInt16])
    func invalidSequenceAndTimeoutReidentify(code: UInt16) {
        var machine = readyMachine()
        machine.receivedDispatch(sequence: 4)
        #expect(
            machine.connectionClosed(code: code, now: at(10_000))
                == .connect(url: Self.gatewayWithQuery, after: .seconds(1), resume: false)
        )
        #expect(machine.sessionID == nil)
        #expect(machine.sequence == nil)
    }

    @Test(arguments: [nil, 1000, 1001, 1006, 4000, 4001, 4002, 4003, 4005, 4008] as [UInt16?])
    func otherClosesResumeWithBackoff(code: UInt16?) {
        var machine = readyMachine()
        #expect(
            machine.connectionClosed(code: code, now: at(1_000))
                == .connect(url: Self.resumeWithQuery, after: .seconds(1), resume: true)
        )
    }

    @Test func closeBeforeReadyIdentifiesAgainAfterBackoffAndSpacing() {
        var machine = makeMachine()
        _ = machine.start(now: at(0))
        _ = machine.receivedHello(heartbeatInterval: .seconds(40), now: at(0))
        #expect(
            machine.connectionClosed(code: nil, now: at(100))
                == .connect(url: Self.gatewayWithQuery, after: .milliseconds(4_900), resume: false)
        )
    }

    // MARK: - Handshake deadlines

    @Test func silentSocketIsClosedAtTheHelloDeadlineAndRetriedWithBackoff() {
        var machine = makeMachine()
        _ = machine.start(now: at(0))
        #expect(machine.handshakeDeadlineTick(now: at(0)) == .none)
        machine.socketOpened(now: at(500))
        #expect(machine.handshakeDeadlineTick(now: at(500)) == .wait(.seconds(30)))
        #expect(machine.handshakeDeadlineTick(now: at(30_499)) == .wait(.milliseconds(1)))
        #expect(machine.handshakeDeadlineTick(now: at(30_500)) == .expired(closeCode: 4000))
        #expect(machine.phase == .closing)
        #expect(machine.handshakeDeadlineTick(now: at(30_501)) == .none)
        #expect(
            machine.connectionClosed(code: nil, now: at(31_000))
                == .connect(url: Self.gatewayWithQuery, after: .seconds(1), resume: false)
        )
        #expect(machine.backoffAttempt == 1)
        // The next socket gets a fresh deadline.
        machine.socketOpened(now: at(32_000))
        #expect(machine.handshakeDeadlineTick(now: at(32_000)) == .wait(.seconds(30)))
    }

    @Test func helloStartsTheReadyDeadlineAndReadyEndsIt() {
        var machine = makeMachine()
        _ = machine.start(now: at(0))
        machine.socketOpened(now: at(0))
        _ = machine.receivedHello(heartbeatInterval: .seconds(40), now: at(10_000))
        // The deadline moved from 30 s after open to 30 s after HELLO.
        #expect(machine.handshakeDeadlineTick(now: at(30_000)) == .wait(.seconds(10)))
        machine.receivedReady(sessionID: "s1", resumeGatewayURL: Self.resumeURL, now: at(35_000))
        #expect(machine.handshakeDeadlineTick(now: at(40_000)) == .none)
        #expect(machine.phase == .ready)
    }

    @Test func identifyWithoutReadyTimesOutAndIdentifiesAgain() {
        var machine = makeMachine()
        _ = machine.start(now: at(0))
        machine.socketOpened(now: at(0))
        #expect(machine.receivedHello(heartbeatInterval: .seconds(40), now: at(0)) == .identify)
        #expect(machine.handshakeDeadlineTick(now: at(30_000)) == .expired(closeCode: 4000))
        #expect(
            machine.connectionClosed(code: 4000, now: at(30_100))
                == .connect(url: Self.gatewayWithQuery, after: .seconds(1), resume: false)
        )
    }

    @Test func resumeWithoutResumedTimesOutAndResumesAgain() {
        var machine = readyMachine()
        _ = machine.receivedReconnect()
        _ = machine.connectionClosed(code: nil, now: at(1_000))
        machine.socketOpened(now: at(1_000))
        #expect(
            machine.receivedHello(heartbeatInterval: .seconds(40), now: at(1_000))
                == .resume(sessionID: "s1", sequence: 1)
        )
        #expect(machine.handshakeDeadlineTick(now: at(20_000)) == .wait(.seconds(11)))
        #expect(machine.handshakeDeadlineTick(now: at(31_000)) == .expired(closeCode: 4000))
        #expect(
            machine.connectionClosed(code: nil, now: at(31_100))
                == .connect(url: Self.resumeWithQuery, after: .seconds(1), resume: true)
        )
        machine.socketOpened(now: at(32_100))
        _ = machine.receivedHello(heartbeatInterval: .seconds(40), now: at(32_100))
        machine.receivedResumed(now: at(32_200))
        #expect(machine.handshakeDeadlineTick(now: at(70_000)) == .none)
    }

    @Test func deadlinesAreConfigurable() {
        var machine = makeMachine(timing: GatewayTiming(helloTimeout: .seconds(5), readyTimeout: .seconds(7)))
        _ = machine.start(now: at(0))
        machine.socketOpened(now: at(0))
        #expect(machine.handshakeDeadlineTick(now: at(0)) == .wait(.seconds(5)))
        _ = machine.receivedHello(heartbeatInterval: .seconds(40), now: at(1_000))
        #expect(machine.handshakeDeadlineTick(now: at(1_000)) == .wait(.seconds(7)))
    }

    // MARK: - Backoff

    @Test func backoffGrowsExponentiallyAndIsCapped() {
        var machine = readyMachine()
        var delays: [Duration] = []
        var now = 1_000
        for _ in 0..<8 {
            guard case .connect(_, let after, _) = machine.connectionClosed(code: nil, now: at(now)) else {
                Issue.record("expected connect")
                return
            }
            delays.append(after)
            now += 100
            _ = machine.receivedHello(heartbeatInterval: .seconds(40), now: at(now))
        }
        #expect(delays == [1, 2, 4, 8, 16, 32, 60, 60].map { Duration.seconds($0) })
    }

    @Test func backoffResetsAfterAHealthyConnection() {
        var machine = readyMachine()
        _ = machine.connectionClosed(code: nil, now: at(1_000))
        _ = machine.receivedHello(heartbeatInterval: .seconds(40), now: at(2_000))
        _ = machine.connectionClosed(code: nil, now: at(2_100))
        #expect(machine.backoffAttempt == 2)
        _ = machine.receivedHello(heartbeatInterval: .seconds(40), now: at(5_000))
        machine.receivedResumed(now: at(5_000))
        // Ready for 60 s: healthy, so the next delay starts from the first step again.
        #expect(
            machine.connectionClosed(code: nil, now: at(65_000))
                == .connect(url: Self.resumeWithQuery, after: .seconds(1), resume: true)
        )
        #expect(machine.backoffAttempt == 1)
    }

    @Test func backoffJitterStaysWithinBounds() {
        let backoff = GatewayBackoff(initial: .seconds(1), multiplier: 2, maximum: .seconds(10), jitter: 0.5)
        #expect(backoff.delay(attempt: 0, random: 0.3) == .zero)
        #expect(backoff.delay(attempt: 1, random: 0) == .seconds(1))
        #expect(backoff.delay(attempt: 1, random: 1) == .milliseconds(500))
        #expect(backoff.delay(attempt: 3, random: 0.5) == .seconds(3))
        #expect(backoff.delay(attempt: 50, random: 0) == .seconds(10))
        #expect(backoff.delay(attempt: 50, random: 0.999) > .seconds(5))
    }

    // MARK: - Identify limits

    @Test func identifiesAreSpacedFiveSecondsApart() {
        var machine = readyMachine()
        // Identify at 0; 4009 at 2 s: backoff says 1 s, spacing says 3 s more.
        #expect(
            machine.connectionClosed(code: 4009, now: at(2_000))
                == .connect(url: Self.gatewayWithQuery, after: .seconds(3), resume: false)
        )
    }

    @Test func sessionStartLimitDelaysIdentifyUntilReset() {
        let limit = GatewaySessionStartLimit(total: 1000, remaining: 1, resetAfterMilliseconds: 600_000)
        var machine = makeMachine(sessionStartLimit: limit)
        #expect(machine.start(now: at(0)) == .connect(url: Self.gatewayWithQuery, after: .zero, resume: false))
        _ = machine.receivedHello(heartbeatInterval: .seconds(40), now: at(0))
        // The only start left is used: the next identify waits for the reset at 600 s.
        #expect(
            machine.connectionClosed(code: 4009, now: at(100_000))
                == .connect(url: Self.gatewayWithQuery, after: .seconds(500), resume: false)
        )
        // After the reset the budget is back.
        _ = machine.receivedHello(heartbeatInterval: .seconds(40), now: at(600_000))
        #expect(
            machine.connectionClosed(code: 4009, now: at(700_000))
                == .connect(url: Self.gatewayWithQuery, after: .seconds(2), resume: false)
        )
    }

    @Test func exhaustedSessionStartLimitDelaysTheFirstConnection() {
        let limit = GatewaySessionStartLimit(total: 1000, remaining: 0, resetAfterMilliseconds: 30_000)
        var machine = makeMachine(sessionStartLimit: limit)
        #expect(machine.start(now: at(0)) == .connect(url: Self.gatewayWithQuery, after: .seconds(30), resume: false))
    }

    @Test func resumeIsNotLimitedByIdentifyRules() {
        let limit = GatewaySessionStartLimit(total: 1000, remaining: 1, resetAfterMilliseconds: 600_000)
        var machine = makeMachine(sessionStartLimit: limit)
        _ = machine.start(now: at(0))
        _ = machine.receivedHello(heartbeatInterval: .seconds(40), now: at(0))
        machine.receivedReady(sessionID: "s1", resumeGatewayURL: Self.resumeURL, now: at(0))
        #expect(machine.receivedReconnect() == .close(code: 4000))
        #expect(
            machine.connectionClosed(code: nil, now: at(100))
                == .connect(url: Self.resumeWithQuery, after: .zero, resume: true)
        )
    }

    // MARK: - Outbound limits

    @Test func commandsAreRateLimitedWithRoomKeptForHeartbeats() {
        let timing = GatewayTiming(backoff: GatewayBackoff(jitter: 0), sendLimit: 10, sendWindow: .seconds(10))
        var machine = makeMachine(random: 0.99, timing: timing)
        _ = machine.start(now: at(0))
        _ = machine.receivedHello(heartbeatInterval: .seconds(5), now: at(0))
        // Reserve: ceil(10 s / 5 s) + 1 = 3 heartbeats; 7 commands fit.
        for index in 0..<7 {
            #expect(machine.authorizeSend(byteCount: 100, now: at(index * 100)) == .send)
        }
        #expect(machine.authorizeSend(byteCount: 100, now: at(700)) == .wait(.milliseconds(9_300)))
        // Heartbeats may still use the reserved slots.
        machine.receivedHeartbeatAck(now: at(700))
        #expect(machine.receivedHeartbeatRequest(now: at(800)) == .send(sequence: nil))
        machine.receivedHeartbeatAck(now: at(900))
        #expect(machine.receivedHeartbeatRequest(now: at(1_000)) == .send(sequence: nil))
        machine.receivedHeartbeatAck(now: at(1_100))
        #expect(machine.receivedHeartbeatRequest(now: at(1_200)) == .send(sequence: nil))
        machine.receivedHeartbeatAck(now: at(1_300))
        // The window is full: even a heartbeat waits until the first send leaves it.
        #expect(machine.receivedHeartbeatRequest(now: at(1_400)) == .wait(.milliseconds(8_600)))
        // Once old sends leave the window, commands go again.
        #expect(machine.authorizeSend(byteCount: 100, now: at(10_000)) == .wait(.milliseconds(300)))
        #expect(machine.authorizeSend(byteCount: 100, now: at(10_300)) == .send)
    }

    @Test func heartbeatTimerWaitsWhenTheWindowIsFull() {
        let timing = GatewayTiming(backoff: GatewayBackoff(jitter: 0), sendLimit: 4, sendWindow: .seconds(10))
        var machine = makeMachine(random: 0, timing: timing)
        _ = machine.start(now: at(0))
        _ = machine.receivedHello(heartbeatInterval: .seconds(1), now: at(0))
        // Reserve is capped at half the limit: 2 commands.
        #expect(machine.authorizeSend(byteCount: 10, now: at(0)) == .send)
        #expect(machine.authorizeSend(byteCount: 10, now: at(0)) == .send)
        #expect(machine.authorizeSend(byteCount: 10, now: at(0)) == .wait(.seconds(10)))
        #expect(machine.heartbeatTick(now: at(0)) == .send(sequence: nil))
        machine.receivedHeartbeatAck(now: at(10))
        #expect(machine.heartbeatTick(now: at(1_000)) == .send(sequence: nil))
        machine.receivedHeartbeatAck(now: at(1_010))
        #expect(machine.heartbeatTick(now: at(2_000)) == .wait(.seconds(8)))
    }

    @Test func payloadsOverTheSizeLimitAreRefused() {
        var machine = readyMachine()
        #expect(machine.authorizeSend(byteCount: 4096, now: at(0)) == .send)
        #expect(machine.authorizeSend(byteCount: 4097, now: at(0)) == .tooLarge(limit: 4096))
    }

    @Test func rateWindowStartsAfreshOnEachConnection() {
        let timing = GatewayTiming(backoff: GatewayBackoff(jitter: 0), sendLimit: 4, sendWindow: .seconds(60))
        var machine = makeMachine(timing: timing)
        _ = machine.start(now: at(0))
        _ = machine.receivedHello(heartbeatInterval: .seconds(40), now: at(0))
        #expect(machine.authorizeSend(byteCount: 10, now: at(0)) == .send)
        #expect(machine.authorizeSend(byteCount: 10, now: at(0)) == .send)
        #expect(machine.authorizeSend(byteCount: 10, now: at(0)) != .send)
        _ = machine.connectionClosed(code: nil, now: at(100))
        _ = machine.receivedHello(heartbeatInterval: .seconds(40), now: at(6_000))
        #expect(machine.authorizeSend(byteCount: 10, now: at(6_000)) == .send)
    }

    // MARK: - Shutdown

    @Test func shutdownClosesNormallyAndDoesNotReconnect() {
        var machine = readyMachine()
        #expect(machine.shutdown() == .close(code: 1000))
        #expect(machine.heartbeatTick(now: at(1)) == .stop)
        #expect(machine.connectionClosed(code: 1000, now: at(10)) == .shutdown)
        #expect(machine.phase == .stopped)
        #expect(machine.start(now: at(20)) == .shutdown)
    }

    @Test func helloDuringShutdownSendsNothing() {
        var machine = makeMachine()
        _ = machine.start(now: at(0))
        #expect(machine.shutdown() == .close(code: 1000))
        #expect(machine.receivedHello(heartbeatInterval: .seconds(40), now: at(10)) == .ignore)
        #expect(machine.heartbeatTick(now: at(10)) == .stop)
    }

    @Test func shutdownWhileIdleNeedsNoClose() {
        var machine = makeMachine()
        #expect(machine.shutdown() == .none)
        #expect(machine.start(now: at(0)) == .shutdown)
    }
}
