import ClientSupport
import Logging
import PanelCore
import Peon
import TestSupport

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Two running warcamps and a stopped one, sorted as PEON sorts them (game, then name).
let standardServers: [FakePeon.Server] = [
    FakePeon.Server(gameUID: "valheim", serverName: "server01", description: "Vikings"),
    FakePeon.Server(gameUID: "valheim", serverName: "server02", containerState: "exited"),
    FakePeon.Server(gameUID: "vrising", serverName: "castle", description: "None - Please add a description"),
]

/// Starts a fake PEON, a client and a backend on a manual clock, runs `body`, and shuts everything down.
/// - Parameters:
///   - servers: The fake's warcamps.
///   - era: The release the fake imitates.
///   - configuration: The client's and backend's settings (the prefix defaults to the era's).
///   - key: The key the bot sends; the fake's own by default.
///   - connectTimeout: AsyncHTTPClient's connect timeout (how long a refused connection takes to report).
///   - clock: The backend's clock.
///   - logger: The client's and backend's logger.
///   - body: The test.
func withPeon(
    servers: [FakePeon.Server] = standardServers,
    era: FakePeon.Era = .current,
    configuration: PeonConfiguration? = nil,
    key: String? = nil,
    connectTimeout: Duration = .seconds(5),
    clock: ManualClock = ManualClock(),
    logger: Logger = Logger(label: "pterodisbot.peon"),
    _ body: (FakePeon, DefaultPeonClient, PeonBackend<ManualClock>) async throws -> Void
) async throws {
    let fake = try await FakePeon.start(servers: servers, era: era)
    let configuration = configuration ?? PeonConfiguration(apiPrefix: era.prefix)
    do {
        try await withPanelHTTPClient(connectTimeout: connectTimeout) { http in
            let client = DefaultPeonClient(
                httpClient: http,
                baseURL: fake.baseURL + "/",
                apiKey: PeonAPIKey(key ?? fake.apiKey),
                configuration: configuration,
                logger: logger
            )
            let backend = PeonBackend(client: client, configuration: configuration, clock: clock, logger: logger)
            try await body(fake, client, backend)
        }
    } catch {
        try await fake.shutdown()
        throw error
    }
    try await fake.shutdown()
}

/// The ``PeonError`` `body` throws, or `nil` when it succeeds.
func peonError(_ body: () async throws -> Void) async -> PeonError? {
    do {
        try await body()
        return nil
    } catch let error as PeonError {
        return error
    } catch {
        return .malformedAnswer(detail: "unexpected non-PEON error \(type(of: error))")
    }
}

/// The ``PanelFailure`` `body` throws, or `nil` when it succeeds.
func panelFailure(_ body: () async throws -> Void) async -> PanelFailure? {
    do {
        try await body()
        return nil
    } catch let failure as PanelFailure {
        return failure
    } catch {
        return PanelFailure(.other, detail: "unexpected non-panel error \(type(of: error))")
    }
}

/// Decodes `json` as `T`.
func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(json.utf8))
}

/// Everything `dump` prints for `value`.
func dumped(_ value: some Any) -> String {
    var text = ""
    dump(value, to: &text)
    return text
}
