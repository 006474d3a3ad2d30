import Alerting
import PanelCore
import Testing

/// Several panels: each has its own panel alerts, and a panel that is down inhibits its own nodes and servers only.
struct AlertEngineMultiPanelTests {
    typealias F = Fixture

    static let homeDown = PanelCycleFacts(
        name: "home",
        displayName: "home",
        status: .unreachable(detail: "connection refused")
    )
    static let homeUp = PanelCycleFacts(name: "home", displayName: "home", status: .answering)
    static let defaultUp = PanelCycleFacts(name: nil, displayName: "panel.example.net", status: .answering)

    static let homeUnreachable = AlertKey(kind: .panelUnreachable, subject: .namedPanel("home"))

    /// The default panel's `s1` on `n1` and home's `home:v1` on `home: n1`, both crashed, with both nodes listed.
    static func crashes(home: PanelCycleFacts, homeNode: NodeReachability = .reachable) -> AlertCycleFacts {
        AlertCycleFacts(
            panels: [defaultUp, home],
            nodes: [F.node("n1"), NodeFacts(name: "home: n1", panel: "home", reachability: homeNode)],
            servers: [
                F.server("s1", state: .offline, stop: .crashed),
                F.server("home:v1", name: "Vikings", node: "home: n1", state: .offline, stop: .crashed),
            ]
        )
    }

    @Test func oneDownPanelAlertsForItselfAndInhibitsOnlyItsNodesAndServers() throws {
        var engine = AlertEngine()
        let facts = Self.crashes(home: Self.homeDown, homeNode: .unreachable(since: F.at(0)))
        let outcome = engine.evaluate(facts, now: F.at(0))
        #expect(outcome.opened.map(\.key.description) == ["panelUnreachable@panel:home", "serverStopped@server:s1"])
        let panel = try #require(outcome.opened.first)
        #expect(panel.subjectName == "home")
        #expect(panel.summary == "panel home unreachable: connection refused")
        #expect(panel.severity == .critical)
    }

    @Test func recoveryClearsOnlyTheDownPanel() {
        var engine = AlertEngine()
        _ = engine.evaluate(Self.crashes(home: Self.homeDown), now: F.at(0))
        let back = Self.crashes(home: Self.homeUp)
        let first = engine.evaluate(back, now: F.at(60))
        // Home answers again: its own server's crash is news now, the panel alert counts good cycles.
        #expect(first.opened.map(\.key.description) == ["serverStopped@server:home:v1"])
        #expect(first.resolved.isEmpty)
        let second = engine.evaluate(back, now: F.at(120))
        #expect(second.resolved.map(\.key) == [Self.homeUnreachable])
        #expect(
            engine.openAlerts.map(\.key.description) == ["serverStopped@server:s1", "serverStopped@server:home:v1"]
        )
    }

    @Test func downPanelNeitherClearsNorForgetsItsOpenServerAlerts() {
        var engine = AlertEngine()
        _ = engine.evaluate(Self.crashes(home: Self.homeUp), now: F.at(0))
        #expect(engine.openAlerts.count == 2)
        // Home goes down and its server drops out of the list: not gone, just not known.
        let down = AlertCycleFacts(
            panels: [Self.defaultUp, Self.homeDown],
            nodes: [F.node("n1")],
            servers: [F.server("s1", state: .offline)]
        )
        let outcomes = engine.run(down, from: 60, through: 600)
        #expect(outcomes.allSatisfy { $0.resolved.isEmpty })
        #expect(
            engine.openAlerts.map(\.key.description) == [
                "serverStopped@server:home:v1", "serverStopped@server:s1", "panelUnreachable@panel:home",
            ]
        )
    }

    @Test func bothPanelsDownRaiseOneAlertEachAndNothingElse() {
        var engine = AlertEngine()
        var facts = Self.crashes(home: Self.homeDown)
        facts.panels[0].status = .keyRefused(detail: "HTTP 401")
        let outcome = engine.evaluate(facts, now: F.at(0))
        #expect(outcome.opened.map(\.key.description) == ["panelKeyRefused@panel", "panelUnreachable@panel:home"])
        #expect(outcome.opened.first?.subjectName == "panel.example.net")
        #expect(outcome.opened.first?.summary == "panel panel.example.net refuses the bot's API key: HTTP 401")
    }

    @Test func anOpenPanelAlertKeepsInhibitingWhileThePanelIsMissingFromTheFacts() {
        var engine = AlertEngine()
        _ = engine.evaluate(Self.crashes(home: Self.homeDown), now: F.at(0))
        // After a restart home lists nothing and has no facts: its alert stays open, its servers stay inhibited.
        let unknown = AlertCycleFacts(
            panels: [Self.defaultUp],
            nodes: [F.node("n1")],
            servers: [F.server("s1", state: .offline), F.server("home:v1", state: .offline, stop: .crashed)]
        )
        let outcomes = engine.run(unknown, from: 60, through: 600)
        #expect(outcomes.allSatisfy { $0.opened.isEmpty && $0.resolved.isEmpty })
        #expect(engine.openAlerts.map(\.key) == [Self.homeUnreachable, F.stoppedKey("s1")])
    }

    @Test func aPanelWithoutFactsOrAlertIsEvaluatedAsUsual() {
        var engine = AlertEngine()
        let facts = AlertCycleFacts(
            panels: [Self.defaultUp],
            nodes: nil,
            servers: [F.server("home:v1", node: nil, state: .offline, stop: .crashed)]
        )
        #expect(engine.evaluate(facts, now: F.at(0)).opened.map(\.key) == [F.stoppedKey("home:v1")])
    }

    @Test func panelKeysAreStableAndReadBack() throws {
        #expect(Self.homeUnreachable.description == "panelUnreachable@panel:home")
        #expect(AlertSubject(text: "panel:home") == .namedPanel("home"))
        #expect(AlertSubject(text: "panel") == .panel)
        #expect(AlertSubject(text: "panel:") == nil)
        #expect(AlertSubject.panel(named: nil) == .panel)
        #expect(AlertSubject.panel(named: "home") == .namedPanel("home"))
        #expect(AlertSubject.panel < .namedPanel("a"))
        #expect(AlertSubject.namedPanel("z") < .node(name: "a"))
    }
}
