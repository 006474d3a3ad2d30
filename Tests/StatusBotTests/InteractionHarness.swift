import ClientSupport
import DiscordModels
import DiscordREST
import Logging
import MetricsTestKit
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
    let discord = FakeDiscordClient()
    let store = EmbedStore(file: nil)
    let embeds: FakeStatusUpdates
    let logs = LogCapture()
    let handler: InteractionHandler
    let uptime = ManualUptime(.seconds(3 * 3600 + 120))
    let metrics = TestMetrics()

    /// Starts the fake panel and builds the handler; call `body`, then everything is shut down.
    static func with(
        servers: [FakePanel.Server],
        allowedRoles: [AllowedRole] = [.id(adminRole)],
        gated: Bool = false,
        registrations: (any CommandRegistrationStore)? = nil,
        gatewayLatency: Duration? = .milliseconds(42),
        features: [any InteractionFeature] = [],
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
                    gatewayLatency: gatewayLatency,
                    features: features
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
        gatewayLatency: Duration?,
        features: [any InteractionFeature]
    ) {
        self.fake = fake
        self.panel = GatedPanelBackend(backend, gated: gated)
        self.monitor = PanelMonitor(
            backend: panel,
            updateInterval: .seconds(10),
            clock: clock,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        self.embeds = FakeStatusUpdates(store: store)
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
            features: features,
            metrics: metrics,
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
