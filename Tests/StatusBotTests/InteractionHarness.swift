import DiscordModels
import DiscordREST
import Logging
import Monitoring
import PanelCore
import Pterodactyl
import Synchronization
import TestSupport

@testable import StatusBot

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// MARK: - Discord double

/// A ``DiscordClient`` that records every request the real endpoint methods build and answers like Discord:
/// 204 for callbacks, a message for original-response edits, the commands back for a bulk overwrite.
/// `pause(template:)` holds requests on a route until released, to observe ordering.
final class RecordingDiscord: DiscordClient {
    struct Call: Sendable {
        /// `METHOD /template`.
        var route: String
        /// The filled path (contains the interaction token for webhook routes).
        var path: String
        var body: [UInt8]

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try JSONDecoder().decode(T.self, from: Data(body))
        }
    }

    private struct State {
        var calls: [Call] = []
        var failures: [String: Int] = [:]
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    var calls: [Call] { state.withLock { $0.calls } }

    /// Interaction callbacks, decoded (an undecodable body shows as callback type -1, failing comparisons).
    var callbacks: [InteractionResponse] {
        calls.filter { $0.route.hasSuffix("/callback") }.map {
            (try? $0.decode(InteractionResponse.self)) ?? InteractionResponse(type: .unknown(-1))
        }
    }

    /// Edits of the original response, decoded (an undecodable body shows as `<undecodable>`).
    var edits: [MessagePayload] {
        calls.filter { $0.route.hasPrefix("PATCH") && $0.route.contains("@original") }.map {
            (try? $0.decode(MessagePayload.self)) ?? MessagePayload(content: "<undecodable>")
        }
    }

    /// Bulk overwrites sent (an undecodable body shows as an empty list).
    var registrations: [[ApplicationCommand]] {
        calls.filter { $0.route.hasPrefix("PUT") }.map { (try? $0.decode([ApplicationCommand].self)) ?? [] }
    }

    /// Makes the next `times` requests whose route contains `routePart` answer with an HTTP error.
    func failNext(routeContaining routePart: String, times: Int = 1) {
        state.withLock { $0.failures[routePart, default: 0] += times }
    }

    /// Returns once at least `count` requests were recorded (the caller's timeout is the test's own).
    func waitForCalls(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.calls.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func send(_ request: DiscordRequest) async throws -> DiscordResponse {
        let body: [UInt8] =
            switch request.body {
            case .json(let json): json
            case .multipart(let json, _): json
            case nil: []
            }
        let route = request.route.description
        let call = Call(route: route, path: request.route.path, body: body)
        let (fail, ready) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
            state.calls.append(call)
            var fail = false
            if let key = state.failures.first(where: { route.contains($0.key) && $0.value > 0 })?.key {
                state.failures[key]! -= 1
                fail = true
            }
            let count = state.calls.count
            let ready = state.waiters.filter { $0.count <= count }.map(\.continuation)
            state.waiters.removeAll { $0.count <= count }
            return (fail, ready)
        }
        for continuation in ready { continuation.resume() }
        if fail {
            return DiscordResponse(status: 404, body: Array(#"{"code": 10062, "message": "Unknown interaction"}"#.utf8))
        }
        if route.hasSuffix("/callback") || route.hasPrefix("DELETE") { return DiscordResponse(status: 204) }
        if route.hasPrefix("PUT") { return DiscordResponse(status: 200, body: body) }
        if route == "GET /applications/@me" {
            return DiscordResponse(
                status: 200,
                body: Array(#"{"id": "200000000000000001", "name": "Pterodisbot"}"#.utf8)
            )
        }
        return DiscordResponse(
            status: 200,
            body: Array(#"{"id": "900000000000000001", "channel_id": "300000000000000001"}"#.utf8)
        )
    }
}

// MARK: - Update-loop double

/// Records what the handler asked of the update loop; scripted answers.
actor RecordingEmbeds: StatusEmbedControlling {
    enum Call: Equatable {
        case track(ServerID, ChannelID)
        case refresh(ServerID)
        case refreshAll
        case purgeAll
    }

    private(set) var calls: [Call] = []
    var trackError: (any Error)?
    var refreshAllReport = CycleReport()
    var purgeResult = (deleted: 0, failed: 0)
    var cycles: [CycleReport] = []
    /// Where `track` records its result, like the orchestrator does (so buttons validate afterwards).
    let store: EmbedStore

    init(store: EmbedStore) {
        self.store = store
    }

    func script(
        trackError: (any Error)? = nil,
        refreshAll: CycleReport = CycleReport(),
        purge: (Int, Int) = (0, 0),
        cycles: [CycleReport] = []
    ) {
        self.trackError = trackError
        self.refreshAllReport = refreshAll
        self.purgeResult = purge
        self.cycles = cycles
    }

    func track(_ server: ServerID, in channel: ChannelID) async throws -> MessageID {
        calls.append(.track(server, channel))
        if let trackError { throw trackError }
        let id = MessageID("7000000000000000\(calls.count)")
        try await store.set(EmbedLocation(channelID: channel, messageID: id), for: server)
        return id
    }

    func refresh(_ server: ServerID) async -> CycleReport {
        calls.append(.refresh(server))
        return CycleReport.counts(tracked: 1, edited: 1)
    }

    func refreshAll() async -> CycleReport {
        calls.append(.refreshAll)
        return refreshAllReport
    }

    func purgeAll() async -> (deleted: Int, failed: Int) {
        calls.append(.purgeAll)
        return purgeResult
    }

    var recentCycles: [CycleReport] { cycles }
}

extension CycleReport {
    static func counts(tracked: Int = 0, edited: Int = 0, reposted: Int = 0, dropped: Int = 0, failed: Int = 0)
        -> CycleReport
    {
        var report = CycleReport()
        report.tracked = tracked
        report.edited = edited
        report.reposted = reposted
        report.dropped = dropped
        report.failed = failed
        return report
    }
}

// MARK: - Fixture

/// The handler wired to a loopback ``FakePanel`` through the real Pterodactyl backend and a monitor, a recording
/// Discord client and a recording double of the status updates.
final class InteractionFixture: Sendable {
    static let guild: GuildID = "100000000000000001"
    static let otherGuild: GuildID = "100000000000000999"
    static let channel: ChannelID = "300000000000000001"
    static let application: ApplicationID = "200000000000000001"
    static let adminRole: RoleID = "400000000000000001"
    static let operatorRole: RoleID = "400000000000000002"
    static let strangerRole: RoleID = "400000000000000003"
    static let statusMessage: MessageID = "500000000000000001"
    static let user = User(id: "600000000000000001", username: "alice")
    /// Looks like a real token so a leak would be found by the secrecy checks.
    static let tokenText = "aW50ZXJhY3Rpb246OTk5OnNlY3JldC10b2tlbi1kby1ub3QtbG9n"

    let fake: FakePanel
    let panel: GatedPanelBackend
    let monitor: PanelMonitor<ManualClock>
    let discord = RecordingDiscord()
    let store = EmbedStore(file: nil)
    let embeds: RecordingEmbeds
    let logs = LogCapture()
    let handler: InteractionHandler
    let uptime = ManualUptime(.seconds(3 * 3600 + 120))

    /// Starts the fake panel and builds the handler; call `body`, then everything is shut down.
    static func with(
        servers: [FakePanel.Server],
        allowedRoles: [AllowedRole] = [.id(adminRole)],
        gated: Bool = false,
        registrations: (any CommandRegistrationStore)? = nil,
        gatewayLatency: Duration? = .milliseconds(42),
        _ body: (InteractionFixture) async throws -> Void
    ) async throws {
        let clock = ManualClock()
        let fake = try await FakePanel.start(servers: servers, rateLimits: .unlimited, now: { clock.now.offset })
        do {
            try await withPanelHTTPClient { http in
                let client = DefaultPanelClient(
                    httpClient: http,
                    baseURL: fake.baseURL + "/",
                    clientKey: fake.clientKey,
                    applicationKey: fake.applicationKey,
                    configuration: PanelClientConfiguration(clientRateLimitPerMinute: 100_000, retryPolicy: .none),
                    clock: clock
                )
                let fixture = InteractionFixture(
                    fake: fake,
                    backend: PterodactylBackend(client: client),
                    clock: clock,
                    allowedRoles: allowedRoles,
                    gated: gated,
                    registrations: registrations,
                    gatewayLatency: gatewayLatency
                )
                try await body(fixture)
            }
        } catch {
            try await fake.shutdown()
            throw error
        }
        try await fake.shutdown()
    }

    private init(
        fake: FakePanel,
        backend: any PanelBackend,
        clock: ManualClock,
        allowedRoles: [AllowedRole],
        gated: Bool,
        registrations: (any CommandRegistrationStore)?,
        gatewayLatency: Duration?
    ) {
        self.fake = fake
        self.panel = GatedPanelBackend(backend, gated: gated)
        self.monitor = PanelMonitor(
            backend: panel,
            updateInterval: .seconds(10),
            clock: clock,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        self.embeds = RecordingEmbeds(store: store)
        let uptime = self.uptime
        self.handler = InteractionHandler(
            discord: discord,
            monitor: monitor,
            panel: panel,
            embeds: embeds,
            store: store,
            authorizer: InteractionAuthorizer(allowedGuildID: Self.guild, allowedRoles: allowedRoles),
            registrations: registrations,
            gatewayLatency: { gatewayLatency },
            elapsed: { uptime.value },
            logger: logs.logger()
        )
    }

    /// Tracks `server`'s status message as the status updater would have.
    func track(_ server: ServerID, message: MessageID = statusMessage) async throws {
        try await store.set(EmbedLocation(channelID: Self.channel, messageID: message), for: server)
    }

    /// Everything logged, joined.
    var logText: String { logs.captured.joined(separator: "\n") }

    // MARK: Interactions

    static func command(
        _ name: String,
        guild: GuildID? = guild,
        roles: [RoleID] = [adminRole],
        id: InteractionID = "800000000000000001"
    ) -> Interaction {
        Interaction(
            id: id,
            applicationID: application,
            type: .applicationCommand,
            token: Secret(tokenText),
            data: .applicationCommand(ApplicationCommandData(name: name)),
            guildID: guild,
            channelID: channel,
            member: guild == nil ? nil : GuildMember(user: user, roles: roles),
            user: guild == nil ? user : nil
        )
    }

    static func component(
        _ customID: String,
        type: ComponentType = .button,
        values: [String]? = nil,
        guild: GuildID? = guild,
        roles: [RoleID] = [adminRole],
        message: MessageID? = statusMessage
    ) -> Interaction {
        Interaction(
            id: "800000000000000002",
            applicationID: application,
            type: .messageComponent,
            token: Secret(tokenText),
            data: .messageComponent(MessageComponentData(customID: customID, componentType: type, values: values)),
            guildID: guild,
            channelID: channel,
            member: guild == nil ? nil : GuildMember(user: user, roles: roles),
            user: guild == nil ? user : nil,
            message: message.map { Message.interactionStub(id: $0) }
        )
    }
}

extension Message {
    static func interactionStub(id: MessageID) -> Message {
        // The decoder needs only `id` and `channel_id`; the rest is tolerant.
        try! JSONDecoder().decode(
            Message.self,
            from: Data(#"{"id": "\#(id.rawValue)", "channel_id": "300000000000000001"}"#.utf8)
        )
    }
}

extension FakePanel.Server {
    /// A numbered server with a name, description, state and allocations.
    static func interactionGame(
        _ index: Int,
        _ name: String,
        state: String = "running",
        description: String = "",
        allocations: [ServerAllocation] = []
    ) -> FakePanel.Server {
        var server = FakePanel.Server.numbered(index, name: name)
        server.description = description
        server.powerState = state
        server.resources.state = ServerState(powerState: state)
        server.resources.rawState = state
        if !allocations.isEmpty { server.allocations = allocations }
        return server
    }
}

/// An embed's fields by name.
func embedFieldValues(_ embed: Embed) -> [String: String] {
    var map: [String: String] = [:]
    for field in embed.fields ?? [] { map[field.name] = field.value }
    return map
}

/// A settable uptime for the handler's `elapsed` closure.
final class ManualUptime: Sendable {
    private let storage: Mutex<Duration>

    init(_ value: Duration) {
        storage = Mutex(value)
    }

    var value: Duration { storage.withLock { $0 } }

    func advance(by duration: Duration) {
        storage.withLock { $0 += duration }
    }
}
