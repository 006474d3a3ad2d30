/// What the bot shows for a server: a power state reported by the game host, or a state derived from the panel.
///
/// Backend-neutral. For Pterodactyl and Pelican, power states come from `/resources` `current_state`
/// (pterodactyl/wings `environment/environment.go`); the others from the server list (`status`,
/// `is_transferring`) or from the error a request got (409, 504, 404, no answer).
public enum ServerState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The egg's "done" line was seen; the server is up.
    case running
    /// The container started but the server is not ready yet.
    case starting
    /// A stop or restart is in progress.
    case stopping
    /// The container is not running. Unknown power states (e.g. `stopped`) count as offline.
    case offline
    /// Suspended by an administrator (409 on `/resources`).
    case suspended
    /// Installing, or the install failed (409 on `/resources`).
    case installing
    /// Being moved to another node (409 on `/resources`).
    case transferring
    /// Restoring a backup (409 on `/resources`).
    case restoringBackup
    /// The server's node is in maintenance mode (409 on `/resources`).
    case nodeMaintenance
    /// The panel answered but could not reach Wings on the server's node (504 `DaemonConnectionException`).
    case nodeOffline
    /// The panel confirmed that the server no longer exists (or that the key may no longer see it).
    case removed
    /// The panel itself did not answer: connection refused, timeout, DNS failure, or its proxy's 5xx page.
    case panelUnreachable
    /// The bot has not learned the state yet, or the panel's answer did not say.
    case unknown

    /// Maps Wings' `current_state` to a power state; anything unknown is ``offline``.
    /// - Parameter powerState: The raw `current_state` string.
    public init(powerState: String) {
        switch powerState {
        case "running": self = .running
        case "starting": self = .starting
        case "stopping": self = .stopping
        default: self = .offline
        }
    }

    /// True for the four states Wings reports; false for states derived from errors or the panel's status.
    public var isPowerState: Bool {
        switch self {
        case .running, .starting, .stopping, .offline: true
        default: false
        }
    }

    /// A lowercase human-readable name, e.g. `restoring backup`.
    public var description: String {
        switch self {
        case .running: "running"
        case .starting: "starting"
        case .stopping: "stopping"
        case .offline: "offline"
        case .suspended: "suspended"
        case .installing: "installing"
        case .transferring: "transferring"
        case .restoringBackup: "restoring backup"
        case .nodeMaintenance: "node in maintenance"
        case .nodeOffline: "node offline"
        case .removed: "removed"
        case .panelUnreachable: "panel unreachable"
        case .unknown: "unknown"
        }
    }
}
