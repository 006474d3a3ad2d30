import Alerting
import PanelCore
import Testing

/// Re-firing soon after resolving re-opens the same alert; later, a new one opens. Acknowledgements.
struct AlertEngineFlappingTests {
    typealias F = Fixture

    /// Crash `s1` at `t`, returning the outcome.
    func crash(_ engine: inout AlertEngine, at t: Int) -> AlertCycleOutcome {
        engine.evaluate(F.facts([F.server("s1", state: .offline, stop: .crashed)]), now: F.at(t))
    }

    /// Two running cycles from `t`; the second resolves.
    func recover(_ engine: inout AlertEngine, at t: Int) -> AlertCycleOutcome {
        _ = engine.evaluate(F.facts([F.server("s1")]), now: F.at(t))
        return engine.evaluate(F.facts([F.server("s1")]), now: F.at(t + 60))
    }

    @Test func refireWithinIntervalReopensSameAlert() throws {
        var engine = AlertEngine()
        _ = crash(&engine, at: 0)
        _ = engine.acknowledge(alertID: "a1", by: "alice", at: F.at(30))
        #expect(recover(&engine, at: 60).resolved.map(\.id) == ["a1"])  // resolved at 120

        let outcome = crash(&engine, at: 660)  // 9 min after resolving
        #expect(outcome.opened.isEmpty)
        let alert = try #require(outcome.reopened.first)
        #expect(alert.id == "a1")
        #expect(alert.repeatCount == 1)
        #expect(alert.resolvedAt == nil)
        #expect(alert.conditionSince == F.at(660))
        #expect(alert.firedAt == F.at(0))
        #expect(alert.acknowledgedBy == "alice")
        #expect(alert.acknowledgedAt == F.at(30))
        #expect(engine.state.alerts.count == 1)
    }

    @Test func refireAfterIntervalOpensNewAlert() throws {
        var engine = AlertEngine()
        _ = crash(&engine, at: 0)
        _ = recover(&engine, at: 60)  // resolved at 120
        let outcome = crash(&engine, at: 720)  // exactly 10 min later
        #expect(outcome.reopened.isEmpty)
        let alert = try #require(outcome.opened.first)
        #expect(alert.id == "a2")
        #expect(alert.repeatCount == 0)
        // The old one was only kept for the flapping window.
        #expect(engine.alert(id: "a1") == nil)
        #expect(engine.state.alerts.map(\.id) == ["a2"])
    }

    @Test func resolvedAlertsAreForgottenAfterTheInterval() {
        var engine = AlertEngine()
        _ = crash(&engine, at: 0)
        _ = recover(&engine, at: 60)
        _ = engine.evaluate(F.facts([F.server("s1")]), now: F.at(719))
        #expect(engine.alert(id: "a1")?.resolvedAt == F.at(120))
        _ = engine.evaluate(F.facts([F.server("s1")]), now: F.at(720))
        #expect(engine.alert(id: "a1") == nil)
        #expect(engine.state.alerts.isEmpty)
    }

    @Test func acknowledgeKeepsTheFirstAndRefusesUnknownOrResolved() {
        var engine = AlertEngine()
        _ = crash(&engine, at: 0)
        let first = engine.acknowledge(alertID: "a1", by: "alice", at: F.at(10))
        #expect(first?.acknowledgedBy == "alice")
        let second = engine.acknowledge(alertID: "a1", by: "bob", at: F.at(20))
        #expect(second?.acknowledgedBy == "alice")
        #expect(second?.acknowledgedAt == F.at(10))
        #expect(engine.alert(id: "a1")?.acknowledgedBy == "alice")
        let unknown = engine.acknowledge(alertID: "a99", by: "bob", at: F.at(20))
        #expect(unknown == nil)
        _ = recover(&engine, at: 60)
        let late = engine.acknowledge(alertID: "a1", by: "bob", at: F.at(200))
        #expect(late == nil)
        #expect(engine.alert(id: "a1")?.acknowledgedBy == "alice")
    }
}
