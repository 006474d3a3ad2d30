import Monitoring
import PanelCore

/// Feeds the graphs: every new usage sample of a running server goes into its series, with the server's player
/// count at that time when one is known; a server that stopped or went away loses its series (a graph of an
/// earlier run would mislead).
public struct GraphSampleRecorder: ObservationConsumer {
    private let graphs: any StatusGraphing
    private let players: (any PlayerCountReading)?

    /// Creates the recorder.
    /// - Parameters:
    ///   - graphs: Where samples go.
    ///   - players: The player counts, when `[Players]` is on.
    public init(graphs: any StatusGraphing, players: (any PlayerCountReading)? = nil) {
        self.graphs = graphs
        self.players = players
    }

    public func consume(_ observation: Observation) async {
        for (id, server) in observation.servers {
            if server.state == .removed {
                await graphs.forget(id)
                continue
            }
            guard server.isNewSample, let usage = server.usage, let sampledAt = server.sampledAt else { continue }
            if usage.state == .running {
                let count = await players?.playerCount(of: id)
                await graphs.record(usage, players: count, for: server.server, at: sampledAt)
            } else {
                await graphs.forget(id)
            }
        }
    }
}
