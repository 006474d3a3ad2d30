import Alerting
import Foundation
import Monitoring
import PanelCore
import Testing

@testable import StatusBot

/// Facts from observations: each panel judged on its own servers, nodes attributed to their panel, and one panel
/// read exactly as before several panels existed.
struct AlertFactsBuilderTests {
    static let t0 = Date(timeIntervalSince1970: 1_764_622_800)
    static let host = "panel.example.net"
    static let refused = PanelFailure(.panelUnreachable, detail: "connection refused")

    /// A server as the monitor observed it; `panel` is what ``MultiPanelBackend`` sets with several panels.
    static func observed(
        _ id: String,
        panel: String? = nil,
        node: String? = nil,
        state: ServerState = .running,
        failure: PanelFailure? = nil
    ) -> ServerObservation {
        var server = GameServer(id: ServerID(id), name: id, nodeName: node)
        server.panelName = panel
        return ServerObservation(
            server: server,
            state: failure?.derivedState ?? state,
            failure: failure,
            staleReason: failure?.userReason
        )
    }

    /// A cycle's observation `seconds` after `t0`.
    static func cycle(
        _ seconds: Int,
        _ servers: [ServerObservation],
        listFailure: PanelFailure? = nil,
        nodes: NodeListing? = nil
    ) -> Observation {
        Observation(
            origin: .cycle(seconds / 60 + 1),
            observedAt: t0.addingTimeInterval(TimeInterval(seconds)),
            servers: Dictionary(uniqueKeysWithValues: servers.map { ($0.server.id, $0) }),
            listFailure: listFailure,
            nodes: nodes
        )
    }

    /// The default panel's `s1` and `s2` answering; `home:v1` and `home:v2` failing with `homeFailure` when given.
    static func twoPanels(_ seconds: Int, home homeFailure: PanelFailure?, nodes: NodeListing? = nil) -> Observation {
        cycle(
            seconds,
            [
                observed("s1", panel: host, node: "n1"),
                observed("s2", panel: host, node: "n1"),
                observed("home:v1", panel: "home", node: "home: n1", failure: homeFailure),
                observed("home:v2", panel: "home", node: "home: n1", failure: homeFailure),
            ],
            nodes: nodes
        )
    }

    static func node(_ id: String, _ name: String) -> PanelNodeSummary {
        PanelNodeSummary(
            id: id,
            name: name,
            memoryCapacityMiB: 32768,
            memoryAllocatedMiB: 1024,
            diskCapacityMiB: nil,
            diskAllocatedMiB: 0
        )
    }

    @Test func eachPanelIsJudgedOnItsOwnServers() {
        var builder = AlertFactsBuilder()
        let facts = builder.facts(from: Self.twoPanels(0, home: Self.refused))
        #expect(
            facts.panels == [
                PanelCycleFacts(name: nil, displayName: Self.host, status: .answering),
                PanelCycleFacts(name: "home", displayName: "home", status: .unreachable(detail: "connection refused")),
            ]
        )
        #expect(facts.servers.map(\.id.rawValue) == ["home:v1", "home:v2", "s1", "s2"])
    }

    @Test func aPanelWithSomeServersAnsweringIsUp() {
        var builder = AlertFactsBuilder()
        let observation = Self.cycle(
            0,
            [
                Self.observed("s1", panel: Self.host, failure: Self.refused),
                Self.observed("home:v1", panel: "home", failure: Self.refused),
                Self.observed("home:v2", panel: "home"),
                Self.observed("home:v3", panel: "home", failure: PanelFailure(.keyRefused, detail: "HTTP 403")),
            ]
        )
        #expect(
            builder.facts(from: observation).panels.map(\.status) == [
                .unreachable(detail: "connection refused"), .answering,
            ]
        )
    }

    @Test func onePanelReadsAsBefore() {
        var builder = AlertFactsBuilder()
        let down = builder.facts(from: Self.cycle(0, [Self.observed("s1", failure: Self.refused)]))
        #expect(down.panels == [PanelCycleFacts(name: nil, status: .unreachable(detail: "connection refused"))])
        // A list that failed with no server to poll still tells, as does a refused key.
        let noList = builder.facts(from: Self.cycle(60, [], listFailure: Self.refused))
        #expect(noList.panels == [PanelCycleFacts(name: nil, status: .unreachable(detail: "connection refused"))])
        let keyRefused = PanelFailure(.keyRefused, detail: "HTTP 401")
        let refused = builder.facts(from: Self.cycle(120, [Self.observed("s1", failure: keyRefused)]))
        #expect(refused.panels == [PanelCycleFacts(name: nil, status: .keyRefused(detail: "HTTP 401"))])
        let up = builder.facts(from: Self.cycle(180, [Self.observed("s1")]))
        #expect(up.panels == [PanelCycleFacts(name: nil, status: .answering)])
    }

    @Test func nodesCarryTheirPanelAndADownPanelKeepsItsNodes() throws {
        var builder = AlertFactsBuilder()
        let both = NodeListing(nodes: [Self.node("1", "n1"), Self.node("home:1", "home: n1")], fetchedAt: Self.t0)
        let first = builder.facts(from: Self.twoPanels(0, home: nil, nodes: both))
        #expect(try #require(first.nodes).map(\.panel) == [nil, "home"])

        // Home is down when the nodes are fetched again: the listing lacks its nodes, the facts keep them.
        let defaultOnly = NodeListing(nodes: [Self.node("1", "n1")], fetchedAt: Self.t0.addingTimeInterval(60))
        let down = builder.facts(from: Self.twoPanels(60, home: Self.refused, nodes: defaultOnly))
        let nodes = try #require(down.nodes)
        #expect(nodes.map(\.name) == ["n1", "home: n1"])
        #expect(nodes.map(\.panel) == [nil, "home"])

        // Home answers and the next fetch lists its nodes again.
        let back = builder.facts(from: Self.twoPanels(120, home: nil, nodes: both))
        #expect(try #require(back.nodes).map(\.name) == ["n1", "home: n1"])
    }

    /// Each panel's own report, as ``MultiPanelBackend`` gives it.
    static func reports(defaultOutage: PanelFailure? = nil, homeOutage: PanelFailure?) -> [PanelReport] {
        [(nil, host, defaultOutage), ("home", "home", homeOutage)].map { name, displayName, outage in
            PanelReport(
                name: name,
                displayName: displayName,
                averageLatency: nil,
                requests: 0,
                failures: 0,
                budgets: [],
                outage: outage
            )
        }
    }

    /// A panel none of whose servers the cycle saw (down since the bot started, so nothing of it is listed) is
    /// judged by its own report: its alert opens, and resolves once it answers again.
    @Test func aPanelWithoutServersIsJudgedByItsOwnReport() {
        var builder = AlertFactsBuilder()
        var engine = AlertEngine()
        let defaultOnly = { (seconds: Int) in Self.cycle(seconds, [Self.observed("s1", panel: Self.host)]) }
        let down = builder.facts(from: defaultOnly(0), panelReports: Self.reports(homeOutage: Self.refused))
        #expect(
            down.panels == [
                PanelCycleFacts(name: nil, displayName: Self.host, status: .answering),
                PanelCycleFacts(name: "home", displayName: "home", status: .unreachable(detail: "connection refused")),
            ]
        )
        #expect(engine.evaluate(down, now: Self.t0).opened.map(\.key.description) == ["panelUnreachable@panel:home"])
        var resolved: [String] = []
        for seconds in [60, 120] {
            let up = builder.facts(from: defaultOnly(seconds), panelReports: Self.reports(homeOutage: nil))
            #expect(up.panels.map(\.status) == [.answering, .answering])
            let outcome = engine.evaluate(up, now: Self.t0.addingTimeInterval(TimeInterval(seconds)))
            resolved += outcome.resolved.map(\.key.description)
        }
        #expect(resolved == ["panelUnreachable@panel:home"])
        #expect(engine.evaluate(builder.facts(from: defaultOnly(180)), now: Self.t0.addingTimeInterval(180)).isQuiet)
    }

    @Test func theDefaultPanelWithoutServersIsJudgedByItsReportToo() {
        var builder = AlertFactsBuilder()
        let homeOnly = Self.cycle(0, [Self.observed("home:v1", panel: "home")])
        let facts = builder.facts(
            from: homeOnly,
            panelReports: Self.reports(defaultOutage: Self.refused, homeOutage: nil)
        )
        #expect(facts.panels.map(\.status) == [.unreachable(detail: "connection refused"), .answering])
        #expect(facts.panels.map(\.displayName) == [Self.host, "home"])
    }

    @Test func aDownPanelAlertsOnceAndRecoversWhileTheOtherPanelKeepsAlerting() throws {
        var builder = AlertFactsBuilder()
        var engine = AlertEngine()
        func evaluate(_ observation: Observation, crashed: [String] = []) -> AlertCycleOutcome {
            let causes = Dictionary(uniqueKeysWithValues: crashed.map { (ServerID($0), StopCause.crashed) })
            return engine.evaluate(builder.facts(from: observation, stopCauses: causes), now: observation.observedAt)
        }
        #expect(evaluate(Self.twoPanels(0, home: nil)).isQuiet)

        // Home goes down while a server of the default panel crashes.
        var down = Self.twoPanels(60, home: Self.refused)
        down.servers[ServerID("s1")]?.state = .offline
        let outcome = evaluate(down, crashed: ["s1"])
        #expect(outcome.opened.map(\.key.description) == ["panelUnreachable@panel:home", "serverStopped@server:s1"])
        let alert = try #require(outcome.opened.first)
        #expect(alert.subjectName == "home")
        #expect(alert.summary == "panel home unreachable: connection refused")

        // Still down: nothing new. Then it answers for two cycles and only its alert resolves.
        down.observedAt = Self.t0.addingTimeInterval(120)
        #expect(evaluate(down).isQuiet)
        var back = Self.twoPanels(180, home: nil)
        back.servers[ServerID("s1")]?.state = .offline
        #expect(evaluate(back).resolved.isEmpty)
        back.observedAt = Self.t0.addingTimeInterval(240)
        let recovered = evaluate(back)
        #expect(recovered.resolved.map(\.key.description) == ["panelUnreachable@panel:home"])
        #expect(recovered.openAlerts.map(\.key.description) == ["serverStopped@server:s1"])
    }
}
