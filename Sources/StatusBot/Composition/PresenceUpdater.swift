import DiscordGateway
import DiscordModels
import Monitoring
import Synchronization

/// Shows the number of tracked status messages in the bot's presence ("Watching 3 servers"), updated after a
/// cycle when it changed.
final class PresenceUpdater: ObservationConsumer {
    let gateway: GatewayConnection<ContinuousClock>
    let store: EmbedStore
    private let shown: Mutex<Int>

    init(gateway: GatewayConnection<ContinuousClock>, store: EmbedStore, count: Int) {
        self.gateway = gateway
        self.store = store
        self.shown = Mutex(count)
    }

    func consume(_ observation: Observation) async {
        guard case .cycle = observation.origin else { return }
        let count = await store.all.count
        let changed = shown.withLock { shown in
            guard shown != count else { return false }
            shown = count
            return true
        }
        guard changed else { return }
        do {
            try await gateway.updatePresence(.watching(serverCount: count))
        } catch {
            // Not connected right now: the gateway sends its configured presence again when it identifies.
            shown.withLock { $0 = -1 }
        }
    }
}
