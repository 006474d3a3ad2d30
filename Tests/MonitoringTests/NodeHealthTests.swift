import Monitoring
import PanelCore
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Node health inferred from one cycle's server answers, and its start time kept across cycles.
@Suite struct NodeHealthTests {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    /// How one server's poll ended.
    enum Outcome {
        case answered(ServerState)
        case failed(PanelFailure.Kind)
    }

    static func server(_ id: String, on node: String?, _ outcome: Outcome) -> ServerObservation {
        let server = GameServer(id: ServerID(id), name: id, nodeName: node)
        switch outcome {
        case .answered(let state):
            return ServerObservation(server: server, state: state)
        case .failed(let kind):
            let failure = PanelFailure(kind, detail: "test")
            return ServerObservation(server: server, state: failure.derivedState ?? .unknown, failure: failure)
        }
    }

    static func at(_ seconds: Int) -> Date { start.addingTimeInterval(TimeInterval(seconds)) }

    // MARK: - One cycle

    @Test func nodeWithOneAnsweringServerIsReachable() {
        let verdicts = NodeVerdict.infer(
            nodeNames: ["a", "b"],
            servers: [
                Self.server("a1", on: "a", .failed(.nodeUnreachable)),
                Self.server("a2", on: "a", .answered(.running)),
                Self.server("b1", on: "b", .answered(.offline)),
            ]
        )
        #expect(verdicts == ["a": .reachable, "b": .reachable])
    }

    @Test func nodeWhoseServersAllGet504IsUnreachableWhileAnotherNodeAnswers() {
        let verdicts = NodeVerdict.infer(
            nodeNames: ["a", "b"],
            servers: [
                Self.server("a1", on: "a", .failed(.nodeUnreachable)),
                Self.server("a2", on: "a", .failed(.nodeUnreachable)),
                Self.server("b1", on: "b", .answered(.running)),
            ]
        )
        #expect(verdicts == ["a": .unreachable, "b": .reachable])
    }

    @Test func singleNodeWhoseServersAllGet504IsUnreachable() {
        // Nothing to compare with: the 504 is the panel itself answering, so it is not a panel outage.
        let verdicts = NodeVerdict.infer(
            nodeNames: ["solo"],
            servers: [Self.server("s1", on: "solo", .failed(.nodeUnreachable))]
        )
        #expect(verdicts == ["solo": .unreachable])
    }

    @Test func otherNodesWithNothingCheckableCountAsNothingToCompare() {
        let verdicts = NodeVerdict.infer(
            nodeNames: ["a", "b", "empty"],
            servers: [
                Self.server("a1", on: "a", .failed(.nodeUnreachable)),
                Self.server("b1", on: "b", .failed(.serverBusy(.suspended))),
            ]
        )
        #expect(verdicts == ["a": .unreachable, "b": .unknown(.inconclusive), "empty": .unknown(.noServers)])
    }

    @Test func everyCheckedNodeGetting504BlamesNoNode() {
        let verdicts = NodeVerdict.infer(
            nodeNames: ["a", "b"],
            servers: [
                Self.server("a1", on: "a", .failed(.nodeUnreachable)),
                Self.server("b1", on: "b", .failed(.nodeUnreachable)),
            ]
        )
        #expect(verdicts == ["a": .unknown(.noNodeAnswered), "b": .unknown(.noNodeAnswered)])
    }

    @Test func panelOutageIsNotANodeOutage() {
        let outage = PanelFailure(.panelUnreachable, detail: "connection refused")
        let verdicts = NodeVerdict.infer(
            nodeNames: ["a", "b", "empty"],
            servers: [
                Self.server("a1", on: "a", .failed(.panelUnreachable)),
                Self.server("b1", on: "b", .failed(.panelUnreachable)),
            ],
            listFailure: outage
        )
        #expect(
            verdicts == [
                "a": .unknown(.panelUnreachable), "b": .unknown(.panelUnreachable),
                "empty": .unknown(.panelUnreachable),
            ]
        )
    }

    @Test func panelTimeoutsOnOneNodeLeaveItUnknown() {
        let verdicts = NodeVerdict.infer(
            nodeNames: ["a", "b"],
            servers: [
                Self.server("a1", on: "a", .failed(.panelUnreachable)),
                Self.server("b1", on: "b", .answered(.running)),
            ]
        )
        #expect(verdicts == ["a": .unknown(.panelUnreachable), "b": .reachable])
    }

    @Test func answersThatSayNothingAboutTheNodeAreLeftOut() {
        // A suspended server gets the panel's 409 without the panel asking Wings; a refused key says nothing.
        let verdicts = NodeVerdict.infer(
            nodeNames: ["a", "b", "c"],
            servers: [
                Self.server("a1", on: "a", .failed(.nodeUnreachable)),
                Self.server("a2", on: "a", .failed(.serverBusy(.suspended))),
                Self.server("b1", on: "b", .answered(.running)),
                Self.server("c1", on: "c", .failed(.keyRefused)),
                Self.server("c2", on: "c", .failed(.rateLimited)),
            ]
        )
        #expect(verdicts == ["a": .unreachable, "b": .reachable, "c": .unknown(.inconclusive)])
    }

    @Test func listedNodeWithoutServersIsUnknown() {
        let verdicts = NodeVerdict.infer(
            nodeNames: ["a", "spare"],
            servers: [Self.server("a1", on: "a", .answered(.running))]
        )
        #expect(verdicts == ["a": .reachable, "spare": .unknown(.noServers)])
    }

    @Test func withoutListingNodesComeFromServersAndUnnamedNodesAreSkipped() {
        let verdicts = NodeVerdict.infer(
            nodeNames: nil,
            servers: [
                Self.server("a1", on: "a", .failed(.nodeUnreachable)),
                Self.server("b1", on: "b", .answered(.running)),
                Self.server("x1", on: nil, .answered(.running)),
            ]
        )
        #expect(verdicts == ["a": .unreachable, "b": .reachable])
    }

    @Test func countsRunningAndTotalServersPerNode() {
        let counts = NodeServerCount.count(
            nodeNames: ["a", "b", "spare"],
            servers: [
                Self.server("a1", on: "a", .answered(.running)),
                Self.server("a2", on: "a", .answered(.offline)),
                Self.server("a3", on: "a", .answered(.starting)),
                Self.server("b1", on: "b", .failed(.nodeUnreachable)),
                Self.server("x1", on: nil, .answered(.running)),
            ]
        )
        #expect(
            counts == [
                "a": NodeServerCount(running: 1, total: 3),
                "b": NodeServerCount(running: 0, total: 1),
                "spare": NodeServerCount(running: 0, total: 0),
            ]
        )
    }

    // MARK: - Across cycles

    @Test func trackerKeepsTheFirstDownTimeUntilTheNodeAnswers() {
        var tracker = NodeHealthTracker()

        // 0 s: both up.
        #expect(
            tracker.record(["a": .reachable, "b": .reachable], at: Self.at(0)) == ["a": .reachable, "b": .reachable]
        )
        #expect(tracker.downSince.isEmpty)

        // 10 s: a goes down; the outage starts now.
        #expect(
            tracker.record(["a": .unreachable, "b": .reachable], at: Self.at(10))["a"]
                == .unreachable(since: Self.at(10))
        )

        // 20 s: still down; the start stays.
        #expect(
            tracker.record(["a": .unreachable, "b": .reachable], at: Self.at(20))["a"]
                == .unreachable(since: Self.at(10))
        )

        // 30 s: the panel is down; nothing can be told, but the start is kept.
        let blind = tracker.record(
            ["a": .unknown(.panelUnreachable), "b": .unknown(.panelUnreachable)],
            at: Self.at(30)
        )
        #expect(blind == ["a": .unknown(.panelUnreachable), "b": .unknown(.panelUnreachable)])
        #expect(tracker.downSince == ["a": Self.at(10)])

        // 40 s: the panel is back and a is still down: same outage.
        #expect(
            tracker.record(["a": .unreachable, "b": .reachable], at: Self.at(40))["a"]
                == .unreachable(since: Self.at(10))
        )

        // 50 s: a answers; the start is forgotten.
        #expect(tracker.record(["a": .reachable, "b": .reachable], at: Self.at(50))["a"] == .reachable)
        #expect(tracker.downSince.isEmpty)

        // 60 s: down again: a new outage.
        #expect(
            tracker.record(["a": .unreachable, "b": .reachable], at: Self.at(60))["a"]
                == .unreachable(since: Self.at(60))
        )
    }

    @Test func trackerForgetsNodesThatAreGoneOrEmpty() {
        var tracker = NodeHealthTracker()
        _ = tracker.record(["a": .unreachable, "b": .unreachable, "c": .reachable], at: Self.at(0))
        #expect(tracker.downSince == ["a": Self.at(0), "b": Self.at(0)])

        // a is no longer listed, b has no server left.
        let health = tracker.record(["b": .unknown(.noServers), "c": .reachable], at: Self.at(10))
        #expect(health == ["b": .unknown(.noServers), "c": .reachable])
        #expect(tracker.downSince.isEmpty)
    }

    @Test func trackerRecordsACycleObservation() {
        var tracker = NodeHealthTracker()
        let servers = [
            Self.server("a1", on: "a", .failed(.nodeUnreachable)),
            Self.server("b1", on: "b", .answered(.running)),
        ]
        let observation = Observation(
            origin: .cycle(1),
            observedAt: Self.at(5),
            servers: Dictionary(uniqueKeysWithValues: servers.map { ($0.server.id, $0) })
        )
        let health = tracker.record(observation, nodeNames: ["a", "b", "spare"])
        #expect(health == ["a": .unreachable(since: Self.at(5)), "b": .reachable, "spare": .unknown(.noServers)])
        #expect(health["a"]?.isUnreachable == true && health["spare"]?.isUnknown == true)
    }
}
