import PanelCore
import Pterodactyl
import TestSupport
import Testing

/// The per-socket Wings protocol, driven input by input with explicit instants (reference §12).
@Suite struct WingsSocketStateMachineTests {
    typealias Machine = WingsSocketStateMachine<ManualClock.Instant>

    static let url = "wss://node1.example.com:8080/api/servers/a0000001-0000-4000-8000-000000000001/ws"
    static let first = WingsSocketToken("jwt-one")
    static let second = WingsSocketToken("jwt-two")

    static func at(_ seconds: Double) -> ManualClock.Instant {
        ManualClock.Instant(offset: .milliseconds(Int64(seconds * 1000)))
    }

    static func credentials(_ token: WingsSocketToken) -> WingsSocketCredentials {
        WingsSocketCredentials(token: token, socketURL: url)
    }

    /// A machine that fetched `first` at `start`, connected and got `auth success` (live since `start`).
    static func liveMachine(
        interval: Duration = .seconds(10),
        start: Double = 0,
        firstRenewalPhase: Double? = nil
    ) -> Machine {
        var machine = Machine(
            configuration: WingsSocketConfiguration(sampleInterval: interval),
            firstRenewalPhase: firstRenewalPhase
        )
        _ = machine.start(now: at(start))
        _ = machine.credentialsFetched(credentials(first), expiresAt: at(start + 600), now: at(start))
        _ = machine.connected(now: at(start))
        _ = machine.received(.authSuccess, now: at(start))
        return machine
    }

    static func sample(uptime: Int) -> ServerResources {
        ServerResources(state: .running, memoryBytes: 1_073_741_824, cpuAbsolute: 42.5, uptimeMilliseconds: uptime)
    }

    /// What Wings sends for an offline server, after the first `auth` and in answer to `send stats`.
    static let offline = ServerResources(state: .offline, rawState: "offline")

    /// The generic answer Wings gives to a token whose signature it cannot verify (`SendErrorJson`).
    static let unexpected = "Error Event [7d3f]: an unexpected error was encountered while handling this request"

    /// A machine that fetched `first` at 0 and has just sent `auth` on an open socket (nothing answered yet).
    static func authenticatingMachine() -> Machine {
        var machine = Machine(configuration: WingsSocketConfiguration(sampleInterval: .seconds(10)))
        _ = machine.start(now: at(0))
        _ = machine.credentialsFetched(credentials(first), expiresAt: at(600), now: at(0))
        _ = machine.connected(now: at(0))
        return machine
    }

    /// The fall-back reasons and back-off delays of `rounds` sockets that each fail the same way. The first socket
    /// is the machine's open one (opened at 0); each later one opens when the machine's wait ends.
    /// - Parameter failSocket: Drives one open socket, opened at the given instant, until the machine gives up on
    ///   it; returns the actions of that last step.
    static func failures(
        _ machine: inout Machine,
        rounds: Int,
        failSocket: (inout Machine, ManualClock.Instant) -> [Machine.Action]
    ) -> (reasons: [String], delays: [Duration]) {
        var opened = at(0)
        var reasons: [String] = []
        var delays: [Duration] = []
        for round in 0..<rounds {
            if round > 0 {
                guard let due = machine.nextDeadline else {
                    Issue.record("no reconnect scheduled in round \(round)")
                    break
                }
                opened = due
                if machine.tick(now: opened) == [.fetchCredentials] {
                    _ = machine.credentialsFetched(credentials(second), expiresAt: opened + .seconds(600), now: opened)
                }
                #expect(machine.connected(now: opened).contains { if case .send(.auth) = $0 { true } else { false } })
            }
            for action in failSocket(&machine, opened) {
                if case .fallBackToPolling(let reason) = action { reasons.append(reason) }
                if case .reconnect(let delay) = action { delays.append(delay) }
            }
        }
        return (reasons, delays)
    }

    // MARK: - Auth flow

    @Test func authComesFirstThenSendStatsAfterAuthSuccess() {
        var machine = Machine(configuration: WingsSocketConfiguration(sampleInterval: .seconds(10)))
        #expect(machine.start(now: Self.at(0)) == [.fetchCredentials])
        #expect(
            machine.credentialsFetched(Self.credentials(Self.first), expiresAt: Self.at(600), now: Self.at(0.2))
                == [.connect(url: Self.url)]
        )
        #expect(machine.connected(now: Self.at(0.4)) == [.send(.auth(Self.first))])
        #expect(machine.received(.authSuccess, now: Self.at(0.5)) == [.send(.sendStats)])
        #expect(
            machine.received(.status(.running, raw: "running"), now: Self.at(0.5)) == [
                .publishState(.running, raw: "running")
            ]
        )
        #expect(
            machine.received(.stats(WingsStatsSample(Self.sample(uptime: 1000))), now: Self.at(0.6)) == [
                .publishSample(Self.sample(uptime: 1000))
            ]
        )
        #expect(machine.failureCount == 0)
        #expect(machine.stop() == [.close])
        #expect(machine.received(.tokenExpired, now: Self.at(1)) == [])
    }

    @Test func framesBeforeTheSocketOpensAreIgnored() {
        var machine = Machine(configuration: WingsSocketConfiguration(sampleInterval: .seconds(10)))
        _ = machine.start(now: Self.at(0))
        #expect(machine.received(.authSuccess, now: Self.at(0)) == [])
        #expect(machine.connected(now: Self.at(0)) == [])
    }

    // MARK: - Tokens

    @Test func tokenExpiringReauthenticatesOnTheSameSocket() {
        var machine = Self.liveMachine()
        #expect(machine.received(.tokenExpiring, now: Self.at(545)) == [.fetchCredentials])
        // Wings checks every 30 s and warns again while the request is still out: nothing more is asked.
        #expect(machine.received(.tokenExpiring, now: Self.at(575)) == [])
        #expect(
            machine.credentialsFetched(Self.credentials(Self.second), expiresAt: Self.at(1176), now: Self.at(576))
                == [.send(.auth(Self.second))]
        )
        // The re-auth is answered by `auth success` alone; no second `send stats`, no reconnect.
        #expect(machine.received(.authSuccess, now: Self.at(576.1)) == [])
        #expect(
            machine.received(.status(.running, raw: "running"), now: Self.at(577)) == [
                .publishState(.running, raw: "running")
            ]
        )
    }

    @Test func aWarningAboutAnOlderTokenResendsTheHeldOne() {
        var machine = Self.liveMachine()
        _ = machine.received(.tokenExpiring, now: Self.at(545))
        _ = machine.credentialsFetched(Self.credentials(Self.second), expiresAt: Self.at(1145), now: Self.at(545))
        _ = machine.received(.authSuccess, now: Self.at(545.1))
        // A warning Wings queued before the re-auth landed: the held token is fresh, so no request is spent.
        #expect(machine.received(.tokenExpiring, now: Self.at(546)) == [.send(.auth(Self.second))])
    }

    @Test func tokenExpiredFetchesAFreshTokenAndReauthenticates() {
        var machine = Self.liveMachine()
        #expect(machine.received(.tokenExpired, now: Self.at(601)) == [.fetchCredentials])
        #expect(
            machine.credentialsFetched(Self.credentials(Self.second), expiresAt: Self.at(1201), now: Self.at(601))
                == [.send(.auth(Self.second))]
        )
        #expect(machine.received(.authSuccess, now: Self.at(601.2)) == [])
    }

    @Test func jwtErrorFetchesAFreshTokenEvenWhileTheHeldOneLooksValid() {
        var machine = Self.liveMachine()
        #expect(machine.received(.jwtError("signature is invalid"), now: Self.at(30)) == [.fetchCredentials])
        #expect(
            machine.credentialsFetched(Self.credentials(Self.second), expiresAt: Self.at(630), now: Self.at(30))
                == [.send(.auth(Self.second))]
        )
    }

    @Test func repeatedJwtErrorsFallBackWithTheirMessage() {
        var machine = Self.liveMachine()
        var fallBacks: [String] = []
        for step in 1...4 {
            let now = Self.at(Double(step))
            for action in machine.received(.jwtError("token is not valid yet"), now: now) {
                if case .fallBackToPolling(let reason) = action { fallBacks.append(reason) }
                if action == .fetchCredentials {
                    _ = machine.credentialsFetched(Self.credentials(Self.second), expiresAt: Self.at(600), now: now)
                }
            }
        }
        #expect(fallBacks.count == 1)
        #expect(fallBacks.first?.contains("jwt error: token is not valid yet") == true)
        #expect(fallBacks.first?.contains("clock") == true)
    }

    @Test func credentialRequestsNeverExceedFivePerMinute() {
        var machine = Self.liveMachine(start: 0)
        var requests: [Double] = [0]
        // A Wings that answers every auth with `jwt error`, for three minutes, with ticks every second.
        for second in 1...180 {
            let now = Self.at(Double(second))
            var actions = machine.tick(now: now)
            actions += machine.received(.jwtError("signature is invalid"), now: now)
            if actions.contains(.fetchCredentials) {
                requests.append(Double(second))
                _ = machine.credentialsFetched(
                    Self.credentials(Self.second),
                    expiresAt: Self.at(Double(second) + 600),
                    now: now
                )
            }
        }
        for start in requests {
            #expect(requests.count { $0 >= start && $0 < start + 60 } <= 5)
        }
        #expect(requests.count >= 14)  // still retrying at the cap: 5 in each minute (one at 0 came from start)
    }

    @Test func aDeferredRequestIsSentWhenTheWindowAllows() {
        var machine = Self.liveMachine(start: 0)
        for second in 1...4 {
            _ = machine.received(.tokenExpired, now: Self.at(Double(second)))
            _ = machine.credentialsFetched(
                Self.credentials(Self.second),
                expiresAt: Self.at(600),
                now: Self.at(Double(second))
            )
            _ = machine.received(.authSuccess, now: Self.at(Double(second)))
        }
        #expect(machine.received(.tokenExpired, now: Self.at(5)) == [])
        // The socket stays probed while the request waits: 30 s after the last frame.
        #expect(machine.nextDeadline == Self.at(35))
        #expect(machine.tick(now: Self.at(35)) == [.send(.sendStats)])
        _ = machine.received(.jwtError(FakeWings.expiredTokenMessage), now: Self.at(35.1))
        #expect(machine.nextDeadline == Self.at(60))
        #expect(machine.tick(now: Self.at(59)) == [])
        #expect(machine.tick(now: Self.at(60)) == [.fetchCredentials])
    }

    @Test func routineRequestsHappenOncePerTokenLifetime() {
        var machine = Self.liveMachine(start: 0)
        var fetches = 0
        // Six drops within the token's life: each reconnect reuses the token.
        for drop in [60.0, 150, 240, 330, 420, 510] {
            let actions = machine.closed(.closed(code: 1006, reason: ""), now: Self.at(drop))
            guard case .reconnect(let delay)? = actions.last else {
                Issue.record("no reconnect after \(drop): \(actions)")
                return
            }
            let due = Self.at(drop) + delay
            let connect = machine.tick(now: due)
            fetches += connect.count { $0 == .fetchCredentials }
            #expect(connect == [.connect(url: Self.url)])
            #expect(machine.connected(now: due) == [.send(.auth(Self.first))])
            _ = machine.received(.authSuccess, now: due)
        }
        #expect(fetches == 0)
        // Within the last minute of the token, a reconnect asks for a new one first.
        let actions = machine.closed(.closed(code: 1006, reason: ""), now: Self.at(545))
        guard case .reconnect(let delay)? = actions.last else {
            Issue.record("no reconnect: \(actions)")
            return
        }
        #expect(machine.tick(now: Self.at(545) + delay) == [.fetchCredentials])
    }

    // MARK: - Back-off and fall-back

    @Test func backoffDoublesToTheCapAndFallsBackOnceAtTheThirdFailure() {
        var machine = Self.liveMachine(start: 0)
        var now = Self.at(10)
        var delays: [Duration] = []
        var fallBacks: [String] = []
        for _ in 0..<9 {
            for action in machine.closed(.connectionRefused, now: now) {
                switch action {
                case .reconnect(let delay): delays.append(delay)
                case .fallBackToPolling(let reason): fallBacks.append(reason)
                default: Issue.record("unexpected \(action)")
                }
            }
            guard let delay = delays.last else { return }
            #expect(machine.nextDeadline == now + delay)
            #expect(machine.tick(now: now + delay - .milliseconds(1)) == [])
            now = now + delay
            #expect(machine.tick(now: now) == [.connect(url: Self.url)])
        }
        #expect(delays == [1, 2, 4, 8, 16, 32, 60, 60, 60].map { Duration.seconds($0) })
        #expect(fallBacks == ["connection to Wings refused: is Wings running, and is its port open to the bot?"])
        #expect(machine.isFallingBack)
    }

    @Test func aHealthyMinuteResetsTheBackoffAndResumesStreaming() {
        var machine = Self.liveMachine(start: 0)
        var now = Self.at(10)
        for _ in 0..<3 {
            guard case .reconnect(let delay)? = machine.closed(.timedOut, now: now).last else { return }
            now = now + delay
            _ = machine.tick(now: now)
        }
        #expect(machine.failureCount == 3)
        _ = machine.connected(now: now)
        #expect(machine.received(.authSuccess, now: now) == [.send(.sendStats)])
        // A quiet (offline) server: the probe is answered, so the minute counts as healthy.
        #expect(machine.nextDeadline == now + .seconds(30))
        #expect(machine.tick(now: now + .seconds(30)) == [.send(.sendStats)])
        _ = machine.received(.stats(WingsStatsSample(Self.offline)), now: now + .seconds(31))
        #expect(machine.tick(now: now + .seconds(41)) == [])
        // Authenticated but not yet healthy: still polling, and a drop now keeps growing the delay.
        #expect(machine.nextDeadline == now + .seconds(60))
        #expect(machine.tick(now: now + .seconds(59)) == [])
        #expect(machine.tick(now: now + .seconds(60)) == [.resumeStreaming])
        #expect(machine.failureCount == 0)
        #expect(!machine.isFallingBack)
        #expect(machine.closed(.timedOut, now: now + .seconds(90)) == [.reconnect(after: .seconds(1))])
    }

    @Test func aShortLivedSocketDoesNotResetTheBackoff() {
        var machine = Self.liveMachine(start: 0)
        guard case .reconnect(let first)? = machine.closed(.closed(code: 1006, reason: ""), now: Self.at(5)).last
        else { return }
        _ = machine.tick(now: Self.at(5) + first)
        _ = machine.connected(now: Self.at(6))
        _ = machine.received(.authSuccess, now: Self.at(6))
        #expect(machine.closed(.closed(code: 1006, reason: ""), now: Self.at(30)) == [.reconnect(after: .seconds(2))])
    }

    static let reasons: [(WingsSocketCloseCause, String)] = [
        (.upgradeRejected(status: 403), "add the panel URL to Wings' allowed_origins"),
        (.tlsFailure("certificate has expired"), "TLS handshake with Wings failed (certificate has expired)"),
        (.connectionRefused, "connection to Wings refused"),
        (.closed(code: 4409, reason: "server is suspended"), "4409: the server is suspended"),
        (.upgradeRejected(status: 400), "Wings refused the websocket upgrade with HTTP 400"),
        (.upgradeRejected(status: 429), "Wings is throttling this websocket"),
        (.timedOut, "connecting to Wings timed out"),
        (.closed(code: 1011, reason: "internal error"), "the Wings websocket closed (code 1011: internal error)"),
    ]

    @Test(arguments: reasons.indices) func fallBackNamesTheLikelyCause(_ index: Int) {
        let (cause, expected) = Self.reasons[index]
        var machine = Self.liveMachine(start: 0)
        var now = Self.at(1)
        var reasons: [String] = []
        for _ in 0..<3 {
            for action in machine.closed(cause, now: now) {
                if case .fallBackToPolling(let reason) = action { reasons.append(reason) }
                if case .reconnect(let delay) = action { now = now + delay }
            }
            _ = machine.tick(now: now)
        }
        #expect(reasons.count == 1)
        #expect(reasons.first?.contains(expected) == true, "\(reasons)")
        #expect(reasons.first?.contains("\n") == false)
    }

    @Test func aRefusedTokenRequestBacksOffAndCarriesThePanelsAdvice() {
        var machine = Machine(configuration: WingsSocketConfiguration(sampleInterval: .seconds(10)))
        _ = machine.start(now: Self.at(0))
        let failure = PanelFailure(.keyRefused, detail: "it needs the websocket.connect permission")
        #expect(machine.tokenFetchFailed(failure, now: Self.at(0)) == [.reconnect(after: .seconds(1))])
        #expect(machine.tick(now: Self.at(1)) == [.fetchCredentials])
        #expect(machine.tokenFetchFailed(failure, now: Self.at(1)) == [.reconnect(after: .seconds(2))])
        #expect(machine.tick(now: Self.at(3)) == [.fetchCredentials])
        #expect(
            machine.tokenFetchFailed(failure, now: Self.at(3))
                == [
                    .fallBackToPolling(
                        reason: "the panel gave no websocket token: it needs the websocket.connect permission"
                    ),
                    .reconnect(after: .seconds(4)),
                ]
        )
    }

    @Test func aFailedRefreshOnAnOpenSocketClosesItAndReconnectsLater() {
        var machine = Self.liveMachine(start: 0)
        _ = machine.received(.tokenExpiring, now: Self.at(545))
        let failure = PanelFailure(.panelUnreachable, detail: "panel unreachable: connection refused")
        #expect(machine.tokenFetchFailed(failure, now: Self.at(546)) == [.close, .reconnect(after: .seconds(1))])
        // The close the machine asked for is not a second failure.
        #expect(machine.closed(.closed(code: 1000, reason: ""), now: Self.at(546)) == [])
        #expect(machine.tick(now: Self.at(547)) == [.fetchCredentials])
    }

    // MARK: - Liveness probe

    @Test func aQuietSocketIsProbedWithSendStatsAndTheAnswerRestartsTheClock() {
        var machine = Self.liveMachine(start: 0)
        // The first auth on an offline server: `status`, one `stats`, then nothing (`HandleInbound`).
        _ = machine.received(.status(.offline, raw: "offline"), now: Self.at(0.1))
        _ = machine.received(.stats(WingsStatsSample(Self.offline)), now: Self.at(0.2))
        // The sampling window ends with nothing held, then the silence runs on to the probe.
        #expect(machine.nextDeadline == Self.at(10.2))
        #expect(machine.tick(now: Self.at(10.2)) == [])
        #expect(machine.nextDeadline == Self.at(30.2))
        #expect(machine.tick(now: Self.at(30.1)) == [])
        #expect(machine.tick(now: Self.at(30.2)) == [.send(.sendStats)])
        #expect(machine.nextDeadline == Self.at(40.2))
        // Wings answers at once, offline or not; the answer is an ordinary sample.
        #expect(
            machine.received(.stats(WingsStatsSample(Self.offline)), now: Self.at(30.3)) == [
                .publishSample(Self.offline)
            ]
        )
        #expect(machine.nextDeadline == Self.at(40.3))
        #expect(machine.tick(now: Self.at(40.3)) == [])
        #expect(machine.nextDeadline == Self.at(60.3))
        #expect(machine.tick(now: Self.at(45)) == [])
        // Any frame counts, not only `stats`.
        _ = machine.received(.other("console output"), now: Self.at(50))
        #expect(machine.nextDeadline == Self.at(80))
        #expect(machine.failureCount == 0)
    }

    @Test func aStreamingSocketIsNeverProbed() {
        var machine = Self.liveMachine(interval: .seconds(10), start: 0)
        var sent: [Machine.Action] = []
        for second in 1...300 {
            let now = Self.at(Double(second))
            sent += machine.received(.stats(WingsStatsSample(Self.sample(uptime: second))), now: now).filter {
                $0 == .send(.sendStats)
            }
            sent += machine.tick(now: now).filter { $0 == .send(.sendStats) }
        }
        #expect(sent.isEmpty)
    }

    @Test func anUnansweredProbeClosesTheSocketAndReconnectsWithBackoff() {
        var machine = Self.liveMachine(start: 0)
        #expect(machine.tick(now: Self.at(30)) == [.send(.sendStats)])
        #expect(machine.tick(now: Self.at(39.9)) == [])
        #expect(machine.tick(now: Self.at(40)) == [.close, .reconnect(after: .seconds(1))])
        #expect(machine.failureCount == 1)
        // The close the machine asked for is not a second failure, and the wait ends in a reconnect with the
        // same token.
        #expect(machine.closed(.closed(code: 1006, reason: ""), now: Self.at(40.1)) == [])
        #expect(machine.nextDeadline == Self.at(41))
        #expect(machine.tick(now: Self.at(41)) == [.connect(url: Self.url)])
        #expect(machine.connected(now: Self.at(41.2)) == [.send(.auth(Self.first))])
    }

    @Test func aLateFrameAfterTheGiveUpIsIgnored() {
        var machine = Self.liveMachine(start: 0)
        _ = machine.tick(now: Self.at(30))
        _ = machine.tick(now: Self.at(40))
        // A frame still in flight from the old socket (the driver drops them too).
        #expect(machine.received(.stats(WingsStatsSample(Self.offline)), now: Self.at(40.1)) == [])
        #expect(machine.tick(now: Self.at(41)) == [.connect(url: Self.url)])
    }

    @Test func repeatedlyDeadSocketsFallBackSayingTheNodeStoppedAnswering() {
        var machine = Self.liveMachine(start: 0)
        let (reasons, delays) = Self.failures(&machine, rounds: 4) { machine, opened in
            // Each socket authenticates, then goes silent for good.
            _ = machine.received(.authSuccess, now: opened)
            #expect(machine.tick(now: opened + .seconds(30)) == [.send(.sendStats)])
            return machine.tick(now: opened + .seconds(40))
        }
        #expect(delays == [1, 2, 4, 8].map { Duration.seconds($0) })
        #expect(
            reasons == [
                "the node stopped answering on its websocket (nothing for 30 s, and no reply to send stats within 10 s)"
            ]
        )
        #expect(machine.isFallingBack)
    }

    @Test func anUnansweredProbeHoldsBackTheHealthyReset() {
        var machine = Self.liveMachine(start: 0)
        guard case .reconnect(let delay)? = machine.closed(.timedOut, now: Self.at(1)).last else { return }
        _ = machine.tick(now: Self.at(1) + delay)
        _ = machine.connected(now: Self.at(2))
        _ = machine.received(.authSuccess, now: Self.at(2))
        _ = machine.received(.stats(WingsStatsSample(Self.offline)), now: Self.at(31))
        #expect(machine.tick(now: Self.at(41)) == [])
        #expect(machine.nextDeadline == Self.at(61))
        #expect(machine.tick(now: Self.at(61)) == [.send(.sendStats)])
        // The healthy minute ends at 62, but the probe is out: nothing resets until it is answered.
        #expect(machine.nextDeadline == Self.at(71))
        #expect(machine.tick(now: Self.at(62)) == [])
        #expect(machine.failureCount == 1)
        _ = machine.received(.stats(WingsStatsSample(Self.offline)), now: Self.at(63))
        #expect(machine.failureCount == 0)
    }

    // MARK: - Auth deadline

    @Test func anUnansweredAuthClosesTheSocketAfterTheAuthTimeout() {
        var machine = Self.authenticatingMachine()
        #expect(machine.nextDeadline == Self.at(15))
        #expect(machine.tick(now: Self.at(14.9)) == [])
        #expect(machine.tick(now: Self.at(15)) == [.close, .reconnect(after: .seconds(1))])
        #expect(machine.failureCount == 1)
        #expect(machine.closed(.closed(code: 1000, reason: ""), now: Self.at(15.1)) == [])
        // No answer is no proof the token is bad: the reconnect reuses it without a panel request.
        #expect(machine.tick(now: Self.at(16)) == [.connect(url: Self.url)])
    }

    @Test func anAnsweredAuthEndsTheWait() {
        var machine = Self.authenticatingMachine()
        #expect(machine.received(.authSuccess, now: Self.at(14)) == [.send(.sendStats)])
        #expect(machine.nextDeadline == Self.at(44))
        #expect(machine.tick(now: Self.at(15)) == [])

        // A `jwt error` is an answer too; the `auth` with the fresh token starts a new wait.
        var refused = Self.authenticatingMachine()
        #expect(refused.received(.jwtError("jwt: exp claim is invalid"), now: Self.at(1)) == [.fetchCredentials])
        #expect(refused.nextDeadline == nil)
        #expect(
            refused.credentialsFetched(Self.credentials(Self.second), expiresAt: Self.at(602), now: Self.at(2))
                == [.send(.auth(Self.second))]
        )
        #expect(refused.nextDeadline == Self.at(17))
    }

    @Test func repeatedlyUnansweredAuthsFallBackSayingTheTokenWasNotAccepted() {
        var machine = Self.authenticatingMachine()
        let (reasons, delays) = Self.failures(&machine, rounds: 3) { machine, opened in
            machine.tick(now: opened + .seconds(15))
        }
        #expect(delays == [1, 2, 4].map { Duration.seconds($0) })
        #expect(
            reasons == [
                "Wings did not answer the websocket auth within 15 s: the token was not accepted (Wings drops a "
                    + "throttled auth) or the node stopped answering"
            ]
        )
    }

    @Test func aThrottledAuthIsNamedWhenItGoesUnanswered() {
        var machine = Self.authenticatingMachine()
        let (reasons, _) = Self.failures(&machine, rounds: 3) { machine, opened in
            // `limiter.go`: one `throttled [auth]`, and the `auth` is dropped.
            _ = machine.received(.other("throttled"), now: opened + .milliseconds(100))
            return machine.tick(now: opened + .seconds(15))
        }
        #expect(
            reasons == ["Wings throttled the websocket auth and gave no answer within 15 s: the token was not accepted"]
        )
    }

    @Test func aReauthOnALiveSocketMustBeAnsweredToo() {
        var machine = Self.liveMachine(start: 0)
        _ = machine.received(.tokenExpiring, now: Self.at(545))
        #expect(
            machine.credentialsFetched(Self.credentials(Self.second), expiresAt: Self.at(1146), now: Self.at(546))
                == [.send(.auth(Self.second))]
        )
        // Stats keep flowing on the old token, but Wings never reads the new one.
        for second in 547...560 {
            _ = machine.received(.stats(WingsStatsSample(Self.sample(uptime: second))), now: Self.at(Double(second)))
        }
        #expect(machine.nextDeadline == Self.at(561))
        #expect(machine.tick(now: Self.at(560.9)) == [])
        #expect(machine.tick(now: Self.at(561)) == [.close, .reconnect(after: .seconds(1))])
    }

    // MARK: - Daemon error

    @Test func aDaemonErrorAnsweringAuthClosesAndFetchesAFreshTokenAfterTheBackoff() {
        var machine = Self.authenticatingMachine()
        #expect(
            machine.received(.daemonError(Self.unexpected), now: Self.at(0.1)) == [
                .close, .reconnect(after: .seconds(1)),
            ]
        )
        #expect(machine.nextDeadline == Self.at(1.1))
        // The refused token is not reused.
        #expect(machine.tick(now: Self.at(1.1)) == [.fetchCredentials])
    }

    @Test func repeatedDaemonErrorsFallBackNamingTheDaemonToken() {
        var machine = Self.authenticatingMachine()
        let (reasons, _) = Self.failures(&machine, rounds: 3) { machine, opened in
            machine.received(.daemonError(Self.unexpected), now: opened + .milliseconds(100))
        }
        #expect(reasons.count == 1)
        #expect(reasons.first?.hasPrefix("Wings did not accept the websocket token (daemon error: Error Event") == true)
        #expect(reasons.first?.contains("share the node's daemon token") == true)
    }

    @Test func aDaemonErrorWithoutAnAuthOutIsIgnored() {
        var machine = Self.liveMachine(start: 0)
        #expect(machine.received(.daemonError(Self.unexpected), now: Self.at(5)) == [])
        #expect(machine.failureCount == 0)
        #expect(machine.nextDeadline == Self.at(35))
    }

    // MARK: - Spreading token renewals

    /// Sockets opened together would renew together every 10 minutes, all in one minute of the panel's budget: the
    /// first token is renewed at the socket's phase of the 555 s after which Wings' warning comes on average (it
    /// checks every 30 s and warns with 60 s or less left of a 600 s token).
    @Test func theFirstTokenIsRenewedAtTheSocketsPhaseOnTheSameSocket() {
        var machine = Self.liveMachine(start: 0, firstRenewalPhase: 0.2)
        #expect(machine.nextDeadline == Self.at(30))
        _ = machine.received(.stats(WingsStatsSample(Self.offline)), now: Self.at(110.5))
        #expect(machine.tick(now: Self.at(110.9)) == [])
        #expect(machine.tick(now: Self.at(111)) == [.fetchCredentials])
        #expect(
            machine.credentialsFetched(Self.credentials(Self.second), expiresAt: Self.at(711), now: Self.at(111.2))
                == [.send(.auth(Self.second))]
        )
        _ = machine.received(.authSuccess, now: Self.at(111.3))
        // Later tokens wait for Wings' warning, so each socket keeps its own place in the 10 minutes.
        for second in stride(from: 120.0, through: 650, by: 10) {
            _ = machine.received(.stats(WingsStatsSample(Self.offline)), now: Self.at(second))
            #expect(!machine.tick(now: Self.at(second)).contains(.fetchCredentials), "at \(second) s")
        }
        #expect(machine.received(.tokenExpiring, now: Self.at(660)) == [.fetchCredentials])
    }

    @Test func aTokenFetchedForAnotherReasonCancelsTheEarlyRenewal() {
        var machine = Self.liveMachine(start: 0, firstRenewalPhase: 0.9)
        // Wings refused the token before the early renewal was due: the fresh token is the renewal.
        #expect(machine.received(.tokenExpired, now: Self.at(100)) == [.fetchCredentials])
        _ = machine.credentialsFetched(Self.credentials(Self.second), expiresAt: Self.at(700), now: Self.at(100.1))
        _ = machine.received(.authSuccess, now: Self.at(100.2))
        _ = machine.received(.stats(WingsStatsSample(Self.offline)), now: Self.at(499.9))
        #expect(machine.tick(now: Self.at(500)) == [])
    }

    @Test func aFailedEarlyRenewalKeepsTheWorkingSocket() {
        var machine = Self.liveMachine(start: 0, firstRenewalPhase: 0.5)
        _ = machine.received(.stats(WingsStatsSample(Self.offline)), now: Self.at(277))
        #expect(machine.tick(now: Self.at(277.5)) == [.fetchCredentials])
        let down = PanelFailure(.panelUnreachable, detail: "connection refused")
        #expect(machine.tokenFetchFailed(down, now: Self.at(278)) == [])
        #expect(machine.failureCount == 0)
        // The held token is still used: Wings' warning asks again.
        #expect(machine.received(.tokenExpiring, now: Self.at(541)) == [.fetchCredentials])
    }

    @Test func aSocketThatIsNotLiveSkipsTheEarlyRenewal() {
        var machine = Self.liveMachine(start: 0, firstRenewalPhase: 0.5)
        _ = machine.closed(.closed(code: 1006, reason: ""), now: Self.at(276.5))
        #expect(machine.tick(now: Self.at(277.5)) == [.connect(url: Self.url)])
        #expect(machine.nextDeadline == nil)
    }

    // MARK: - Thinning

    @Test func samplesAreThinnedToTheIntervalButStatusIsImmediate() {
        var machine = Self.liveMachine(interval: .seconds(10), start: 0)
        #expect(
            machine.received(.stats(WingsStatsSample(Self.sample(uptime: 1))), now: Self.at(1)) == [
                .publishSample(Self.sample(uptime: 1))
            ]
        )
        for second in 2...8 {
            #expect(
                machine.received(.stats(WingsStatsSample(Self.sample(uptime: second))), now: Self.at(Double(second)))
                    == []
            )
        }
        #expect(
            machine.received(.status(.stopping, raw: "stopping"), now: Self.at(8.5)) == [
                .publishState(.stopping, raw: "stopping")
            ]
        )
        #expect(machine.received(.stats(WingsStatsSample(Self.sample(uptime: 9))), now: Self.at(9)) == [])
        // The newest held sample goes out when the interval ends, even if Wings falls silent.
        #expect(machine.nextDeadline == Self.at(11))
        #expect(machine.tick(now: Self.at(10.9)) == [])
        #expect(machine.tick(now: Self.at(11)) == [.publishSample(Self.sample(uptime: 9))])
        #expect(machine.tick(now: Self.at(30)) == [])
        #expect(
            machine.received(.stats(WingsStatsSample(Self.sample(uptime: 31))), now: Self.at(31)) == [
                .publishSample(Self.sample(uptime: 31))
            ]
        )
    }

    /// A sample held back by the interval was taken before a status change: it must never be published after it
    /// (it would put the old state back until the next sample).
    @Test func aStatusChangeDropsTheSampleHeldFromBeforeIt() {
        var machine = Self.liveMachine(interval: .seconds(10), start: 0)
        _ = machine.received(.stats(WingsStatsSample(Self.sample(uptime: 1))), now: Self.at(1))
        #expect(machine.received(.stats(WingsStatsSample(Self.sample(uptime: 5))), now: Self.at(5)) == [])
        #expect(
            machine.received(.status(.offline, raw: "offline"), now: Self.at(6)) == [
                .publishState(.offline, raw: "offline")
            ]
        )
        #expect(machine.tick(now: Self.at(11)) == [])
    }

    /// Frames are read only when their sample is published; one that cannot be read is skipped, and the next
    /// sample goes out as soon as it comes rather than a whole interval later.
    @Test func aHeldSampleThatCannotBeReadIsSkipped() {
        var machine = Self.liveMachine(interval: .seconds(10), start: 0)
        let broken = WingsSocketMessage(frame: #"{"event":"stats","args":["{not json"]}"#)
        _ = machine.received(.stats(WingsStatsSample(Self.sample(uptime: 1))), now: Self.at(1))
        #expect(machine.received(broken, now: Self.at(5)) == [])
        #expect(machine.tick(now: Self.at(11)) == [])
        #expect(
            machine.received(.stats(WingsStatsSample(Self.sample(uptime: 12))), now: Self.at(12)) == [
                .publishSample(Self.sample(uptime: 12))
            ]
        )
    }
}

/// Instant arithmetic for readable schedules.
private func + (lhs: ManualClock.Instant, rhs: Duration) -> ManualClock.Instant { lhs.advanced(by: rhs) }
private func - (lhs: ManualClock.Instant, rhs: Duration) -> ManualClock.Instant { lhs.advanced(by: .zero - rhs) }
