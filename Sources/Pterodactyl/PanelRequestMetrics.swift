import ClientSupport
import CoreMetrics
import Synchronization

/// What a ``DefaultPanelClient`` reports to swift-metrics, labelled by the panel's name: requests by route
/// template and status class, and their latency. Routes are templates (`/api/client/servers/{server}/resources`),
/// so a label never grows with the number of servers and never carries a key.
public struct PanelRequestMetrics: Sendable {
    private let factory: any MetricsFactory
    private let panel: String
    /// Handles by route and status class: made once, since making one is a registry lookup under a lock.
    private let handles = Handles()

    private final class Handles: Sendable {
        let requests = Mutex<[String: Counter]>([:])
        let durations = Mutex<[String: Timer]>([:])
    }

    /// Creates the recorder.
    /// - Parameters:
    ///   - factory: The swift-metrics factory (the bot's Prometheus registry).
    ///   - panel: The panel's name, `default` for `[Pterodactyl]`.
    public init(factory: any MetricsFactory, panel: String) {
        self.factory = factory
        self.panel = panel
    }

    /// Counts nothing.
    public static let none = PanelRequestMetrics(factory: NOOPMetricsHandler.instance, panel: "")

    /// One attempt: its route, its HTTP status (nil when no answer came) and how long it took.
    func attempted(path: String, status: Int?, duration: Duration) {
        let route = Self.template(of: path)
        let statusClass = status.map { "\($0 / 100)xx" } ?? "transport_error"
        let requests = handles.requests.withLock { requests in
            let key = route + " " + statusClass
            if let counter = requests[key] { return counter }
            let counter = Counter(
                label: "pterodisbot_panel_requests_total",
                dimensions: [("panel", panel), ("route", route), ("status_class", statusClass)],
                factory: factory
            )
            requests[key] = counter
            return counter
        }
        requests.increment()
        let timer = handles.durations.withLock { durations in
            if let timer = durations[route] { return timer }
            let timer = Timer(
                label: "pterodisbot_panel_request_duration_seconds",
                dimensions: [("panel", panel), ("route", route)],
                factory: factory
            )
            durations[route] = timer
            return timer
        }
        timer.recordNanoseconds(Int64(duration.inSeconds * 1e9))
    }

    /// The path with server identifiers and node numbers replaced by `{server}` and `{node}`.
    static func template(of path: String) -> String {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for index in segments.indices.dropFirst() {
            switch segments[index - 1] {
            case "servers": segments[index] = "{server}"
            case "nodes": segments[index] = "{node}"
            default: break
            }
        }
        return segments.joined(separator: "/")
    }
}
