import Alerting
import PanelCore
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What Discord is told, in which order, and what survives an outage.
struct AlertOutboxTests {
    typealias F = Fixture

    static let ref1 = AlertMessageRef(channelID: "100", messageID: "9001")
    static let ref2 = AlertMessageRef(channelID: "100", messageID: "9002")

    /// An engine and an outbox fed together, as the bot does.
    struct Harness {
        var engine = AlertEngine()
        var outbox = AlertOutbox()

        @discardableResult
        mutating func cycle(_ facts: AlertCycleFacts, at t: Int) -> AlertCycleOutcome {
            let outcome = engine.evaluate(facts, now: F.at(t))
            outbox.enqueue(outcome, now: F.at(t))
            return outcome
        }

        /// Delivers everything waiting, giving posts the references in order.
        mutating func deliverAll(refs: [AlertMessageRef] = [ref1, ref2]) -> [AlertNotice.Action] {
            var refs = refs[...]
            var sent: [AlertNotice.Action] = []
            while let notice = outbox.next {
                sent.append(notice.action)
                if case .post = notice.action {
                    outbox.delivered(notice, ref: refs.popFirst())
                } else {
                    outbox.delivered(notice, ref: nil)
                }
            }
            return sent
        }
    }

    static func crashed(_ ids: [String]) -> AlertCycleFacts {
        F.facts(ids.map { F.server($0, state: .offline, stop: .crashed) })
    }

    static func running(_ ids: [String]) -> AlertCycleFacts {
        F.facts(ids.map { F.server($0) })
    }

    @Test func burstOfFortyIsOnePost() throws {
        var harness = Harness()
        let ids = (1...40).map { "s\($0)" }
        harness.cycle(Self.crashed(ids), at: 0)
        #expect(harness.outbox.pending.count == 1)
        let notice = try #require(harness.outbox.next)
        guard case .post(let alertIDs) = notice.action else {
            Issue.record("expected a post, got \(notice.action)")
            return
        }
        #expect(alertIDs.count == 40)
        #expect(Set(alertIDs) == Set((1...40).map { "a\($0)" }))
        #expect(harness.outbox.alerts(for: notice).count == 40)
        #expect(harness.outbox.mentionsDue(for: notice))

        harness.outbox.delivered(notice, ref: Self.ref1)
        #expect(harness.outbox.next == nil)
        #expect(harness.outbox.messageRef(ofAlert: "a17") == Self.ref1)
        #expect(harness.outbox.messageRef(ofAlert: "a40") == Self.ref1)
    }

    @Test func resolutionEditsTheMessageAndRepliesOncePerMessage() {
        var harness = Harness()
        harness.cycle(Self.crashed(["s1", "s2", "s3"]), at: 0)
        _ = harness.deliverAll()
        harness.cycle(Self.running(["s1", "s2", "s3"]), at: 60)
        harness.cycle(Self.running(["s1", "s2", "s3"]), at: 120)
        let actions = harness.outbox.pending.map(\.action)
        #expect(actions == [.edit(messageOf: "a1"), .recoveryReply(alertIDs: ["a1", "a2", "a3"])])
        #expect(harness.outbox.messageRef(for: harness.outbox.pending[1]) == Self.ref1)
        #expect(harness.outbox.alerts(for: harness.outbox.pending[0]).allSatisfy { !$0.isOpen })
        #expect(!harness.outbox.mentionsDue(for: harness.outbox.pending[1]))
    }

    @Test func discordOutageQueuesNoticesInOrder() {
        var harness = Harness()
        harness.cycle(Self.crashed(["s1"]), at: 0)
        // Discord is down: nothing is delivered, the post stays at the head.
        harness.cycle(Self.running(["s1"]), at: 60)
        harness.cycle(Self.running(["s1"]), at: 120)  // a1 resolves
        harness.cycle(F.facts([F.server("s1"), F.server("s2", state: .offline, stop: .crashed)]), at: 180)
        let pending = harness.outbox.pending
        #expect(pending.map(\.id) == ["n1", "n2", "n3", "n4"])
        #expect(
            pending.map(\.action) == [
                .post(alertIDs: ["a1"]),
                .edit(messageOf: "a1"),
                .recoveryReply(alertIDs: ["a1"]),
                .post(alertIDs: ["a2"]),
            ]
        )
        // The edit of a1 has no message yet: it waits behind its post.
        #expect(harness.outbox.messageRef(for: pending[1]) == nil)
        // Nobody is pinged for an alert that resolved while Discord was away.
        #expect(!harness.outbox.mentionsDue(for: pending[0]))
        #expect(harness.outbox.mentionsDue(for: pending[3]))

        // Discord is back: everything comes out in order, and the edit knows its message by then.
        var sent: [String] = []
        while let notice = harness.outbox.next {
            sent.append(notice.id)
            if case .edit = notice.action { #expect(harness.outbox.messageRef(for: notice) == Self.ref1) }
            harness.outbox.delivered(notice, ref: notice.id == "n1" ? Self.ref1 : Self.ref2)
        }
        #expect(sent == ["n1", "n2", "n3", "n4"])
        #expect(harness.outbox.messageRef(ofAlert: "a2") == Self.ref2)
    }

    @Test func noticesWaitingBehindAPostDoNotRepeatIt() {
        var harness = Harness()
        harness.cycle(Self.crashed(["s1"]), at: 0)
        harness.cycle(
            F.facts([F.server("s1", state: .offline), F.server("s2", state: .offline, stop: .crashed)]),
            at: 10
        )
        // a2 resolves while its post still waits behind n1: the post will show it resolved, no edit or reply.
        harness.cycle(F.facts([F.server("s1", state: .offline), F.server("s2")]), at: 20)
        let outcome = harness.cycle(F.facts([F.server("s1", state: .offline), F.server("s2")]), at: 30)
        #expect(outcome.resolved.map(\.id) == ["a2"])
        let pending = harness.outbox.pending
        #expect(pending.map(\.action) == [.post(alertIDs: ["a1"]), .post(alertIDs: ["a2"])])
        #expect(harness.outbox.alerts(for: pending[1]).first?.resolvedAt == F.at(30))
        #expect(!harness.outbox.mentionsDue(for: pending[1]))
    }

    @Test func editsOfOneMessageCoalesce() {
        var harness = Harness()
        harness.cycle(Self.crashed(["s1", "s2", "s3"]), at: 0)
        _ = harness.deliverAll()
        // Discord goes down. Three acknowledgements of alerts in one message: the head may already be on its
        // way, so one more edit queues behind it, and the third joins that one.
        for id in ["a1", "a2", "a3"] {
            if let alert = harness.engine.acknowledge(alertID: id, by: "alice", at: F.at(30)) {
                harness.outbox.enqueueAcknowledgement(of: alert)
            }
        }
        #expect(harness.outbox.pending.map(\.action) == [.edit(messageOf: "a1"), .edit(messageOf: "a2")])
        #expect(
            harness.outbox.alerts(for: harness.outbox.pending[1]).map(\.acknowledgedBy) == [
                "alice", "alice", "alice",
            ]
        )
    }

    @Test func reopenEditsTheMessageAndMentionsOnlyWhenUnacknowledged() {
        var harness = Harness()
        harness.cycle(Self.crashed(["s1", "s2"]), at: 0)
        _ = harness.deliverAll()
        if let alert = harness.engine.acknowledge(alertID: "a1", by: "alice", at: F.at(5)) {
            harness.outbox.enqueueAcknowledgement(of: alert)
        }
        harness.cycle(Self.running(["s1", "s2"]), at: 60)
        harness.cycle(Self.running(["s1", "s2"]), at: 120)
        _ = harness.deliverAll()

        let outcome = harness.cycle(Self.crashed(["s1", "s2"]), at: 300)
        #expect(outcome.reopened.map(\.id) == ["a1", "a2"])
        let pending = harness.outbox.pending
        #expect(pending.map(\.action) == [.edit(messageOf: "a1"), .repeatReply(alertIDs: ["a2"])])
        #expect(harness.outbox.mentionsDue(for: pending[1]))
        #expect(harness.outbox.messageRef(for: pending[1]) == Self.ref1)
        #expect(harness.outbox.alerts(for: pending[0]).map(\.repeatCount) == [1, 1])
    }

    @Test func acknowledgedAlertsNoLongerMention() throws {
        var harness = Harness()
        harness.cycle(Self.crashed(["s1"]), at: 0)
        let post = try #require(harness.outbox.next)
        #expect(harness.outbox.mentionsDue(for: post))
        if let alert = harness.engine.acknowledge(alertID: "a1", by: "alice", at: F.at(5)) {
            harness.outbox.enqueueAcknowledgement(of: alert)
        }
        // Acknowledged before Discord took the post: the post is rendered without the ping.
        #expect(!harness.outbox.mentionsDue(for: post))
    }

    @Test func deletedMessageDismissesItsAlertsUntilTheyFireAgain() throws {
        var harness = Harness()
        harness.cycle(Self.crashed(["s1"]), at: 0)
        _ = harness.deliverAll()
        harness.cycle(Self.running(["s1"]), at: 60)
        harness.cycle(Self.running(["s1"]), at: 120)
        // Someone deleted the message: Discord refuses the edit.
        let edit = try #require(harness.outbox.next)
        #expect(edit.action == .edit(messageOf: "a1"))
        harness.outbox.dropped(edit)
        #expect(harness.outbox.next == nil)  // the recovery reply went with it
        #expect(harness.outbox.messageRef(ofAlert: "a1") == nil)

        let outcome = harness.cycle(Self.crashed(["s1"]), at: 240)
        #expect(outcome.reopened.map(\.id) == ["a1"])
        #expect(harness.outbox.pending.map(\.action) == [.post(alertIDs: ["a1"])])
        #expect(harness.outbox.alerts(for: harness.outbox.pending[0]).first?.repeatCount == 1)
    }

    @Test func messagesAreForgottenAfterTheRepostInterval() throws {
        var harness = Harness()
        harness.cycle(Self.crashed(["s1"]), at: 0)
        _ = harness.deliverAll()
        harness.cycle(Self.running(["s1"]), at: 60)
        harness.cycle(Self.running(["s1"]), at: 120)  // resolved at 120
        _ = harness.deliverAll()
        harness.cycle(Self.running(["s1"]), at: 719)
        #expect(harness.outbox.messageRef(ofAlert: "a1") == Self.ref1)
        harness.cycle(Self.running(["s1"]), at: 720)
        #expect(harness.outbox.messageRef(ofAlert: "a1") == nil)
        let shape = try OutboxShape(harness.outbox.state)
        #expect(shape.notices.isEmpty)
        #expect(shape.messages.isEmpty)
        #expect(shape.alerts.isEmpty)
    }

    @Test func messageWithAnOpenAlertIsKept() {
        var harness = Harness()
        harness.cycle(Self.crashed(["s1", "s2"]), at: 0)
        _ = harness.deliverAll()
        harness.cycle(F.facts([F.server("s1"), F.server("s2", state: .offline)]), at: 60)
        harness.cycle(F.facts([F.server("s1"), F.server("s2", state: .offline)]), at: 120)
        _ = harness.deliverAll()
        harness.cycle(F.facts([F.server("s1"), F.server("s2", state: .offline)]), at: 3600)
        // a1 resolved an hour ago and the engine forgot it, but the message still lists it next to a2.
        #expect(harness.engine.alert(id: "a1") == nil)
        #expect(harness.outbox.messageRef(ofAlert: "a1") == Self.ref1)
        harness.cycle(F.facts([F.server("s1"), F.server("s2")]), at: 3660)
        harness.cycle(F.facts([F.server("s1"), F.server("s2")]), at: 3720)
        let edit = harness.outbox.pending.first
        #expect(edit?.action == .edit(messageOf: "a2"))
        #expect(edit.map { harness.outbox.alerts(for: $0).map(\.id) } == ["a1", "a2"])
    }

    @Test func outageAcrossARestartDeliversInOrder() throws {
        var harness = Harness()
        harness.cycle(Self.crashed(["s1"]), at: 0)
        harness.cycle(Self.running(["s1"]), at: 60)
        harness.cycle(Self.running(["s1"]), at: 120)
        let before = harness.outbox.pending
        #expect(before.count == 3)

        let encoder = JSONEncoder()
        let engineState = try JSONDecoder().decode(AlertEngineState.self, from: encoder.encode(harness.engine.state))
        let outboxState = try JSONDecoder().decode(AlertOutboxState.self, from: encoder.encode(harness.outbox.state))
        var restarted = Harness(
            engine: AlertEngine(restoring: engineState),
            outbox: AlertOutbox(restoring: outboxState)
        )
        #expect(restarted.outbox.pending == before)
        let sent = restarted.deliverAll()
        #expect(sent == [.post(alertIDs: ["a1"]), .edit(messageOf: "a1"), .recoveryReply(alertIDs: ["a1"])])
        // New notices after the restart continue the numbering.
        restarted.cycle(Self.crashed(["s2"]), at: 180)
        #expect(restarted.outbox.next?.id == "n4")
    }

    @Test func alertsInMessageOfListsTheWholeGroup() {
        var harness = Harness()
        harness.cycle(Self.crashed(["s1", "s2"]), at: 0)
        #expect(harness.outbox.alerts(inMessageOf: "a2").map(\.id) == ["a1", "a2"])
        #expect(harness.outbox.alerts(inMessageOf: "a9").isEmpty)
    }
}

/// The shape of an encoded outbox state, to check what it still remembers.
struct OutboxShape: Decodable {
    struct Message: Decodable { var id: String }
    var notices: [AlertNotice]
    var messages: [Message]
    var alerts: [Alert]

    init(_ state: AlertOutboxState) throws {
        self = try JSONDecoder().decode(OutboxShape.self, from: JSONEncoder().encode(state))
    }
}
