import DiscordGateway
import DiscordModels
import GameQuery
import Monitoring
import PanelCore
import Synchronization

/// Shows the tracked status messages in the bot's presence ("Watching 6 servers"), with the players online on
/// them once any count is known ("Watching 37 players on 6 servers"); updated after a cycle when the text changed.
final class PresenceUpdater: ObservationConsumer {
    private let store: EmbedStore
    private let players: (any PlayerCountReading)?
    private let send: @Sendable (GatewayPresenceUpdate) async throws -> Void
    /// The text shown; nil after a failed send, so the next cycle sends again.
    private let shown: Mutex<String?>

    /// Creates the updater for the live gateway.
    /// - Parameters:
    ///   - gateway: The connection whose presence changes.
    ///   - store: The tracked status messages.
    ///   - count: How many servers the presence sent in IDENTIFY shows.
    ///   - players: The player counts, when `[Players]` is on.
    convenience init(
        gateway: GatewayConnection<ContinuousClock>,
        store: EmbedStore,
        count: Int,
        players: (any PlayerCountReading)? = nil
    ) {
        self.init(store: store, count: count, players: players) { try await gateway.updatePresence($0) }
    }

    /// Creates the updater.
    /// - Parameters:
    ///   - store: The tracked status messages.
    ///   - count: How many servers the presence shown now has.
    ///   - players: The player counts, when `[Players]` is on.
    ///   - send: Sends a new presence (the gateway's `updatePresence`, a recorder in tests).
    init(
        store: EmbedStore,
        count: Int,
        players: (any PlayerCountReading)?,
        send: @escaping @Sendable (GatewayPresenceUpdate) async throws -> Void
    ) {
        self.store = store
        self.players = players
        self.send = send
        self.shown = Mutex(Self.text(servers: count, players: nil))
    }

    func consume(_ observation: Observation) async {
        guard case .cycle = observation.origin else { return }
        let servers = await store.all.keys
        var online: Int?
        if let players {
            for server in servers {
                if let count = await players.playerCount(of: server) { online = (online ?? 0) + count.online }
            }
        }
        let text = Self.text(servers: servers.count, players: online)
        let changed = shown.withLock { shown in
            guard shown != text else { return false }
            shown = text
            return true
        }
        guard changed else { return }
        do {
            try await send(Self.presence(text))
        } catch {
            // Not connected right now: the gateway sends its configured presence again when it identifies.
            shown.withLock { $0 = nil }
        }
    }

    // MARK: - Text

    /// What the bot watches: `6 servers`, or `37 players on 6 servers` once a count is known.
    /// - Parameters:
    ///   - servers: Every tracked server.
    ///   - players: The players online on the servers whose count is known; nil when none is.
    /// - Returns: The activity name (Discord shows "Watching" before it).
    static func text(servers: Int, players: Int?) -> String {
        let serverText = "\(servers) \(servers == 1 ? "server" : "servers")"
        guard let players else { return serverText }
        return "\(players) \(players == 1 ? "player" : "players") on \(serverText)"
    }

    /// The presence "Watching `text`", online.
    static func presence(_ text: String) -> GatewayPresenceUpdate {
        GatewayPresenceUpdate(activities: [GatewayActivity(name: text, type: .watching)])
    }
}
