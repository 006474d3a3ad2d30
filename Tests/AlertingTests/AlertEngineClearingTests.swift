import Alerting
import PanelCore
import Testing

/// How alerts clear: hysteresis band, good-cycle counts, vanished subjects, figure updates.
struct AlertEngineClearingTests {
    typealias F = Fixture

    /// An engine with CPU alert `a1` on `s1` opened at t=300 (93 % since t=0).
    func engineWithCPUAlert() -> AlertEngine {
        var engine = AlertEngine()
        _ = engine.run(F.facts([F.server("s1", cpu: 93)]), from: 0, through: 300)
        return engine
    }

    @Test func valueInHysteresisBandForOneCycleDoesNotClear() {
        var engine = engineWithCPUAlert()
        // 75 is below the 80 % threshold but above 80 − 10: one such cycle is not enough.
        #expect(engine.evaluate(F.facts([F.server("s1", cpu: 75)]), now: F.at(360)).resolved.isEmpty)
        // Back above the threshold: the good-cycle count starts over.
        #expect(engine.evaluate(F.facts([F.server("s1", cpu: 85)]), now: F.at(420)).resolved.isEmpty)
        #expect(engine.evaluate(F.facts([F.server("s1", cpu: 75)]), now: F.at(480)).resolved.isEmpty)
        #expect(engine.openAlerts.map(\.id) == ["a1"])

        let outcome = engine.evaluate(F.facts([F.server("s1", cpu: 72)]), now: F.at(540))
        #expect(outcome.resolved.map(\.id) == ["a1"])
        #expect(outcome.resolved.first?.resolvedAt == F.at(540))
        #expect(outcome.resolved.first?.resolvedAfter() == .seconds(540))
        #expect(outcome.openAlerts.isEmpty)
    }

    @Test func valueBelowHysteresisBandClearsAtOnce() {
        var engine = engineWithCPUAlert()
        let outcome = engine.evaluate(F.facts([F.server("s1", cpu: 69.9)]), now: F.at(360))
        #expect(outcome.resolved.map(\.id) == ["a1"])
        #expect(outcome.resolved.first?.resolvedAfter() == .seconds(360))
        #expect(engine.alert(id: "a1")?.isOpen == false)
    }

    @Test func crashClearsAfterTwoRunningCyclesNotWhileOffline() {
        var engine = AlertEngine()
        _ = engine.evaluate(F.facts([F.server("s1", state: .offline, stop: .crashed)]), now: F.at(0))
        // Still offline (no new unexpected stop): the alert stays, however long.
        let offline = engine.run(F.facts([F.server("s1", state: .offline)]), from: 60, through: 600)
        #expect(offline.allSatisfy { $0.resolved.isEmpty && $0.opened.isEmpty })
        #expect(engine.evaluate(F.facts([F.server("s1", state: .starting)]), now: F.at(660)).resolved.isEmpty)
        #expect(engine.evaluate(F.facts([F.server("s1")]), now: F.at(720)).resolved.isEmpty)
        let outcome = engine.evaluate(F.facts([F.server("s1")]), now: F.at(780))
        #expect(outcome.resolved.map(\.key) == [F.stoppedKey("s1")])
        #expect(outcome.resolved.first?.resolvedAfter() == .seconds(780))
    }

    @Test func removedServerClearsItsStopAlert() {
        var engine = AlertEngine()
        _ = engine.evaluate(F.facts([F.server("s1", state: .offline, stop: .crashed)]), now: F.at(0))
        _ = engine.evaluate(F.facts([F.server("s1", state: .removed)]), now: F.at(60))
        let outcome = engine.evaluate(F.facts([F.server("s1", state: .removed)]), now: F.at(120))
        #expect(outcome.resolved.map(\.id) == ["a1"])
    }

    @Test func panelAlertClearsAfterGoodCycles() {
        var engine = AlertEngine()
        _ = engine.evaluate(F.facts([], panel: .unreachable(detail: "connection refused")), now: F.at(0))
        #expect(engine.evaluate(F.facts([]), now: F.at(60)).resolved.isEmpty)
        let outcome = engine.evaluate(F.facts([]), now: F.at(120))
        #expect(outcome.resolved.map(\.key) == [AlertKey(kind: .panelUnreachable, subject: .panel)])
    }

    @Test func vanishedServerResolvesAfterGoodCycles() {
        var engine = engineWithCPUAlert()
        // The panel is down: the server list says nothing, so its absence means nothing.
        _ = engine.run(F.facts([], panel: .unreachable(detail: "timeout")), from: 360, through: 600)
        #expect(engine.openAlerts.map(\.key).contains(F.cpuKey("s1")))
        // The panel answers without s1: gone, cleared after two cycles.
        #expect(engine.evaluate(F.facts([]), now: F.at(660)).resolved.map(\.id).contains("a1") == false)
        let outcome = engine.evaluate(F.facts([]), now: F.at(720))
        #expect(outcome.resolved.map(\.id).contains("a1"))
        #expect(engine.openAlerts.isEmpty)
    }

    @Test func vanishedNodeResolvesOnlyWhenNodesAreKnown() {
        var engine = AlertEngine()
        _ = engine.evaluate(F.facts([], nodes: [F.node("n9", memoryMiB: 32000)]), now: F.at(0))
        _ = engine.run(F.facts([], nodes: nil), from: 60, through: 300)
        #expect(engine.openAlerts.count == 1)
        _ = engine.evaluate(F.facts([], nodes: []), now: F.at(360))
        let outcome = engine.evaluate(F.facts([], nodes: []), now: F.at(420))
        #expect(outcome.resolved.map(\.key) == [AlertKey(kind: .nodeMemoryAllocated, subject: .node(name: "n9"))])
    }

    @Test func figureUpdatesOnlyWhenItMovesEnough() throws {
        var engine = engineWithCPUAlert()
        let small = engine.evaluate(F.facts([F.server("s1", cpu: 96)]), now: F.at(360))
        #expect(small.updated.isEmpty)
        #expect(engine.alert(id: "a1")?.summary == "CPU at 93% of its limit")
        let big = engine.evaluate(F.facts([F.server("s1", cpu: 99)]), now: F.at(420))
        let alert = try #require(big.updated.first)
        #expect(alert.id == "a1")
        #expect(alert.figure == 99)
        #expect(alert.summary == "CPU at 99% of its limit")
    }

    @Test func nodeAllocationClearsWithHysteresis() throws {
        var engine = AlertEngine()
        func disk(_ allocatedMiB: Int) -> AlertCycleFacts {
            F.facts([], nodes: [NodeFacts(name: "n1", diskAllocatedMiB: allocatedMiB, diskCapacityMiB: 1_024_000)])
        }
        let opened = try #require(engine.evaluate(disk(983_040), now: F.at(0)).opened.first)
        #expect(opened.key == AlertKey(kind: .nodeDiskAllocated, subject: .node(name: "n1")))
        #expect(opened.summary == "disk allocated 96% of capacity (960 of 1000 GiB)")
        // 88 % is inside the band (95 − 10 … 95): two such cycles are needed.
        #expect(engine.evaluate(disk(901_120), now: F.at(60)).resolved.isEmpty)
        #expect(engine.evaluate(disk(901_120), now: F.at(120)).resolved.map(\.id) == [opened.id])
        // Back up and then far below the band: clears at once.
        let again = try #require(engine.evaluate(disk(983_040), now: F.at(180)).reopened.first)
        #expect(again.id == opened.id)
        #expect(engine.evaluate(disk(819_200), now: F.at(240)).resolved.map(\.id) == [opened.id])
    }

    @Test func openStopAlertFollowsANewCause() throws {
        var engine = AlertEngine()
        _ = engine.evaluate(F.facts([F.server("s1", state: .offline, stop: .causeUnknown)]), now: F.at(0))
        _ = engine.evaluate(F.facts([F.server("s1")]), now: F.at(60))
        // It crashed again before two good cycles: the same alert, now critical with the new wording.
        let outcome = engine.evaluate(F.facts([F.server("s1", state: .offline, stop: .crashed)]), now: F.at(120))
        let alert = try #require(outcome.updated.first)
        #expect(outcome.opened.isEmpty)
        #expect(alert.id == "a1")
        #expect(alert.severity == .critical)
        #expect(alert.summary == "stopped unexpectedly (no power action in the activity log)")
    }
}
