import Alerting
import DiscordModels
import Foundation
import Logging
import Monitoring
import PanelCore
import TestSupport
import Testing

@testable import StatusBot

/// The notifier against protocol-level doubles, for what the end-to-end tests cannot make deterministic.
struct AlertNotifierTests {
    static let start = Date(timeIntervalSince1970: 1_764_622_800)
    static let channel: ChannelID = "300000000000000009"

    static func cycle(_ number: Int, _ state: ServerState) -> Observation {
        let server = FakePanelBackend.server(1)
        return Observation(
            origin: .cycle(number),
            observedAt: start.addingTimeInterval(Double(number) * 10),
            servers: [server.id: ServerObservation(server: server, state: state)]
        )
    }

    // Without the guard the acknowledgement's own delivery waits at the closed gate: the time limit fails it.
    @Test(.timeLimit(.minutes(1))) func anAcknowledgementDuringADeliveryNeverSendsTheSameNoticeTwice() async throws {
        let sink = FakeMessageSink()
        let notifier = AlertNotifier(
            thresholds: AlertThresholds(),
            delivery: AlertNotifier.Delivery(channel: Self.channel),
            sink: sink,
            monitor: nil,
            file: nil,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        await notifier.consume(Self.cycle(1, .running))
        // The crash's post is held on its way to Discord.
        sink.createGate.close()
        async let crashCycle: Void = notifier.consume(Self.cycle(2, .offline))
        await sink.createGate.waitUntilHeld()
        let alertID = try #require(await notifier.openAlerts.first?.id)
        // Someone presses Acknowledge meanwhile: its delivery must not send the held post a second time.
        let acknowledged = await notifier.acknowledge(alertID, by: "200000000000000042", at: Self.start)
        #expect(acknowledged.count == 1)
        sink.createGate.open()
        await crashCycle
        let creates = sink.calls.filter { if case .create = $0 { true } else { false } }
        #expect(creates.count == 1)
        #expect(await notifier.undeliveredCount == 0)
    }
}
