import ClientSupport
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A frame the bot sends to Wings: text JSON `{"event": string, "args": [string]}`.
///
/// pterodactyl/wings `router/websocket/message.go` (events) and `router/websocket/websocket.go` (`HandleInbound`);
/// reference §12. Only the two events a status bot needs exist here: no console, no power over the socket.
public enum WingsClientFrame: Sendable, Hashable, CustomStringConvertible {
    /// `auth [token]`: must be the first frame on a socket, and is sent again on the same socket to refresh.
    case auth(WingsSocketToken)
    /// `send stats`: asks for a `stats` frame now instead of waiting for Docker's next sample.
    case sendStats

    /// The event name on the wire.
    public var event: String {
        switch self {
        case .auth: "auth"
        case .sendStats: "send stats"
        }
    }

    /// The frame's text as it goes on the wire. It contains the token for ``auth(_:)``: never log it.
    public var encodedText: String {
        let args: [String] =
            switch self {
            case .auth(let token): [token.exposedValue]
            case .sendStats: []
            }
        let encoder = JSONEncoder()
        // Sorted keys keep the text stable for tests; Wings reads the keys by name.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of two strings cannot fail; a fallback keeps `!` off the path anyway.
        guard let data = try? encoder.encode(WireWingsFrame(event: event, args: args)) else {
            return #"{"args":[],"event":"\#(event)"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The event and, for `auth`, a redacted token.
    public var description: String {
        switch self {
        case .auth(let token): "auth [\(token)]"
        case .sendStats: "send stats"
        }
    }
}

/// A frame Wings sends, decoded tolerantly: unknown events become ``other(_:)`` and broken frames
/// ``undecodable(reason:)``; decoding never throws.
///
/// pterodactyl/wings `router/websocket/message.go`, `server/events.go`, `router/websocket/listeners.go`; reference §12.
public enum WingsSocketMessage: Sendable, Hashable {
    /// `auth success`: the token was accepted (after the first `auth` on a socket, `status` follows).
    case authSuccess
    /// `status [state]`: the power state changed; the state is mapped as `/resources` maps `current_state`
    /// (unknown values are offline), with the raw string kept.
    case status(ServerState, raw: String)
    /// `stats [json string]`: a usage sample, in the units of `/resources` (reference §9), decoded when read.
    case stats(WingsStatsSample)
    /// `token expiring`: 60 s or less are left on the token; fetch a new one and `auth` again on this socket.
    case tokenExpiring
    /// `token expired`: the token's `exp` passed; Wings ignores everything until a new `auth`.
    case tokenExpired
    /// `jwt error [message]`: the token was refused, or a frame came before `auth`.
    case jwtError(String)
    /// `daemon error [message]`: Wings failed to do something (e.g. a power action); says nothing about the socket.
    case daemonError(String)
    /// Any other event (console output, install and backup events, ...), by name.
    case other(String)
    /// A frame that is not `{"event": string, "args": [...]}` or whose `stats` argument is not readable.
    case undecodable(reason: String)

    /// One decoder for every frame (Wings sends about one a second per socket); decoding keeps no state between
    /// calls.
    private static let decoder = JSONDecoder()

    /// Decodes one text frame. A `stats` frame, about one a second per socket, is only recognised here: most are
    /// dropped by the sampling, so its JSON is decoded when the sample is read.
    /// - Parameter text: The frame as received.
    public init(frame text: String) {
        if text.utf8.starts(with: Self.statsPrefix.utf8) {
            self = .stats(WingsStatsSample(frame: text))
            return
        }
        if text.utf8.starts(with: Self.consolePrefix.utf8) {
            self = .other("console output")
            return
        }
        let frame: WireWingsFrame
        do {
            frame = try Self.decoder.decode(WireWingsFrame.self, from: Data(text.utf8))
        } catch {
            self = .undecodable(reason: "not an event frame (\(text.count) characters)")
            return
        }
        let first = frame.args.first ?? ""
        switch frame.event {
        case "auth success": self = .authSuccess
        case "status": self = .status(ServerState(powerState: first), raw: first)
        case "stats":
            // Only when the fields come in another order than Wings writes them.
            self = .stats(WingsStatsSample(frame: text))
        case "token expiring": self = .tokenExpiring
        case "token expired": self = .tokenExpired
        case "jwt error": self = .jwtError(first)
        case "daemon error": self = .daemonError(first)
        default: self = .other(frame.event)
        }
    }

    /// How Wings starts the frames it sends most: Go writes a struct's fields in declaration order, with no
    /// spaces (`router/websocket/message.go`: `Event` then `Args`). Frames that start otherwise are decoded fully.
    private static let statsPrefix = #"{"event":"stats""#
    private static let consolePrefix = #"{"event":"console output""#

    /// The usage in a `stats` frame, or nil when the frame is not `{"event":"stats","args":[json string]}` or the
    /// argument is not a usage object.
    static func usage(inStatsFrame text: String) -> ServerResources? {
        guard let frame = try? decoder.decode(WireWingsFrame.self, from: Data(text.utf8)), frame.event == "stats",
            let argument = frame.args.first
        else { return nil }
        // The argument is itself JSON, serialized to a string (`server/resources.go`, `events.go`).
        return (try? decoder.decode(WireWingsStats.self, from: Data(argument.utf8)))?.model
    }
}

/// A usage sample from a `stats` frame, kept as received until it is read: the socket machine keeps only the
/// newest frame of each sampling interval and reads only that one.
public struct WingsStatsSample: Sendable, Hashable {
    private enum Storage: Sendable, Hashable {
        case frame(String)
        case usage(ServerResources)
    }

    private let storage: Storage

    /// A sample from a received `stats` frame.
    /// - Parameter text: The whole frame.
    init(frame text: String) {
        storage = .frame(text)
    }

    /// A sample already decoded (tests, other sources).
    /// - Parameter usage: The usage.
    public init(_ usage: ServerResources) {
        storage = .usage(usage)
    }

    /// The usage, in the units of `/resources`; nil when the frame's argument is not a usage object.
    public var usage: ServerResources? {
        switch storage {
        case .frame(let text): WingsSocketMessage.usage(inStatsFrame: text)
        case .usage(let usage): usage
        }
    }
}

/// `{"event": string, "args": [string]}`; `args` is optional (`omitempty`) and non-string arguments are dropped.
struct WireWingsFrame: Codable {
    var event: String
    var args: [String]

    private enum CodingKeys: String, CodingKey {
        case event, args
    }

    init(event: String, args: [String]) {
        self.event = event
        self.args = args
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        event = try container.decode(String.self, forKey: .event)
        args = container.decodeOrNil([String?].self, forKey: .args)?.map { $0 ?? "" } ?? []
    }
}

/// The `stats` argument: Wings' `ResourceUsage` (`server/resources.go`, `environment/stats.go`):
/// `{"memory_bytes","memory_limit_bytes","cpu_absolute","network":{"rx_bytes","tx_bytes"},"uptime","state",
/// "disk_bytes"}`. Missing or mistyped values are 0, as the panel's `StatsTransformer.php` does for `/resources`.
struct WireWingsStats: Decodable {
    struct Network: Decodable {
        var rxBytes: Int?
        var txBytes: Int?

        private enum CodingKeys: String, CodingKey {
            case rxBytes = "rx_bytes"
            case txBytes = "tx_bytes"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            rxBytes = container.decodeOrNil(Int.self, forKey: .rxBytes)
            txBytes = container.decodeOrNil(Int.self, forKey: .txBytes)
        }
    }

    var state: String?
    var memoryBytes: Int?
    var cpuAbsolute: Double?
    var diskBytes: Int?
    var network: Network?
    var uptime: Int?

    private enum CodingKeys: String, CodingKey {
        case state, network, uptime
        case memoryBytes = "memory_bytes"
        case cpuAbsolute = "cpu_absolute"
        case diskBytes = "disk_bytes"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        state = container.decodeOrNil(String.self, forKey: .state)
        memoryBytes = container.decodeOrNil(Int.self, forKey: .memoryBytes)
        cpuAbsolute = container.decodeOrNil(Double.self, forKey: .cpuAbsolute)
        diskBytes = container.decodeOrNil(Int.self, forKey: .diskBytes)
        network = container.decodeOrNil(Network.self, forKey: .network)
        uptime = container.decodeOrNil(Int.self, forKey: .uptime)
    }

    /// The same mapping as `/resources` (``WireStats``): a missing state is the panel's default `stopped`, which
    /// counts as offline.
    var model: ServerResources {
        let rawState = state ?? "stopped"
        return ServerResources(
            state: ServerState(powerState: rawState),
            rawState: rawState,
            memoryBytes: memoryBytes ?? 0,
            cpuAbsolute: cpuAbsolute ?? 0,
            diskBytes: diskBytes ?? 0,
            networkRxBytes: network?.rxBytes ?? 0,
            networkTxBytes: network?.txBytes ?? 0,
            uptimeMilliseconds: uptime ?? 0
        )
    }
}
