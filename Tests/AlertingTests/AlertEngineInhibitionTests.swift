import Alerting
import PanelCore
import Testing

/// What is not evaluated: everything while the panel is down, servers of an unreachable node, stale servers.
struct AlertEngineInhibitionTests {
    typealias F = Fixture

    @Test func panelOutageInhibitsNodesAndServers() throws {
        var engine = AlertEngine()
        // CPU high for 4 min: the sustain timer runs.
        _ = engine.run(F.facts([F.server("s1", cpu: 93)]), from: 0, through: 240)
        let down = F.facts(
            [F.server("s1", cpu: 93), F.server("s2", state: .offline, stop: .crashed)],
            nodes: [F.node("n1", reachability: .unreachable(since: F.at(300)))],
            panel: .unreachable(detail: "connection refused")
        )
        let outcome = engine.evaluate(down, now: F.at(300))
        #expect(outcome.opened.map(\.key) == [AlertKey(kind: .panelUnreachable, subject: .panel)])
        #expect(outcome.opened.first?.summary == "panel unreachable: connection refused")
        _ = engine.run(down, from: 360, through: 600)
        #expect(engine.openAlerts.count == 1)

        // The panel is back: the CPU timer starts over instead of firing at once.
        let back = F.facts([F.server("s1", cpu: 93)])
        let after = engine.run(back, from: 660, through: 900)
        #expect(after.allSatisfy { $0.opened.isEmpty })
        let fired = engine.evaluate(back, now: F.at(960))
        #expect(fired.opened.first?.key == F.cpuKey("s1"))
        #expect(fired.opened.first?.conditionSince == F.at(660))
    }

    @Test func panelOutageNeitherClearsOpenServerAlerts() {
        var engine = AlertEngine()
        _ = engine.evaluate(F.facts([F.server("s1", state: .offline, stop: .crashed)]), now: F.at(0))
        let down = F.facts([F.server("s1")], panel: .keyRefused(detail: "HTTP 403"))
        let outcomes = engine.run(down, from: 60, through: 300)
        #expect(outcomes.allSatisfy { $0.resolved.isEmpty })
        #expect(engine.openAlerts.map(\.key.kind) == [.serverStopped, .panelKeyRefused])
    }

    @Test func unreachableNodeInhibitsItsServersOnly() {
        var engine = AlertEngine()
        let facts = F.facts(
            [
                F.server("s1", node: "n1", state: .offline, stop: .crashed),
                F.server("s2", node: "n1", state: .offline, stop: .crashed),
                F.server("s3", node: "n2", state: .offline, stop: .crashed),
            ],
            nodes: [F.node("n1", reachability: .unreachable(since: F.at(0))), F.node("n2")]
        )
        let outcome = engine.evaluate(facts, now: F.at(0))
        #expect(outcome.opened.map(\.key.description) == ["nodeUnreachable@node:n1", "serverStopped@server:s3"])
    }

    @Test func openNodeAlertKeepsInhibitingWhileNodesAreUnknown() {
        var engine = AlertEngine()
        let n1Down = [F.node("n1", reachability: .unreachable(since: F.at(0)))]
        _ = engine.evaluate(F.facts([], nodes: n1Down), now: F.at(0))
        let crashed = [F.server("s1", node: "n1", state: .offline, stop: .crashed)]
        let outcome = engine.evaluate(F.facts(crashed, nodes: nil), now: F.at(60))
        #expect(outcome.opened.isEmpty)
        #expect(outcome.resolved.isEmpty)
    }

    @Test func unknownReachabilityNeitherOpensNorClears() {
        var engine = AlertEngine()
        _ = engine.evaluate(
            F.facts([], nodes: [F.node("n1", reachability: .unreachable(since: F.at(0)))]),
            now: F.at(0)
        )
        let outcomes = engine.run(F.facts([], nodes: [F.node("n1", reachability: .unknown)]), from: 60, through: 600)
        #expect(outcomes.allSatisfy { $0.resolved.isEmpty })
        _ = engine.evaluate(F.facts([], nodes: [F.node("n1")]), now: F.at(660))
        let outcome = engine.evaluate(F.facts([], nodes: [F.node("n1")]), now: F.at(720))
        #expect(outcome.resolved.map(\.key.kind) == [.nodeUnreachable])
    }

    @Test func staleServerFactsAreSkipped() {
        var engine = AlertEngine()
        _ = engine.run(F.facts([F.server("s1", cpu: 95)]), from: 0, through: 240)
        // A stale cycle breaks the sustain run, and a stale crash report opens nothing.
        let stale = engine.evaluate(
            F.facts([F.server("s1", stale: true, cpu: 95, stop: .crashed)]),
            now: F.at(300)
        )
        #expect(stale.opened.isEmpty)
        #expect(
            engine.run(F.facts([F.server("s1", cpu: 95)]), from: 360, through: 600).allSatisfy { $0.opened.isEmpty }
        )
        #expect(engine.evaluate(F.facts([F.server("s1", cpu: 95)]), now: F.at(660)).opened.count == 1)
    }

    @Test func staleFactsDoNotClearAnOpenAlert() {
        var engine = AlertEngine()
        _ = engine.evaluate(F.facts([F.server("s1", state: .offline, stop: .crashed)]), now: F.at(0))
        let outcomes = engine.run(F.facts([F.server("s1", stale: true)]), from: 60, through: 600)
        #expect(outcomes.allSatisfy { $0.resolved.isEmpty })
        #expect(engine.openAlerts.map(\.id) == ["a1"])
    }
}
