import Alerting
import CoreMetrics
import DiscordModels
import Logging
import Monitoring
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Raises alerts from the monitor's cycles and keeps their Discord messages in step: a consumer that watches every
/// server the panel lists and its nodes, feeds the ``AlertEngine``, and delivers the ``AlertOutbox`` in order.
///
/// Open alerts and undelivered notices are saved after every change, so a restart neither forgets nor re-posts an
/// alert, and alerts raised while Discord is unreachable are delivered in order once it answers again.
public actor AlertNotifier: ObservationConsumer {
    /// What is saved between runs.
    public struct SavedState: Sendable, Codable {
        /// The engine: open alerts, pending conditions.
        public var engine: AlertEngineState
        /// The outbox: undelivered notices and where each alert's message is.
        public var outbox: AlertOutboxState

        /// Creates a saved state.
        public init(engine: AlertEngineState = AlertEngineState(), outbox: AlertOutboxState = AlertOutboxState()) {
            self.engine = engine
            self.outbox = outbox
        }
    }

    /// Where and to whom alerts go.
    public struct Delivery: Sendable {
        /// The alerts channel.
        public var channel: ChannelID
        /// The roles mentioned on a new alert, resolved when a message is sent (names need the guild's roles).
        public var mentionRoles: @Sendable () async -> [RoleID]

        /// Creates delivery settings.
        public init(channel: ChannelID, mentionRoles: @escaping @Sendable () async -> [RoleID] = { [] }) {
            self.channel = channel
            self.mentionRoles = mentionRoles
        }
    }

    /// A stop is "requested" when a power action was sent or logged within this time before it was seen.
    static let stopLookBack: TimeInterval = 300
    /// Activity-log reads per cycle; more stops at once (a node crash) are "cause unknown" rather than a burst of
    /// panel requests.
    static let maxActivityReadsPerCycle = 10

    private var engine: AlertEngine
    private var outbox: AlertOutbox
    private var facts = AlertFactsBuilder()
    private var stops = StopDetector()
    private var lastCycleAt: Date?
    private var deliveryFailing = false
    /// True while a delivery loop runs: a second one (an acknowledgement during a cycle's delivery) would send the
    /// same head notice twice. The running loop picks up whatever was queued meanwhile.
    private var delivering = false
    private let delivery: Delivery
    private let sink: any StatusMessageSink
    private let file: JSONStateFile<SavedState>?
    private let powerRequests: PowerRequestLog?
    private weak let monitor: (any ServerObserving)?
    private let builder = AlertMessageBuilder()
    private let metrics: AlertMetrics
    private let panelReports: @Sendable () async -> [PanelReport]
    private let logger: Logger

    /// Creates a notifier.
    /// - Parameters:
    ///   - thresholds: What raises an alert.
    ///   - delivery: The channel and the roles to mention.
    ///   - sink: Where messages go (Discord, or the demo's HTML page).
    ///   - monitor: Reads the activity log to tell a requested stop from a crash (kept weakly).
    ///   - file: Where the state is saved; `nil` keeps it in memory (demo).
    ///   - restored: What a previous run saved.
    ///   - powerRequests: Power signals the bot sent itself.
    ///   - metrics: Where open alerts and waiting notices are exported.
    ///   - panelReports: Each panel's report (``MultiPanelBackend/panelReports()``), for panels none of whose
    ///     servers the cycle saw; empty with one panel.
    ///   - logger: Alerts and delivery problems are logged.
    public init(
        thresholds: AlertThresholds,
        delivery: Delivery,
        sink: any StatusMessageSink,
        monitor: (any ServerObserving)?,
        file: JSONStateFile<SavedState>?,
        restored: SavedState? = nil,
        powerRequests: PowerRequestLog? = nil,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        panelReports: @escaping @Sendable () async -> [PanelReport] = { [] },
        logger: Logger
    ) {
        self.metrics = AlertMetrics(factory: metrics)
        self.panelReports = panelReports
        self.engine = AlertEngine(thresholds: thresholds, restoring: restored?.engine ?? AlertEngineState())
        self.outbox = AlertOutbox(thresholds: thresholds, restoring: restored?.outbox ?? AlertOutboxState())
        self.delivery = delivery
        self.sink = sink
        self.monitor = monitor
        self.file = file
        self.powerRequests = powerRequests
        self.logger = logger
    }

    // MARK: - Consumer

    /// Alerts watch every server, not only those with a status message.
    public var wantsEveryServer: Bool { true }

    /// Node outages and allocation need the node listing.
    public var wantsNodes: Bool { true }

    /// Puts new thresholds in force (a configuration reload); open alerts clear by the new ones.
    /// - Parameter thresholds: The thresholds.
    public func apply(_ thresholds: AlertThresholds) {
        engine.thresholds = thresholds
        outbox.thresholds = thresholds
    }

    /// Evaluates a cycle, queues what Discord must be told, saves, and delivers.
    public func consume(_ observation: Observation) async {
        guard case .cycle = observation.origin else { return }
        let stopped = stops.stops(in: observation.servers)
        stops.retain(Set(observation.servers.keys))
        let causes = await stopCauses(of: stopped, seenAt: observation.observedAt)
        let cycleFacts = facts.facts(from: observation, stopCauses: causes, panelReports: await panelReports())
        lastCycleAt = observation.observedAt
        let outcome = engine.evaluate(cycleFacts, now: observation.observedAt)
        for alert in outcome.opened + outcome.reopened {
            logger.warning(
                "alert: \(AlertMessageBuilder.title(of: alert.key.kind)): \(alert.subjectName): \(alert.summary)",
                metadata: ["alert.id": "\(alert.id)", "alert.key": "\(alert.key)"]
            )
        }
        for alert in outcome.resolved {
            logger.notice(
                "alert resolved: \(AlertMessageBuilder.title(of: alert.key.kind)): \(alert.subjectName)",
                metadata: ["alert.id": "\(alert.id)", "alert.key": "\(alert.key)"]
            )
        }
        outbox.enqueue(outcome, now: observation.observedAt)
        save()
        await deliver()
        metrics.record(outcome, waiting: outbox.pending.count)
    }

    // MARK: - Commands and buttons

    /// The open alerts, oldest first.
    public var openAlerts: [Alert] { engine.openAlerts }

    /// Notices waiting for Discord.
    public var undeliveredCount: Int { outbox.pending.count }

    /// Acknowledges the open alerts shown in the same message as `alertID`; their message shows who, and their
    /// repeats stop mentioning roles.
    /// - Parameters:
    ///   - alertID: From the button.
    ///   - user: Who pressed it.
    ///   - now: When.
    /// - Returns: The alerts acknowledged now (empty when they were resolved or already acknowledged).
    public func acknowledge(_ alertID: String, by user: UserID, at now: Date) async -> [Alert] {
        let siblings = outbox.alerts(inMessageOf: alertID).map(\.id)
        var acknowledged: [Alert] = []
        for id in siblings.isEmpty ? [alertID] : siblings {
            guard let alert = engine.alert(id: id), alert.isOpen, alert.acknowledgedBy == nil,
                let updated = engine.acknowledge(alertID: id, by: user.rawValue, at: now)
            else { continue }
            outbox.enqueueAcknowledgement(of: updated)
            acknowledged.append(updated)
        }
        if !acknowledged.isEmpty {
            logger.info(
                "alert acknowledged",
                metadata: ["alert.id": "\(alertID)", "discord.user": "\(user)", "alerts": "\(acknowledged.count)"]
            )
            save()
            await deliver()
            metrics.recordWaiting(outbox.pending.count)
        }
        return acknowledged
    }

    // MARK: - Delivery

    /// Sends waiting notices in order until one fails; the rest wait for the next cycle.
    public func deliver() async {
        guard !delivering else { return }
        delivering = true
        defer { delivering = false }
        while let notice = outbox.next {
            do {
                let ref = try await send(notice)
                outbox.delivered(notice, ref: ref)
                save()
                if deliveryFailing {
                    deliveryFailing = false
                    logger.notice("alerts are delivered again", metadata: ["alerts.waiting": "\(undeliveredCount)"])
                }
            } catch MessageSinkError.messageGone {
                logger.notice(
                    "an alert message was deleted; its alerts are dismissed",
                    metadata: ["notice": "\(notice.id)"]
                )
                outbox.dropped(notice)
                save()
            } catch is CancellationError {
                return
            } catch {
                if !deliveryFailing {
                    deliveryFailing = true
                    logger.error(
                        "cannot deliver alerts to Discord; they wait and go out in order once it answers",
                        metadata: [
                            "error": "\(error)", "discord.channel": "\(delivery.channel)",
                            "alerts.waiting": "\(outbox.pending.count)",
                        ]
                    )
                }
                return
            }
        }
    }

    private func send(_ notice: AlertNotice) async throws -> AlertMessageRef? {
        let alerts = outbox.alerts(for: notice)
        let roles = outbox.mentionsDue(for: notice) ? await delivery.mentionRoles() : []
        switch notice.action {
        case .post:
            let id = try await sink.createMessage(in: delivery.channel, builder.message(for: alerts, mention: roles))
            return AlertMessageRef(channelID: delivery.channel.rawValue, messageID: id.rawValue)
        case .edit:
            guard let ref = outbox.messageRef(for: notice) else { return nil }
            var message = builder.message(for: alerts)
            message.payload.content = nil  // keep the original mention text; an edit never pings again
            try await sink.editMessage(MessageID(ref.messageID), in: ChannelID(ref.channelID), message)
            return nil
        case .recoveryReply:
            return try await reply(to: notice) { builder.recoveryReply(for: alerts, to: $0) }
        case .repeatReply:
            return try await reply(to: notice) { builder.repeatReply(for: alerts, to: $0, mention: roles) }
        }
    }

    /// Posts a reply under the message of the notice's alerts (nothing when that message was never delivered).
    private func reply(
        to notice: AlertNotice,
        _ message: (MessageReferenceRequest) -> OutgoingMessage
    ) async throws -> AlertMessageRef? {
        guard let ref = outbox.messageRef(for: notice) else { return nil }
        let channel = ChannelID(ref.channelID)
        let reference = MessageReferenceRequest(messageID: MessageID(ref.messageID), channelID: channel)
        _ = try await sink.createMessage(in: channel, message(reference))
        return nil
    }

    // MARK: - Stops

    /// Why each stopped server stopped: skipped when the bot or someone on the panel asked for it, `crashed` when
    /// the activity log shows no power action, `causeUnknown` when it cannot be read.
    private func stopCauses(of stopped: [ServerID], seenAt now: Date) async -> [ServerID: StopCause] {
        // A power action up to one cycle before the previous observation can explain the stop.
        let since = (lastCycleAt ?? now).addingTimeInterval(-Self.stopLookBack)
        var causes: [ServerID: StopCause] = [:]
        var reads = 0
        for id in stopped {
            if await powerRequests?.requestedStop(of: id, since: since) == true { continue }
            guard let monitor, reads < Self.maxActivityReadsPerCycle else {
                causes[id] = .causeUnknown
                continue
            }
            reads += 1
            do {
                let entries = try await monitor.powerActivity(of: id, since: since)
                if entries.contains(where: { $0.signal != .start }) { continue }
                causes[id] = .crashed
            } catch is CancellationError {
                causes[id] = .causeUnknown
            } catch {
                logger.debug(
                    "could not read a server's activity log",
                    metadata: ["panel.server": "\(id)", "error": "\(error)"]
                )
                causes[id] = .causeUnknown
            }
        }
        return causes
    }

    // MARK: - Saving

    private func save() {
        guard let file else { return }
        do {
            try file.save(SavedState(engine: engine.state, outbox: outbox.state))
        } catch {
            logger.error(
                "could not save the alerts; a restart may forget or repeat some",
                metadata: ["error": "\(error)"]
            )
        }
    }
}
