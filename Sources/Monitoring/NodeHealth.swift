import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The panel has no node health endpoint (docs/pterodactyl-api.md §8.3: `allocated_resources` is the sum of server
// limits, not live usage; Wings' own `/api/system` needs the node's secret). Health is inferred from how the
// servers on a node answered `/resources` (§11): the panel's 504 `DaemonConnectionException`, classified as
// ``PanelFailure/Kind/nodeUnreachable``, means the panel is up but cannot reach that node's Wings.

/// Whether the panel can reach a node (its Wings daemon), as far as one cycle's polls tell, with the time it was
/// first seen down. Produced by ``NodeHealthTracker``.
public enum NodeHealth: Sendable, Hashable {
    /// At least one server on the node answered this cycle.
    case reachable
    /// Every checked server on the node got the panel's node-unreachable answer (the rule:
    /// ``NodeVerdict/infer(nodeNames:servers:listFailure:)``).
    /// - Parameter since: The observation time of the first cycle, in this run of outages, that saw it down.
    case unreachable(since: Date)
    /// Nothing this cycle says whether the node answers.
    case unknown(UnknownReason)

    /// Why a node's health cannot be told.
    public enum UnknownReason: Sendable, Hashable {
        /// No polled server runs on the node: the key sees none there, or none of them is watched.
        case noServers
        /// Servers on the node were polled, but no answer said anything about the node: the panel refused them
        /// before asking Wings (suspended, installing, node in maintenance) or failed for another reason (key
        /// refused, rate limit, malformed answer).
        case inconclusive
        /// The panel itself did not answer. A panel outage is not a node outage.
        case panelUnreachable
        /// Servers on several nodes were checked and the panel reached none of them: more likely a problem on the
        /// panel's side (its network, its Wings settings) than every node down at once.
        case noNodeAnswered
    }

    /// True for ``unreachable(since:)``.
    public var isUnreachable: Bool {
        if case .unreachable = self { return true }
        return false
    }

    /// True for ``unknown(_:)``.
    public var isUnknown: Bool {
        if case .unknown = self { return true }
        return false
    }
}

/// One node's health in one cycle, without history. ``NodeHealthTracker`` turns it into a ``NodeHealth``.
public enum NodeVerdict: Sendable, Hashable {
    /// At least one server on the node answered.
    case reachable
    /// Every checked server on the node got the panel's node-unreachable answer.
    case unreachable
    /// Nothing this cycle says whether the node answers.
    case unknown(NodeHealth.UnknownReason)
}

/// How many servers run on a node, among the polled ones.
public struct NodeServerCount: Sendable, Hashable {
    /// Servers whose shown state is ``ServerState/running``.
    public var running: Int
    /// All polled servers on the node.
    public var total: Int

    /// Creates a count.
    /// - Parameters:
    ///   - running: Servers running.
    ///   - total: All servers.
    public init(running: Int, total: Int) {
        self.running = running
        self.total = total
    }
}

// MARK: - Inference

extension NodeVerdict {
    /// What one server's poll says about its node.
    private enum Evidence {
        /// The server answered: its node's Wings answers.
        case answered
        /// The panel answered that it cannot reach the node.
        case nodeDown
        /// The panel itself did not answer.
        case panelDown
        /// The answer says nothing about the node (409 from the panel, refused key, rate limit, ...).
        case none
    }

    private static func evidence(_ observation: ServerObservation) -> Evidence {
        guard let failure = observation.failure else { return .answered }
        switch failure.kind {
        case .nodeUnreachable: return .nodeDown
        case .panelUnreachable: return .panelDown
        // A 409 (suspended, installing, node in maintenance) comes from the panel before it asks Wings, and the
        // other kinds are about the key, the budget or the answer's shape: none tells whether the node answers.
        case .serverBusy, .keyRefused, .rateLimited, .malformedAnswer, .notFound, .rejected, .unsupported, .other:
            return .none
        }
    }

    /// Infers each node's health from one cycle. Pure.
    ///
    /// The rule, per node, over the servers polled on it (docs/pterodactyl-api.md §11):
    /// - **reachable** when at least one of them answered (one 504 next to an answer is a Wings error for that
    ///   server, not a dead node);
    /// - **unreachable** when every one of them that says anything about the node got
    ///   ``PanelFailure/Kind/nodeUnreachable``, and either a server on another node answered, or no other node
    ///   had a server that could be checked at all (a single node);
    /// - **unknown** otherwise: no polled server there (``NodeHealth/UnknownReason/noServers``), the panel did not
    ///   answer (``NodeHealth/UnknownReason/panelUnreachable``), no answer about the node
    ///   (``NodeHealth/UnknownReason/inconclusive``), or other nodes were checked and none answered
    ///   (``NodeHealth/UnknownReason/noNodeAnswered``).
    ///
    /// The single-node choice: with nothing to compare with, a node whose every checked server got the 504 is
    /// reported down. The 504 `DaemonConnectionException` is the panel itself answering, so it cannot be a panel
    /// outage; asking for a second node that answers would mean a single-node panel, the usual small setup, could
    /// never show its node down. When several nodes were checked and all got the 504, the common cause is more
    /// likely the panel's side, so none of them is blamed.
    ///
    /// Feed cycle observations (``Observation/Origin/cycle(_:)``): an on-demand poll covers a few servers only.
    /// Servers without a node name are left out.
    /// - Parameters:
    ///   - nodeNames: The nodes the panel lists, or `nil` when the listing is not available; nodes named only by
    ///     servers are added either way.
    ///   - servers: The cycle's server observations.
    ///   - listFailure: Why the cycle's server list failed, if it did (``Observation/listFailure``).
    /// - Returns: A verdict for every node, keyed by node name.
    public static func infer(
        nodeNames: [String]?,
        servers: some Sequence<ServerObservation>,
        listFailure: PanelFailure? = nil
    ) -> [String: NodeVerdict] {
        var evidence: [String: [Evidence]] = [:]
        for name in nodeNames ?? [] { evidence[name] = [] }
        for observation in servers {
            guard let node = observation.server.nodeName else { continue }
            evidence[node, default: []].append(Self.evidence(observation))
        }
        let panelDown = listFailure?.kind == .panelUnreachable
        let answering = Set(evidence.filter { $0.value.contains(.answered) }.keys)
        let checked = Set(evidence.filter { $0.value.contains { $0 == .answered || $0 == .nodeDown } }.keys)

        var verdicts: [String: NodeVerdict] = [:]
        for (node, found) in evidence {
            if answering.contains(node) {
                verdicts[node] = .reachable
            } else if checked.contains(node) {
                let answeredElsewhere = !answering.isEmpty
                let nothingToCompare = checked.count == 1
                verdicts[node] = answeredElsewhere || nothingToCompare ? .unreachable : .unknown(.noNodeAnswered)
            } else if panelDown || found.contains(.panelDown) {
                verdicts[node] = .unknown(.panelUnreachable)
            } else if found.isEmpty {
                verdicts[node] = .unknown(.noServers)
            } else {
                verdicts[node] = .unknown(.inconclusive)
            }
        }
        return verdicts
    }
}

extension NodeServerCount {
    /// Counts the polled servers per node: running (by shown state) and total. Servers without a node name are
    /// left out; listed nodes without a polled server count zero.
    /// - Parameters:
    ///   - nodeNames: The nodes the panel lists, or `nil`.
    ///   - servers: The cycle's server observations.
    /// - Returns: A count for every node, keyed by node name.
    public static func count(
        nodeNames: [String]?,
        servers: some Sequence<ServerObservation>
    ) -> [String: NodeServerCount] {
        var counts: [String: NodeServerCount] = [:]
        for name in nodeNames ?? [] { counts[name] = NodeServerCount(running: 0, total: 0) }
        for observation in servers {
            guard let node = observation.server.nodeName else { continue }
            counts[node, default: NodeServerCount(running: 0, total: 0)].total += 1
            if observation.state == .running { counts[node]?.running += 1 }
        }
        return counts
    }
}

// MARK: - Tracker

/// Keeps when each node was first seen down across cycles. A value: the caller owns it and feeds it one cycle at a
/// time.
///
/// The time is forgotten when the node answers again, when it has no polled server left, or when it is no longer
/// listed. A cycle that cannot tell (panel unreachable, nothing checkable) keeps it, so a panel outage in the
/// middle of a node outage does not restart the clock.
public struct NodeHealthTracker: Sendable, Equatable {
    /// The first observation time of the current outage, per node that is or was last seen down.
    public private(set) var downSince: [String: Date] = [:]

    /// Creates a tracker that has seen nothing.
    public init() {}

    /// Records one cycle's verdicts.
    /// - Parameters:
    ///   - verdicts: From ``NodeVerdict/infer(nodeNames:servers:listFailure:)``.
    ///   - now: The cycle's observation time (``Observation/observedAt``).
    /// - Returns: Each node's health, with the time an ongoing outage started.
    public mutating func record(_ verdicts: [String: NodeVerdict], at now: Date) -> [String: NodeHealth] {
        downSince = downSince.filter { verdicts[$0.key] != nil }
        var health: [String: NodeHealth] = [:]
        for (node, verdict) in verdicts {
            switch verdict {
            case .reachable:
                downSince[node] = nil
                health[node] = .reachable
            case .unreachable:
                let since = downSince[node] ?? now
                downSince[node] = since
                health[node] = .unreachable(since: since)
            case .unknown(let reason):
                if reason == .noServers { downSince[node] = nil }
                health[node] = .unknown(reason)
            }
        }
        return health
    }

    /// Infers and records one cycle.
    /// - Parameters:
    ///   - observation: A cycle's observation (not an on-demand one: it covers a few servers only).
    ///   - nodeNames: The nodes the panel lists, or `nil` when the listing is not available.
    /// - Returns: Each node's health.
    public mutating func record(_ observation: Observation, nodeNames: [String]?) -> [String: NodeHealth] {
        let verdicts = NodeVerdict.infer(
            nodeNames: nodeNames,
            servers: observation.servers.values,
            listFailure: observation.listFailure
        )
        return record(verdicts, at: observation.observedAt)
    }
}
