import ClientSupport
import PanelCore
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Scripting of the fake panel's server activity log (`GET /api/client/servers/{server}/activity`, reference §7.9)
// and of node outages (reference §11).

extension FakePanel {
    // MARK: - Activity log

    /// The fake's current wall-clock date: ``epoch`` plus its time.
    public var currentDate: Date { epoch.addingTimeInterval(now().inSeconds) }

    /// Appends an entry to a server's activity log, as the panel logs an action.
    /// - Parameters:
    ///   - event: The event, e.g. `server:power.stop` or `server:console.command`.
    ///   - id: The server.
    ///   - loggedAt: When (default: ``currentDate``).
    ///   - isAPI: Whether an API key made the request.
    ///   - actor: The acting user, `nil` for a system event.
    public func addActivity(
        _ event: String,
        for id: ServerID,
        at loggedAt: Date? = nil,
        isAPI: Bool = false,
        actor: String? = "owner"
    ) {
        let entry = ActivityEntry(event: event, loggedAt: loggedAt ?? currentDate, isAPI: isAPI, actor: actor)
        state.withLock { $0.activity[id, default: []].append(entry) }
    }

    /// A server's activity log, oldest first (the power route appends `server:power.<signal>` entries).
    /// - Parameter id: The server.
    /// - Returns: The entries.
    public func activity(of id: ServerID) -> [ActivityEntry] {
        state.withLock { $0.activity[id] ?? [] }
    }

    /// Makes the activity route answer 403 "This action is unauthorized." for `id` (or for every server when `nil`),
    /// as the panel does when the key's user lacks `activity.read` on the server: pterodactyl/panel
    /// `app/Http/Controllers/Api/Client/Servers/ActivityLogController.php` authorizes
    /// `Permission::ACTION_ACTIVITY_READ` first, and `app/Exceptions/Handler.php` renders the refusal.
    /// - Parameters:
    ///   - denied: Whether reading is refused.
    ///   - id: The server, or `nil` for every server.
    public func denyActivityRead(_ denied: Bool = true, for id: ServerID? = nil) {
        state.withLock { state in
            switch (denied, id) {
            case (true, nil): state.activityDenied = nil
            case (false, nil): state.activityDenied = []
            case (true, let id?): state.activityDenied?.insert(id)
            case (false, let id?): state.activityDenied?.remove(id)
            }
        }
    }

    /// Makes the fake a panel older than 1.8 (`false`), whose router does not know the activity route: 404
    /// `NotFoundHttpException` "The route … could not be found." (reference §5).
    /// - Parameter available: Whether the activity route exists.
    public func setActivityLogAvailable(_ available: Bool) {
        state.withLock { $0.activityLogAvailable = available }
    }

    /// Renders activity timestamps with this offset from UTC, as a panel whose `APP_TIMEZONE` is not UTC does
    /// (`toIso8601String()` keeps the offset, e.g. `+02:00`).
    /// - Parameter seconds: The offset in seconds.
    public func setActivityUTCOffset(seconds: Int) {
        state.withLock { $0.activityUTCOffsetSeconds = seconds }
    }

    // MARK: - Node outages

    /// Takes a node's Wings down (`false`) or brings it back: while down, `/resources` and power of every server
    /// on it answer 504 `DaemonConnectionException`; the listings still answer (reference §11).
    /// - Parameters:
    ///   - id: The node id.
    ///   - reachable: Whether Wings answers.
    public func setNodeReachable(_ id: Int, _ reachable: Bool) {
        updateNode(id) { $0.wingsReachable = reachable }
    }

    /// The current nodes.
    public var nodes: [Node] { state.withLock { $0.nodes } }
}
