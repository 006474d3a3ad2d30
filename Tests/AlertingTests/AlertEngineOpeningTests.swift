import Alerting
import PanelCore
import Testing

/// When conditions become alerts: sustained figures, immediate states, stuck starting.
struct AlertEngineOpeningTests {
    typealias F = Fixture

    @Test func sustainedCPUOpensAfterSustainFor() throws {
        var engine = AlertEngine()
        let hot = F.facts([F.server("s1", cpu: 93)])
        let early = engine.run(hot, from: 0, through: 240)
        #expect(early.allSatisfy { $0.opened.isEmpty })
        #expect(engine.openAlerts.isEmpty)

        let outcome = engine.evaluate(hot, now: F.at(300))
        let alert = try #require(outcome.opened.first)
        #expect(outcome.opened.count == 1)
        #expect(alert.id == "a1")
        #expect(alert.key == F.cpuKey("s1"))
        #expect(alert.severity == .warning)
        #expect(alert.subjectName == "Server s1")
        #expect(alert.summary == "CPU at 93% of its limit")
        #expect(alert.figure == 93)
        #expect(alert.conditionSince == F.at(0))
        #expect(alert.firedAt == F.at(300))
        #expect(outcome.openAlerts.map(\.id) == ["a1"])
    }

    @Test func cycleBelowThresholdResetsSustainTimer() throws {
        var engine = AlertEngine()
        _ = engine.run(F.facts([F.server("s1", memory: 95)]), from: 0, through: 240)
        // One cycle just under the 90 % threshold breaks the run, even inside the hysteresis band.
        _ = engine.evaluate(F.facts([F.server("s1", memory: 89.5)]), now: F.at(300))
        let again = engine.run(F.facts([F.server("s1", memory: 95)]), from: 360, through: 600)
        #expect(again.allSatisfy { $0.opened.isEmpty })

        let outcome = engine.evaluate(F.facts([F.server("s1", memory: 95)]), now: F.at(660))
        let alert = try #require(outcome.opened.first)
        #expect(alert.key.kind == .serverMemory)
        #expect(alert.summary == "memory at 95% of its limit")
        #expect(alert.conditionSince == F.at(360))
    }

    @Test func crashOpensAtOnceAsCritical() throws {
        var engine = AlertEngine()
        _ = engine.evaluate(F.facts([F.server("s1")]), now: F.at(0))
        let outcome = engine.evaluate(F.facts([F.server("s1", state: .offline, stop: .crashed)]), now: F.at(60))
        let alert = try #require(outcome.opened.first)
        #expect(alert.key == F.stoppedKey("s1"))
        #expect(alert.severity == .critical)
        #expect(alert.summary == "stopped unexpectedly (no power action in the activity log)")
        #expect(alert.conditionSince == F.at(60))
    }

    @Test func stopWithUnknownCauseIsAWarning() throws {
        var engine = AlertEngine()
        let outcome = engine.evaluate(F.facts([F.server("s1", state: .offline, stop: .causeUnknown)]), now: F.at(0))
        let alert = try #require(outcome.opened.first)
        #expect(alert.severity == .warning)
        #expect(alert.summary == "stopped, cause unknown (the activity log could not be read)")
    }

    @Test func offlineServerWithoutUnexpectedStopOpensNothing() {
        var engine = AlertEngine()
        let outcomes = engine.run(F.facts([F.server("s1", state: .offline)]), from: 0, through: 1200)
        #expect(outcomes.allSatisfy { $0.opened.isEmpty })
        #expect(engine.state.alerts.isEmpty)
    }

    @Test func stuckStartingOpensAfterStuckStartingFor() throws {
        var engine = AlertEngine()
        let starting = F.facts([F.server("s1", state: .starting)])
        #expect(engine.run(starting, from: 0, through: 240).allSatisfy { $0.opened.isEmpty })
        let outcome = engine.evaluate(starting, now: F.at(300))
        let alert = try #require(outcome.opened.first)
        #expect(alert.key.kind == .serverStuckStarting)
        #expect(alert.summary == "still starting after 5 min")
        #expect(alert.conditionSince == F.at(0))
    }

    @Test func startingInterruptedByRunningDoesNotCount() {
        var engine = AlertEngine()
        _ = engine.run(F.facts([F.server("s1", state: .starting)]), from: 0, through: 240)
        _ = engine.evaluate(F.facts([F.server("s1", state: .running)]), now: F.at(300))
        let outcomes = engine.run(F.facts([F.server("s1", state: .starting)]), from: 360, through: 600)
        #expect(outcomes.allSatisfy { $0.opened.isEmpty })
    }

    @Test func nodeAllocationOpensAtOnceWithFigures() throws {
        var engine = AlertEngine()
        let full = F.node("n1", memoryMiB: 31130, memoryCapacityMiB: 32768)
        let outcome = engine.evaluate(F.facts([], nodes: [full]), now: F.at(0))
        let alert = try #require(outcome.opened.first)
        #expect(alert.key == AlertKey(kind: .nodeMemoryAllocated, subject: .node(name: "n1")))
        #expect(alert.severity == .warning)
        #expect(alert.summary == "memory allocated 95% of capacity (30.4 of 32 GiB)")
    }

    @Test func unlimitedNodeCapacityNeverAlerts() {
        var engine = AlertEngine()
        let unlimited = F.node("n1", memoryMiB: 900_000, memoryCapacityMiB: nil)
        #expect(engine.evaluate(F.facts([], nodes: [unlimited]), now: F.at(0)).opened.isEmpty)
    }

    @Test func nodeUnreachableStartsWhenTheFactsSay() throws {
        var engine = AlertEngine()
        let down = F.node("n1", reachability: .unreachable(since: F.at(-90)))
        let outcome = engine.evaluate(F.facts([], nodes: [down]), now: F.at(0))
        let alert = try #require(outcome.opened.first)
        #expect(alert.key == AlertKey(kind: .nodeUnreachable, subject: .node(name: "n1")))
        #expect(alert.severity == .critical)
        #expect(alert.summary == "node unreachable: every server on it fails while other nodes answer")
        #expect(alert.conditionSince == F.at(-90))
        #expect(alert.firedAt == F.at(0))
    }

    @Test func panelKeyRefusedOpensAtOnce() throws {
        var engine = AlertEngine()
        let outcome = engine.evaluate(F.facts([], panel: .keyRefused(detail: "HTTP 401")), now: F.at(0))
        let alert = try #require(outcome.opened.first)
        #expect(alert.key == AlertKey(kind: .panelKeyRefused, subject: .panel))
        #expect(alert.severity == .critical)
        #expect(alert.subjectName == "the panel")
        #expect(alert.summary == "the panel refuses the bot's API key: HTTP 401")
    }

    @Test func outcomeIsOrderedBySeverityThenSubjectThenKind() {
        var engine = AlertEngine()
        let facts = F.facts(
            [
                F.server("s2", state: .offline, stop: .causeUnknown),
                F.server("s1", state: .offline, stop: .crashed),
            ],
            nodes: [
                F.node("n2", reachability: .unreachable(since: F.at(0))),
                F.node("n1", memoryMiB: 32000),
            ]
        )
        let outcome = engine.evaluate(facts, now: F.at(0))
        #expect(
            outcome.opened.map(\.key.description) == [
                "nodeUnreachable@node:n2",
                "serverStopped@server:s1",
                "nodeMemoryAllocated@node:n1",
                "serverStopped@server:s2",
            ]
        )
        // Identifiers are handed out by subject then kind, so a rerun with the same facts writes the same file.
        #expect(outcome.opened.map(\.id) == ["a2", "a3", "a1", "a4"])
    }
}
