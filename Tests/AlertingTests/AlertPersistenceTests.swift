import Alerting
import PanelCore
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The engine's and outbox's states survive a restart, and files from newer versions still load.
struct AlertPersistenceTests {
    typealias F = Fixture

    static func roundTrip<T: Codable>(_ value: T) throws -> T {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try JSONDecoder().decode(T.self, from: encoder.encode(value))
    }

    @Test func restartKeepsOpenAlertsAndPendingTimersWithoutReposting() throws {
        var engine = AlertEngine()
        var outbox = AlertOutbox()
        let crash = F.facts([F.server("s1", state: .offline, stop: .crashed), F.server("s2", cpu: 95)])
        outbox.enqueue(engine.evaluate(crash, now: F.at(0)), now: F.at(0))
        let post = try #require(outbox.next)
        outbox.delivered(post, ref: AlertMessageRef(channelID: "1", messageID: "2"))
        _ = engine.run(F.facts([F.server("s1", state: .offline), F.server("s2", cpu: 95)]), from: 60, through: 120)

        // Restart: both states through JSON.
        let engineState = try Self.roundTrip(engine.state)
        let outboxState = try Self.roundTrip(outbox.state)
        #expect(engineState == engine.state)
        #expect(outboxState == outbox.state)
        var restored = AlertEngine(restoring: engineState)
        var restoredOutbox = AlertOutbox(restoring: outboxState)

        // Still offline after the restart: no new alert, no new post.
        let quiet = F.facts([F.server("s1", state: .offline), F.server("s2", cpu: 95)])
        let first = restored.evaluate(quiet, now: F.at(180))
        restoredOutbox.enqueue(first, now: F.at(180))
        #expect(first.opened.isEmpty)
        #expect(first.openAlerts.map(\.id) == ["a1"])
        #expect(restoredOutbox.next == nil)
        // The CPU sustain timer that started before the restart still counts from t=0.
        _ = restored.run(quiet, from: 240, through: 240)
        let cpu = restored.evaluate(quiet, now: F.at(300))
        restoredOutbox.enqueue(cpu, now: F.at(300))
        #expect(cpu.opened.map(\.key) == [F.cpuKey("s2")])
        #expect(cpu.opened.first?.conditionSince == F.at(0))
        #expect(cpu.opened.first?.id == "a2")

        // It resolves later, and the edit goes to the message posted before the restart.
        let up = F.facts([F.server("s1"), F.server("s2", cpu: 95)])
        restoredOutbox.enqueue(restored.evaluate(up, now: F.at(360)), now: F.at(360))
        let resolved = restored.evaluate(up, now: F.at(420))
        restoredOutbox.enqueue(resolved, now: F.at(420))
        #expect(resolved.resolved.map(\.id) == ["a1"])
        let actions = restoredOutbox.pending.map(\.action)
        #expect(
            actions == [
                .post(alertIDs: ["a2"]), .edit(messageOf: "a1"), .recoveryReply(alertIDs: ["a1"]),
            ]
        )
        #expect(
            restoredOutbox.messageRef(for: restoredOutbox.pending[1]) == AlertMessageRef(channelID: "1", messageID: "2")
        )
    }

    @Test func restartMidCountKeepsGoodCycles() throws {
        var engine = AlertEngine()
        _ = engine.evaluate(F.facts([F.server("s1", state: .offline, stop: .crashed)]), now: F.at(0))
        _ = engine.evaluate(F.facts([F.server("s1")]), now: F.at(60))
        var restored = AlertEngine(restoring: try Self.roundTrip(engine.state))
        let outcome = restored.evaluate(F.facts([F.server("s1")]), now: F.at(120))
        #expect(outcome.resolved.map(\.id) == ["a1"])
    }

    @Test func unknownKindsInAFileAreDropped() throws {
        let json = #"""
            {
              "nextAlertNumber": 4,
              "alerts": [
                {"id": "a1", "key": {"kind": "serverStopped", "subject": "server:abcd1234"},
                 "severity": "critical", "subjectName": "Lobby", "summary": "stopped unexpectedly",
                 "conditionSince": 0, "firedAt": 0, "repeatCount": 0},
                {"id": "a2", "key": {"kind": "serverTemperature", "subject": "server:abcd1234"},
                 "severity": "warning", "subjectName": "Lobby", "summary": "hot", "figure": 71,
                 "conditionSince": 0, "firedAt": 0, "repeatCount": 0, "newField": true},
                {"id": "a3", "key": {"kind": "nodeUnreachable", "subject": "node:eu:1"},
                 "severity": "critical", "subjectName": "eu:1", "summary": "node unreachable",
                 "conditionSince": 0, "firedAt": 60, "repeatCount": 2}
              ],
              "tracks": [
                {"key": {"kind": "serverCPU", "subject": "server:abcd1234"}, "pendingSince": 30, "goodCycles": 0},
                {"key": {"kind": "playerCount", "subject": "server:abcd1234"}, "goodCycles": 1}
              ]
            }
            """#
        let state = try JSONDecoder().decode(AlertEngineState.self, from: Data(json.utf8))
        #expect(state.alerts.map(\.id) == ["a1", "a3"])
        #expect(state.alerts[1].key == AlertKey(kind: .nodeUnreachable, subject: .node(name: "eu:1")))
        #expect(state.alerts[1].repeatCount == 2)

        var engine = AlertEngine(restoring: state)
        // The kept track is real: the CPU timer started at t=30 (reference date) and fires once sustained.
        let facts = AlertCycleFacts(
            panel: .answering,
            nodes: nil,
            servers: [F.server("abcd1234", state: .offline, cpu: 90)]
        )
        let outcome = engine.evaluate(facts, now: Date(timeIntervalSinceReferenceDate: 330))
        #expect(outcome.opened.map(\.id) == ["a4"])
        #expect(outcome.opened.first?.conditionSince == Date(timeIntervalSinceReferenceDate: 30))
    }

    @Test func aPanelAlertSavedBeforeSeveralPanelsMeansTheDefaultPanel() throws {
        // alerts.json as the one-panel bot writes it: subject "panel", without a name.
        let engineJSON = #"""
            {
              "nextAlertNumber": 2,
              "alerts": [
                {"id": "a1", "key": {"kind": "panelUnreachable", "subject": "panel"},
                 "severity": "critical", "subjectName": "the panel",
                 "summary": "panel unreachable: connection refused",
                 "conditionSince": 0, "firedAt": 0, "repeatCount": 0}
              ],
              "tracks": []
            }
            """#
        let outboxJSON = #"""
            {
              "nextNoticeNumber": 2, "notices": [],
              "messages": [{"id": "n1", "alertIDs": ["a1"], "ref": {"channelID": "1", "messageID": "2"}}],
              "alerts": [
                {"id": "a1", "key": {"kind": "panelUnreachable", "subject": "panel"},
                 "severity": "critical", "subjectName": "the panel",
                 "summary": "panel unreachable: connection refused",
                 "conditionSince": 0, "firedAt": 0, "repeatCount": 0}
              ]
            }
            """#
        let state = try JSONDecoder().decode(AlertEngineState.self, from: Data(engineJSON.utf8))
        let key = AlertKey(kind: .panelUnreachable, subject: .panel)
        #expect(state.alerts.map(\.key) == [key])
        #expect(try Self.roundTrip(state) == state)
        var engine = AlertEngine(restoring: state)
        var outbox = AlertOutbox(
            restoring: try JSONDecoder().decode(AlertOutboxState.self, from: Data(outboxJSON.utf8))
        )

        // A second panel was added: the default panel, still down, keeps its alert (now named after its host).
        func facts(_ status: PanelFacts) -> AlertCycleFacts {
            AlertCycleFacts(
                panels: [
                    PanelCycleFacts(name: nil, displayName: "panel.example.net", status: status),
                    PanelCycleFacts(name: "home", displayName: "home", status: .answering),
                ],
                nodes: nil,
                servers: [F.server("home:v1", node: nil)]
            )
        }
        let down = engine.evaluate(facts(.unreachable(detail: "connection refused")), now: F.at(0))
        outbox.enqueue(down, now: F.at(0))
        #expect(down.opened.isEmpty)
        #expect(down.updated.map(\.id) == ["a1"])
        #expect(down.updated.first?.subjectName == "panel.example.net")
        #expect(outbox.pending.map(\.action) == [.edit(messageOf: "a1")])

        // It answers again: the recovery goes to the alert saved before the change.
        _ = engine.evaluate(facts(.answering), now: F.at(60))
        let back = engine.evaluate(facts(.answering), now: F.at(120))
        outbox.enqueue(back, now: F.at(120))
        #expect(back.resolved.map(\.id) == ["a1"])
        #expect(back.resolved.first?.key == key)
        #expect(outbox.pending.last?.action == .recoveryReply(alertIDs: ["a1"]))
        #expect(
            outbox.messageRef(for: try #require(outbox.pending.last)) == AlertMessageRef(channelID: "1", messageID: "2")
        )
    }

    @Test func aNamedPanelAlertRoundTrips() throws {
        var engine = AlertEngine()
        let facts = AlertCycleFacts(
            panels: [
                PanelCycleFacts(name: nil, displayName: "panel.example.net", status: .answering),
                PanelCycleFacts(name: "home", displayName: "home", status: .unreachable(detail: "timeout")),
            ],
            nodes: nil,
            servers: [F.server("s1", node: nil), F.server("home:v1", node: nil)]
        )
        _ = engine.evaluate(facts, now: F.at(0))
        let encoded = String(decoding: try JSONEncoder().encode(engine.state), as: UTF8.self)
        #expect(encoded.contains(#""subject":"panel:home""#))
        var restored = AlertEngine(restoring: try Self.roundTrip(engine.state))
        #expect(restored.state == engine.state)
        #expect(restored.evaluate(facts, now: F.at(60)).isQuiet)
    }

    @Test func otherDamageInAFileStillFails() {
        let json = #"""
            {"nextAlertNumber": 2, "tracks": [],
             "alerts": [{"id": "a1", "key": {"kind": "serverStopped", "subject": "planet:mars"},
                         "severity": "critical", "subjectName": "x", "summary": "x",
                         "conditionSince": 0, "firedAt": 0, "repeatCount": 0}]}
            """#
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(AlertEngineState.self, from: Data(json.utf8))
        }
    }

    @Test func outboxDropsAlertsOfUnknownKinds() throws {
        var engine = AlertEngine()
        var outbox = AlertOutbox()
        outbox.enqueue(
            engine.evaluate(F.facts([F.server("s1", state: .offline, stop: .crashed)]), now: F.at(0)),
            now: F.at(0)
        )
        let encoded = String(decoding: try JSONEncoder().encode(outbox.state), as: UTF8.self)
        let renamed = encoded.replacing("serverStopped", with: "serverExploded")
        #expect(renamed != encoded)
        let state = try JSONDecoder().decode(AlertOutboxState.self, from: Data(renamed.utf8))
        let restored = AlertOutbox(restoring: state)
        let post = try #require(restored.next)
        #expect(post.action == .post(alertIDs: ["a1"]))
        #expect(restored.alerts(for: post).isEmpty)
    }
}
