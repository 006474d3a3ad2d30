import ClientSupport
import Logging
import PanelCore
import Pterodactyl
import Synchronization
import TestSupport

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Starts a fake panel and a client on a manual clock, runs `body`, and shuts both down. The fake's activity log
/// dates are `epoch` plus the manual clock's time.
func withPanel(
    servers: [FakePanel.Server] = [],
    nodes: [FakePanel.Node] = [FakePanel.Node(id: 1, name: "Node 1")],
    latency: Duration = .zero,
    flavor: FakePanel.Flavor = .pterodactyl,
    rateLimits: FakePanel.RateLimits = .unlimited,
    configuration: PanelClientConfiguration = PanelClientConfiguration(retryPolicy: .none),
    clientKey: ((FakePanel) -> PanelAPIKey)? = nil,
    applicationKey: ((FakePanel) -> PanelAPIKey?)? = nil,
    clock: ManualClock = ManualClock(),
    metrics: PanelRequestMetrics = .none,
    logger: Logger = Logger(label: "pterodisbot.panel"),
    epoch: Date = Date(timeIntervalSince1970: 1_800_000_000),
    _ body: (FakePanel, DefaultPanelClient<ManualClock>) async throws -> Void
) async throws {
    let fake = try await FakePanel.start(
        servers: servers,
        nodes: nodes,
        latency: latency,
        flavor: flavor,
        rateLimits: rateLimits,
        now: { clock.now.offset },
        epoch: epoch
    )
    do {
        try await withPanelHTTPClient { http in
            let client = DefaultPanelClient(
                httpClient: http,
                baseURL: fake.baseURL + "/",
                clientKey: clientKey?(fake) ?? fake.clientKey,
                applicationKey: applicationKey.map { $0(fake) } ?? fake.applicationKey,
                configuration: configuration,
                clock: clock,
                metrics: metrics,
                logger: logger
            )
            try await body(fake, client)
        }
    } catch {
        try await fake.shutdown()
        throw error
    }
    try await fake.shutdown()
}

/// Runs `body` as a `PanelError`-throwing call and returns the error (or nil if it succeeded).
func panelError(_ body: () async throws -> Void) async -> PanelError? {
    do {
        try await body()
        return nil
    } catch let error as PanelError {
        return error
    } catch {
        return .malformedResponse(detail: "unexpected non-panel error \(error)")
    }
}

extension Result where Success == ServerResources, Failure == PanelError {
    /// The live power state, or the state the error stands for.
    var serverState: ServerState? {
        switch self {
        case .success(let resources): resources.state
        case .failure(let error): error.derivedState
        }
    }
}
