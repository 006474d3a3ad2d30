import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One panel among several: its name in server identifiers (`nil` for the default panel, whose identifiers stay
/// bare), the name shown to users, and its backend.
public struct NamedPanel: Sendable {
    /// The `NAME` of `[Panel:NAME]`, or `nil` for `[Pterodactyl]`.
    public var name: String?
    /// What status messages and `/server_status` call the panel.
    public var displayName: String
    /// The panel's backend, with its own budget, timeouts and back-off.
    public var backend: any PanelBackend

    /// Creates a named panel.
    public init(name: String?, displayName: String, backend: any PanelBackend) {
        self.name = name
        self.displayName = displayName
        self.backend = backend
    }
}

/// Several panels behind the one ``PanelBackend`` the monitor polls.
///
/// A server of a named panel is `NAME:identifier` (``ServerID/init(panel:local:)``); its calls go to that panel
/// only. The panels are asked concurrently, and one panel down never fails or delays the others: its last list
/// stands in for the one it could not give, and while it is down one of its servers probes it each cycle while the
/// rest get its failure at once instead of piling up timeouts.
public final class MultiPanelBackend: PanelBackend {
    private let roster: Mutex<Roster>

    /// The panels of the moment; each call works on the roster it started with.
    private struct Roster: Sendable {
        var order: [Lane]
        var byKey: [String: Lane]
        /// With one panel, servers carry no panel name: there is nothing to tell apart.
        var namesPanels: Bool { order.count > 1 }

        init(_ order: [Lane]) {
            self.order = order
            self.byKey = Dictionary(order.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    private let outageDeadline: Duration

    /// Creates the backend.
    /// - Parameters:
    ///   - panels: The panels, default first; names must be distinct.
    ///   - outageDeadline: How long a panel that is down may hold a cycle (its probe and its list).
    public init(_ panels: [NamedPanel], outageDeadline: Duration = .seconds(2)) {
        self.outageDeadline = outageDeadline
        self.roster = Mutex(Roster(panels.map { Lane($0, outageDeadline: outageDeadline) }))
    }

    /// Swaps in a new set of panels (a configuration reload). Calls in flight finish on the old set.
    /// - Parameters:
    ///   - panels: The panels now configured, default first.
    ///   - unchanged: Names (`nil` for the default panel) whose settings did not change: they keep their backend,
    ///     last list, outage and figures, and the `panels` entry for them is ignored.
    public func replace(with panels: [NamedPanel], unchanged: Set<String?>) {
        roster.withLock { roster in
            let lanes = panels.map { panel in
                let key = panel.name ?? Lane.defaultKey
                if unchanged.contains(panel.name), let kept = roster.byKey[key] { return kept }
                return Lane(panel, outageDeadline: outageDeadline)
            }
            roster = Roster(lanes)
        }
    }

    private var panels: [NamedPanel] { roster.withLock { $0.order.map(\.panel) } }

    /// The panels' names (`nil` for the default one), in order.
    public var panelNames: [String?] { roster.withLock { $0.order.map(\.panel.name) } }

    /// The union of what the panels offer; each server carries its own panel's in ``GameServer/capabilities``.
    public var capabilities: PanelCapabilities {
        PanelCapabilities(
            powerSignals: panels.reduce(into: Set()) { $0.formUnion($1.backend.capabilities.powerSignals) },
            listsNodes: panels.contains { $0.backend.capabilities.listsNodes },
            hasAddresses: panels.contains { $0.backend.capabilities.hasAddresses }
        )
    }

    /// Every panel's servers, in panel order; a panel that fails contributes its last list.
    /// - Throws: The first panel's failure when no panel answered and none has a list yet.
    public func servers(forceRefresh: Bool) async throws -> [GameServer] {
        let roster = self.roster.withLock { $0 }
        let laneOrder = roster.order
        let results = await withTaskGroup(of: (Int, Result<[GameServer], PanelFailure>).self) { group in
            for (index, lane) in laneOrder.enumerated() {
                group.addTask { (index, await lane.servers(forceRefresh: forceRefresh)) }
            }
            var results = [Result<[GameServer], PanelFailure>?](repeating: nil, count: laneOrder.count)
            for await (index, result) in group { results[index] = result }
            return results.compactMap { $0 }
        }
        try Task.checkCancellation()
        var servers: [GameServer] = []
        var answered = false
        var firstFailure: PanelFailure?
        for (lane, result) in zip(laneOrder, results) {
            switch result {
            case .success(let list):
                answered = true
                servers += list.map { lane.tag($0, namingPanel: roster.namesPanels) }
            case .failure(let failure):
                firstFailure = firstFailure ?? failure
                if let last = lane.lastList {
                    answered = true
                    servers += last.map { lane.tag($0, namingPanel: roster.namesPanels) }
                }
            }
        }
        if !answered, let firstFailure { throw firstFailure }
        return servers
    }

    /// One server, from its panel.
    public func serverDetails(_ id: ServerID) async throws -> GameServer {
        let (lane, namesPanels) = try lane(of: id)
        return lane.tag(try await lane.panel.backend.serverDetails(ServerID(id.local)), namingPanel: namesPanels)
    }

    /// Usage from each panel concurrently, each inside its own budget.
    public func usage(of ids: [ServerID]) async throws -> [ServerID: Result<ServerResources, PanelFailure>] {
        let lanes = roster.withLock { $0.byKey }
        var byLane: [String: [ServerID]] = [:]
        var results: [ServerID: Result<ServerResources, PanelFailure>] = [:]
        for id in ids {
            if lanes[id.panel ?? Lane.defaultKey] != nil {
                byLane[id.panel ?? Lane.defaultKey, default: []].append(id)
            } else {
                results[id] = .failure(Self.unknownPanel(of: id))
            }
        }
        try await withThrowingTaskGroup(of: [ServerID: Result<ServerResources, PanelFailure>].self) { group in
            for (key, ids) in byLane {
                guard let lane = lanes[key] else { continue }
                group.addTask { try await lane.usage(of: ids) }
            }
            for try await part in group { results.merge(part) { first, _ in first } }
        }
        return results
    }

    /// Sends the signal through the server's panel.
    public func sendPower(_ signal: PowerSignal, to id: ServerID) async throws {
        try await lane(of: id).lane.panel.backend.sendPower(signal, to: ServerID(id.local))
    }

    /// The nodes of every panel that lists them; those of a named panel carry its name.
    public func nodes() async throws -> [PanelNodeSummary] {
        let listing = roster.withLock { $0.order }.filter { $0.panel.backend.capabilities.listsNodes }
        guard !listing.isEmpty else {
            throw PanelFailure(.unsupported, detail: "no panel lists nodes")
        }
        var nodes: [PanelNodeSummary] = []
        var firstFailure: PanelFailure?
        for lane in listing {
            do {
                nodes += try await lane.panel.backend.nodes().map(lane.tag)
            } catch let failure as PanelFailure {
                firstFailure = firstFailure ?? failure
            }
        }
        if nodes.isEmpty, let firstFailure { throw firstFailure }
        return nodes
    }

    /// The server's panel's activity log.
    public func powerActivity(of id: ServerID, since: Date) async throws -> [PowerActivity] {
        try await lane(of: id).lane.panel.backend.powerActivity(of: ServerID(id.local), since: since)
    }

    /// Each panel's advice for its share of the servers (an even share is assumed: the list is not known here).
    public func budgetAdvice(forServerCount serverCount: Int, interval: Duration) -> String? {
        let (panels, namesPanels) = roster.withLock { ($0.order.map(\.panel), $0.namesPanels) }
        let share = (serverCount + panels.count - 1) / max(panels.count, 1)
        let advice = panels.compactMap { panel in
            panel.backend.budgetAdvice(forServerCount: share, interval: interval).map {
                namesPanels ? "\(panel.displayName): \($0)" : $0
            }
        }
        return advice.isEmpty ? nil : advice.joined(separator: "; ")
    }

    /// Every panel's budgets, each named after its panel when there are several.
    public func budgetUse() async -> [PanelBudgetUse] {
        let (panels, namesPanels) = roster.withLock { ($0.order.map(\.panel), $0.namesPanels) }
        var all: [PanelBudgetUse] = []
        for panel in panels {
            for use in await panel.backend.budgetUse() {
                var use = use
                if namesPanels { use.budget = "\(panel.displayName) \(use.budget)" }
                all.append(use)
            }
        }
        return all
    }

    /// Each panel's recent latency, errors, budgets and outage, in configuration order; empty with one panel.
    public func panelReports() async -> [PanelReport] {
        let lanes = roster.withLock { $0.namesPanels ? $0.order : [] }
        var reports: [PanelReport] = []
        for lane in lanes { reports.append(await lane.report()) }
        return reports
    }

    private func lane(of id: ServerID) throws(PanelFailure) -> (lane: Lane, namesPanels: Bool) {
        let (lane, namesPanels) = roster.withLock { ($0.byKey[id.panel ?? Lane.defaultKey], $0.namesPanels) }
        guard let lane else { throw Self.unknownPanel(of: id) }
        return (lane, namesPanels)
    }

    private static func unknownPanel(of id: ServerID) -> PanelFailure {
        PanelFailure(
            .notFound,
            detail: "no panel named '\(id.panel ?? "")' is configured (server \(id)); was its [Panel:NAME] removed?"
        )
    }
}

extension MultiPanelBackend {
    /// One panel's list, outage and identifier mapping.
    final class Lane: Sendable {
        static let defaultKey = ""

        let panel: NamedPanel
        let key: String
        private let state = Mutex(State())

        private struct State {
            var lastList: [GameServer]?
            /// Set while the panel's list, or every server of a round, fails as unreachable; cleared by an answer.
            var outage: PanelFailure?
            /// The last usage rounds, oldest first, at most ``Lane/roundsKept``.
            var rounds: [Round] = []
        }

        private struct Round {
            var duration: Duration
            var requests: Int
            var failures: Int
        }

        private static let roundsKept = 10

        /// How long a panel that is down may hold a round: its probe and list wait no longer.
        let outageDeadline: Duration

        init(_ panel: NamedPanel, outageDeadline: Duration) {
            self.panel = panel
            self.key = panel.name ?? Self.defaultKey
            self.outageDeadline = outageDeadline
        }

        /// `work`'s result, or `nil` when `deadline` passes first (the work is then cancelled).
        static func within<T: Sendable>(
            _ deadline: Duration,
            _ work: @escaping @Sendable () async throws -> T
        ) async throws -> T? {
            try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await work() }
                group.addTask {
                    try await Task.sleep(for: deadline)
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
        }

        var lastList: [GameServer]? { state.withLock { $0.lastList } }

        func servers(forceRefresh: Bool) async -> Result<[GameServer], PanelFailure> {
            let outage = state.withLock { $0.outage }
            do {
                let backend = panel.backend
                let fetch = { @Sendable in try await backend.servers(forceRefresh: forceRefresh) }
                // While the panel is down its list may wait for a timeout: the other panels do not wait with it.
                guard let list = try await (outage == nil ? fetch() : Self.within(outageDeadline, fetch)) else {
                    return .failure(outage ?? PanelFailure(.panelUnreachable, detail: "no answer"))
                }
                // A list may come from the backend's cache, so only a usage answer ends an outage; a panel with no
                // servers has nothing to ask, and a cached empty list is under a minute old (PEON's cache).
                state.withLock { state in
                    state.lastList = list
                    if list.isEmpty { state.outage = nil }
                }
                return .success(list)
            } catch let failure as PanelFailure {
                state.withLock { $0.outage = failure.kind == .panelUnreachable ? failure : nil }
                return .failure(failure)
            } catch {
                return .failure(PanelFailure(.other, detail: "cancelled"))
            }
        }

        func usage(of ids: [ServerID]) async throws -> [ServerID: Result<ServerResources, PanelFailure>] {
            var pending = ids[...]
            var results: [ServerID: Result<ServerResources, PanelFailure>] = [:]
            if let outage = state.withLock({ $0.outage }), let probe = pending.popFirst() {
                let answer =
                    try await Self.within(outageDeadline) { try await self.ask([probe]) } ?? [probe: .failure(outage)]
                results.merge(answer) { first, _ in first }
                if case .failure(let failure) = answer[probe], failure.kind == .panelUnreachable {
                    for id in pending { results[id] = .failure(outage) }
                    return results
                }
                state.withLock { $0.outage = nil }
            }
            guard !pending.isEmpty else { return results }
            let answers = try await ask(Array(pending))
            results.merge(answers) { first, _ in first }
            // A panel whose list is cached (PEON's) shows its outage here first: every server unreachable.
            let unreachable = answers.values.compactMap(\.failure).filter { $0.kind == .panelUnreachable }
            if unreachable.count == answers.count, let failure = unreachable.first {
                state.withLock { $0.outage = failure }
            }
            return results
        }

        private func ask(_ ids: [ServerID]) async throws -> [ServerID: Result<ServerResources, PanelFailure>] {
            let clock = ContinuousClock()
            let started = clock.now
            let answers = try await panel.backend.usage(of: ids.map { ServerID($0.local) })
            let round = Round(
                duration: started.duration(to: clock.now),
                requests: ids.count,
                failures: answers.values.count { if case .failure = $0 { true } else { false } }
            )
            state.withLock {
                $0.rounds.append(round)
                if $0.rounds.count > Self.roundsKept { $0.rounds.removeFirst() }
            }
            var results: [ServerID: Result<ServerResources, PanelFailure>] = [:]
            for id in ids {
                results[id] = answers[ServerID(id.local)] ?? .failure(PanelFailure(.other, detail: "no answer"))
            }
            return results
        }

        func report() async -> PanelReport {
            let (rounds, outage) = state.withLock { ($0.rounds, $0.outage) }
            return PanelReport(
                name: panel.name,
                displayName: panel.displayName,
                averageLatency: rounds.isEmpty
                    ? nil : rounds.reduce(Duration.zero) { $0 + $1.duration } / rounds.count,
                requests: rounds.reduce(0) { $0 + $1.requests },
                failures: rounds.reduce(0) { $0 + $1.failures },
                budgets: await panel.backend.budgetUse(),
                outage: outage
            )
        }

        /// The server as the rest of the bot sees it: its identifier and node carry the panel's name, and its
        /// display name when the bot serves several panels.
        func tag(_ server: GameServer, namingPanel: Bool) -> GameServer {
            var server = server
            server.id = ServerID(panel: panel.name, local: server.id.rawValue)
            server.panelName = namingPanel ? panel.displayName : nil
            server.capabilities = server.capabilities ?? panel.backend.capabilities
            if let name = panel.name, let node = server.nodeName { server.nodeName = "\(name): \(node)" }
            return server
        }

        /// The node as the rest of the bot sees it: a named panel's nodes carry its name.
        func tag(_ node: PanelNodeSummary) -> PanelNodeSummary {
            guard let name = panel.name else { return node }
            var node = node
            node.id = "\(name):\(node.id)"
            node.name = "\(name): \(node.name)"
            return node
        }
    }
}
