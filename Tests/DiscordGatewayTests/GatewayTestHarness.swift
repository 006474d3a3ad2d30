import DiscordGateway
import DiscordModels
import MetricsTestKit
import Synchronization
import TestSupport

/// Collects gateway events and the end of `run()`, and lets a test await them (no sleeps).
final class GatewayEventRecorder: Sendable {
    private struct Waiter {
        var isSatisfied: @Sendable (Snapshot) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    /// What has been seen so far.
    struct Snapshot: Sendable {
        var events: [GatewayEvent] = []
        var runEnded = false
        var runError: GatewayError?
        var runOtherError: String?

        var names: [String] { self.events.map(\.name) }
    }

    private let state = Mutex<(snapshot: Snapshot, waiters: [Waiter])>((Snapshot(), []))

    var snapshot: Snapshot { self.state.withLock { $0.snapshot } }

    func append(_ event: GatewayEvent) {
        self.update { $0.events.append(event) }
    }

    func runEnded(error: (any Error)?) {
        self.update {
            $0.runEnded = true
            if let error = error as? GatewayError {
                $0.runError = error
            } else if let error {
                $0.runOtherError = "\(error)"
            }
        }
    }

    /// Waits until `condition` holds; fails after `timeout` (a guard only).
    @discardableResult
    func wait(
        _ description: String,
        timeout: Duration = .seconds(5),
        until condition: @escaping @Sendable (Snapshot) -> Bool
    ) async throws -> Snapshot {
        try await withTimeout(timeout, orThrow: { FakeGatewayError.timedOut(description) }) {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let done = self.state.withLock { state -> Bool in
                    if condition(state.snapshot) { return true }
                    state.waiters.append(Waiter(isSatisfied: condition, continuation: continuation))
                    return false
                }
                if done { continuation.resume() }
            }
        }
        return self.snapshot
    }

    /// Waits until `count` events named `name` arrived.
    @discardableResult
    func waitForEvent(_ name: String, count: Int = 1) async throws -> Snapshot {
        try await self.wait("\(count) \(name) event(s)") { snapshot in
            snapshot.events.filter { $0.name == name }.count >= count
        }
    }

    /// Waits until `run()` has returned or thrown.
    @discardableResult
    func waitForRunEnd() async throws -> Snapshot {
        try await self.wait("run() to end") { $0.runEnded }
    }

    private func update(_ change: (inout Snapshot) -> Void) {
        let ready = self.state.withLock { state -> [Waiter] in
            change(&state.snapshot)
            let snapshot = state.snapshot
            let ready = state.waiters.filter { $0.isSatisfied(snapshot) }
            state.waiters.removeAll { $0.isSatisfied(snapshot) }
            return ready
        }
        for waiter in ready {
            waiter.continuation.resume()
        }
    }
}

/// A running fake gateway plus a `GatewayConnection` connected to it.
struct GatewayHarness: Sendable {
    let server: FakeGatewayServer
    let gateway: GatewayConnection<ContinuousClock>
    let recorder: GatewayEventRecorder
    let metrics: TestMetrics

    static let token = Secret("test-token-not-a-real-one")

    /// Backoff, identify spacing and invalid-session waits in milliseconds, so reconnects are quick.
    static let fastTiming = GatewayTiming(
        backoff: GatewayBackoff(initial: .milliseconds(5), multiplier: 2, maximum: .milliseconds(40), jitter: 0.5),
        invalidSessionDelay: .milliseconds(10) ... .milliseconds(20),
        identifySpacing: .milliseconds(10)
    )

    /// Starts the fake and the gateway, runs `body`, then cancels the gateway and stops the fake.
    static func run<T: Sendable>(
        // A long default interval: tests that are not about heartbeats must not see a missed ACK (and a zombie
        // reconnect) when a loaded machine delays one by more than a 50 ms interval.
        server serverConfiguration: FakeGatewayServer.Configuration = .init(heartbeatInterval: .seconds(30)),
        compression: GatewayCompression = .none,
        presence: GatewayPresenceUpdate? = .watching(serverCount: 3),
        random: Double = 0.5,
        timing: GatewayTiming = GatewayHarness.fastTiming,
        _ body: @Sendable (GatewayHarness) async throws -> T
    ) async throws -> T {
        let server = try await FakeGatewayServer.start(configuration: serverConfiguration)
        let configuration = GatewayConfiguration(
            gatewayURL: server.url,
            token: Self.token,
            presence: presence,
            compression: compression,
            timing: timing,
            closeTimeout: .milliseconds(500)
        )
        let metrics = TestMetrics()
        let gateway = GatewayConnection(
            configuration: configuration,
            clock: ContinuousClock(),
            random: { random },
            metrics: metrics
        )
        let harness = GatewayHarness(
            server: server,
            gateway: gateway,
            recorder: GatewayEventRecorder(),
            metrics: metrics
        )
        do {
            let result = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        try await gateway.run()
                        harness.recorder.runEnded(error: nil)
                    } catch {
                        harness.recorder.runEnded(error: error)
                    }
                }
                group.addTask {
                    for await event in gateway.events {
                        harness.recorder.append(event)
                    }
                }
                let result = try await body(harness)
                group.cancelAll()
                return result
            }
            try await server.shutdown()
            return result
        } catch {
            try? await server.shutdown()
            throw error
        }
    }

    /// A GUILD_CREATE `d` with two roles.
    static func guildJSON(id: String = "200") -> String {
        """
        {"id":"\(id)","name":"Test Guild","roles":[{"id":"\(id)","name":"@everyone","permissions":"0"},\
        {"id":"201","name":"Admin","permissions":"8"}],"member_count":2}
        """
    }

    /// An INTERACTION_CREATE `d` (slash command).
    static func interactionJSON(id: String = "900") -> String {
        """
        {"id":"\(id)","application_id":"300","type":2,"token":"interaction-token-x","version":1,\
        "guild_id":"200","channel_id":"400","data":{"id":"500","name":"status","type":1}}
        """
    }
}
