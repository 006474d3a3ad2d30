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
        start: Double = 0
    ) -> Machine {
        var machine = Machine(configuration: WingsSocketConfiguration(sampleInterval: interval))
        _ = machine.start(now: at(start))
        _ = machine.credentialsFetched(credentials(first), expiresAt: at(start + 600), now: at(start))
        _ = machine.connected(now: at(start))
        _ = machine.received(.authSuccess, now: at(start))
        return machine
    }

    static func sample(uptime: Int) -> ServerResources {
        ServerResources(state: .running, memoryBytes: 1_073_741_824, cpuAbsolute: 42.5, uptimeMilliseconds: uptime)
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
            machine.received(.stats(Self.sample(uptime: 1000)), now: Self.at(0.6)) == [
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
        }
        #expect(machine.received(.tokenExpired, now: Self.at(5)) == [])
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

    // MARK: - Thinning

    @Test func samplesAreThinnedToTheIntervalButStatusIsImmediate() {
        var machine = Self.liveMachine(interval: .seconds(10), start: 0)
        #expect(
            machine.received(.stats(Self.sample(uptime: 1)), now: Self.at(1)) == [
                .publishSample(Self.sample(uptime: 1))
            ]
        )
        for second in 2...8 {
            #expect(machine.received(.stats(Self.sample(uptime: second)), now: Self.at(Double(second))) == [])
        }
        #expect(
            machine.received(.status(.stopping, raw: "stopping"), now: Self.at(8.5)) == [
                .publishState(.stopping, raw: "stopping")
            ]
        )
        #expect(machine.received(.stats(Self.sample(uptime: 9)), now: Self.at(9)) == [])
        // The newest held sample goes out when the interval ends, even if Wings falls silent.
        #expect(machine.nextDeadline == Self.at(11))
        #expect(machine.tick(now: Self.at(10.9)) == [])
        #expect(machine.tick(now: Self.at(11)) == [.publishSample(Self.sample(uptime: 9))])
        #expect(machine.tick(now: Self.at(30)) == [])
        #expect(
            machine.received(.stats(Self.sample(uptime: 31)), now: Self.at(31)) == [
                .publishSample(Self.sample(uptime: 31))
            ]
        )
    }
}

/// Instant arithmetic for readable schedules.
private func + (lhs: ManualClock.Instant, rhs: Duration) -> ManualClock.Instant { lhs.advanced(by: rhs) }
private func - (lhs: ManualClock.Instant, rhs: Duration) -> ManualClock.Instant { lhs.advanced(by: .zero - rhs) }
