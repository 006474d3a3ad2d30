import ClientSupport
import PanelCore

/// The server object of `GET /servers`, `GET /server/get/{uid}` and a successful PUT (reference §5).
///
/// `server_config` maps file names to their contents and can hold passwords: it has no field here, so it is never
/// decoded, kept, logged or printed. Releases of the 1.0 era send no `container_type` and `build_version`.
public struct PeonServer: Sendable, Hashable, Decodable {
    /// `game_uid`, e.g. `valheim`.
    public var gameUID: String
    /// `servername`, the warcamp name, e.g. `server01`.
    public var serverName: String
    /// `container_type`: `"unknown"` unless the container runs; `nil` on 1.0-era releases.
    public var containerType: String?
    /// `build_version`: `"unknown"` unless the container runs; `nil` on 1.0-era releases.
    public var buildVersion: String?
    /// `container_state`: Docker's status.
    public var containerState: PeonContainerState
    /// `server_state`: equal to `container_state`, or `"UNKNOWN"` when PEON could not read the running container.
    public var serverState: String?
    /// `description`, as PEON keeps it in the warcamp's `config.json`.
    public var serverDescription: String?
    /// `time`: the scheduled stop in epoch seconds, or `nil`.
    public var scheduledStop: Int?

    /// Creates a server object (protocol-level fakes build these directly).
    /// - Parameters:
    ///   - gameUID: `game_uid`.
    ///   - serverName: `servername`.
    ///   - containerType: `container_type`, if sent.
    ///   - buildVersion: `build_version`, if sent.
    ///   - containerState: `container_state`.
    ///   - serverState: `server_state`, if sent.
    ///   - serverDescription: `description`.
    ///   - scheduledStop: `time`.
    public init(
        gameUID: String,
        serverName: String,
        containerType: String? = nil,
        buildVersion: String? = nil,
        containerState: PeonContainerState,
        serverState: String? = nil,
        serverDescription: String? = nil,
        scheduledStop: Int? = nil
    ) {
        self.gameUID = gameUID
        self.serverName = serverName
        self.containerType = containerType
        self.buildVersion = buildVersion
        self.containerState = containerState
        self.serverState = serverState
        self.serverDescription = serverDescription
        self.scheduledStop = scheduledStop
    }

    /// The uid text routes take, `GAME_UID.SERVERNAME` (reference §3).
    public var uid: String { "\(gameUID).\(serverName)" }

    /// The state to show (reference §5): `server_state` `"UNKNOWN"` wins, otherwise Docker's status decides.
    public var state: ServerState {
        serverState == Self.unknownServerState ? .unknown : containerState.serverState
    }

    /// The raw state behind ``state``, e.g. `paused` or `UNKNOWN`, for display next to it.
    public var rawState: String {
        serverState == Self.unknownServerState ? Self.unknownServerState : containerState.rawValue
    }

    /// What `server_state` says when PEON failed to read a running container (reference §5).
    public static let unknownServerState = "UNKNOWN"

    enum CodingKeys: String, CodingKey {
        case gameUID = "game_uid"
        case serverName = "servername"
        case containerType = "container_type"
        case buildVersion = "build_version"
        case containerState = "container_state"
        case serverState = "server_state"
        case serverDescription = "description"
        case scheduledStop = "time"
        // `server_config` deliberately has no key (see the type's documentation).
    }

    /// Decodes tolerantly: only `game_uid` and `servername` are required; everything else may be missing, null or
    /// of another shape.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        gameUID = try container.decode(String.self, forKey: .gameUID)
        serverName = try container.decode(String.self, forKey: .serverName)
        containerType = container.decodeOrNil(String.self, forKey: .containerType)
        buildVersion = container.decodeOrNil(String.self, forKey: .buildVersion)
        containerState = PeonContainerState(
            rawValue: container.decodeOrNil(String.self, forKey: .containerState) ?? ""
        )
        serverState = container.decodeOrNil(String.self, forKey: .serverState)
        serverDescription = container.decodeOrNil(String.self, forKey: .serverDescription)
        // A stop scheduled with `epoch_time` is stored as the string the client sent (peon-orc
        // app/modules/scheduler.py), so `time` can be a string of digits as well as a number.
        scheduledStop =
            container.decodeOrNil(Int.self, forKey: .scheduledStop)
            ?? container.decodeOrNil(String.self, forKey: .scheduledStop).flatMap { Int($0) }
    }
}

/// Docker's container status as PEON reports it in `container_state` (reference §5). Unknown values are kept,
/// never a decoding failure.
public enum PeonContainerState: Sendable, Hashable, CustomStringConvertible {
    /// Created, never started.
    case created
    /// Docker is restarting it.
    case restarting
    /// Running.
    case running
    /// Being removed.
    case removing
    /// Paused (frozen processes).
    case paused
    /// Stopped.
    case exited
    /// Docker could not stop or remove it.
    case dead
    /// A status this code does not know, as sent.
    case unknown(String)

    /// Maps Docker's status text; anything else becomes ``unknown(_:)``.
    /// - Parameter rawValue: The status text.
    public init(rawValue: String) {
        switch rawValue {
        case "created": self = .created
        case "restarting": self = .restarting
        case "running": self = .running
        case "removing": self = .removing
        case "paused": self = .paused
        case "exited": self = .exited
        case "dead": self = .dead
        default: self = .unknown(rawValue)
        }
    }

    /// The status text.
    public var rawValue: String {
        switch self {
        case .created: "created"
        case .restarting: "restarting"
        case .running: "running"
        case .removing: "removing"
        case .paused: "paused"
        case .exited: "exited"
        case .dead: "dead"
        case .unknown(let raw): raw
        }
    }

    /// The display mapping of reference §5: running → running; restarting → starting; exited, dead and created →
    /// offline; paused → offline (the raw state says "paused"); removing → stopping; anything else → unknown.
    public var serverState: ServerState {
        switch self {
        case .running: .running
        case .restarting: .starting
        case .created, .exited, .dead, .paused: .offline
        case .removing: .stopping
        case .unknown: .unknown
        }
    }

    /// The status text.
    public var description: String { rawValue }
}
