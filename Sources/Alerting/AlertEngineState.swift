#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything the engine remembers between cycles; the bot persists it so a restart neither forgets an open alert
/// nor posts it again.
///
/// Decoding drops alerts and pending conditions whose kind this version does not know (written by a newer
/// version); anything else that is malformed still fails, so a damaged file is noticed.
public struct AlertEngineState: Sendable, Codable, Equatable {
    /// Open alerts, and resolved ones kept for the flapping window.
    public internal(set) var alerts: [Alert]
    /// Conditions on their way to opening (sustain timers) or to clearing (good-cycle counters).
    var tracks: [ConditionTrack]
    /// The number in the next alert's identifier.
    var nextAlertNumber: Int

    /// An empty state: no alerts, identifiers start at `a1`.
    public init() {
        self.alerts = []
        self.tracks = []
        self.nextAlertNumber = 1
    }

    private enum CodingKeys: String, CodingKey {
        case alerts
        case tracks
        case nextAlertNumber
    }

    /// Decodes a state, dropping entries of unknown kinds.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.alerts = try container.decode([KnownKindOnly<Alert>].self, forKey: .alerts).compactMap(\.value)
        self.tracks = try container.decode([KnownKindOnly<ConditionTrack>].self, forKey: .tracks).compactMap(\.value)
        self.nextAlertNumber = try container.decode(Int.self, forKey: .nextAlertNumber)
    }

    /// Encodes the state.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(alerts, forKey: .alerts)
        try container.encode(tracks, forKey: .tracks)
        try container.encode(nextAlertNumber, forKey: .nextAlertNumber)
    }
}

/// Progress of one condition that has no verdict of its own yet: a sustain timer or a good-cycle count.
struct ConditionTrack: Sendable, Codable, Equatable {
    /// The condition.
    var key: AlertKey
    /// First cycle of the current bad run while the alert is not open yet.
    var pendingSince: Date?
    /// Good cycles in a row while the alert is open.
    var goodCycles: Int

    /// A track with no progress.
    init(key: AlertKey) {
        self.key = key
        self.pendingSince = nil
        self.goodCycles = 0
    }

    /// True when it carries nothing worth keeping.
    var isIdle: Bool { pendingSince == nil && goodCycles == 0 }
}

/// Decodes an element that has a `key.kind`, or nothing when that kind is unknown to this version.
///
/// The kind is read as a plain string first, so only an unknown kind is tolerated; any other error in the element
/// is thrown as usual.
struct KnownKindOnly<Element: Decodable & Sendable>: Decodable, Sendable {
    /// The element, or `nil` when its kind is unknown.
    let value: Element?

    private struct Probe: Decodable {
        struct Key: Decodable { var kind: String }
        var key: Key
    }

    /// Reads the kind first; decodes the whole element only when the kind is known.
    init(from decoder: any Decoder) throws {
        let probe = try Probe(from: decoder)
        guard AlertKind(rawValue: probe.key.kind) != nil else {
            self.value = nil
            return
        }
        self.value = try Element(from: decoder)
    }
}
