#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What Discord must be told about alerts, in order, across Discord outages and restarts. Pure: the bot sends.
///
/// The bot's loop: after each ``AlertEngine/evaluate(_:now:)`` call ``enqueue(_:now:)``; then, while ``next`` is not
/// `nil`, render it with ``alerts(for:)`` and ``messageRef(for:)``, send it, and call ``delivered(_:ref:)``. When
/// sending fails for a while (Discord down, rate limited) do nothing: the notice stays at the head and everything
/// behind it waits, so an edit never overtakes the post that creates its message. When Discord says the message or
/// channel is gone, call ``dropped(_:)``. Persist ``state`` together with the engine's.
public struct AlertOutbox: Sendable {
    /// Thresholds, for the flapping window that decides how long a resolved alert's message is remembered.
    public var thresholds: AlertThresholds
    /// The state to persist.
    public private(set) var state: AlertOutboxState

    /// Creates an empty outbox.
    /// - Parameter thresholds: The engine's thresholds.
    public init(thresholds: AlertThresholds = AlertThresholds()) {
        self.init(thresholds: thresholds, restoring: AlertOutboxState())
    }

    /// Creates an outbox that continues from a persisted state.
    /// - Parameters:
    ///   - thresholds: The engine's thresholds.
    ///   - state: The state a previous run persisted.
    public init(thresholds: AlertThresholds = AlertThresholds(), restoring state: AlertOutboxState) {
        self.thresholds = thresholds
        self.state = state
    }

    // MARK: - Reading

    /// The notice to send now, or `nil` when nothing waits.
    public var next: AlertNotice? { state.notices.first }

    /// Every waiting notice, head first.
    public var pending: [AlertNotice] { state.notices }

    /// The alerts to render for a notice, in the order they were posted: a post's and a reply's own alerts, every
    /// alert of the message for an edit. Each is the latest value the outbox was given.
    /// - Parameter notice: A notice from ``next``.
    /// - Returns: The alerts; empty when the message was forgotten.
    public func alerts(for notice: AlertNotice) -> [Alert] {
        switch notice.action {
        case .post(let alertIDs), .recoveryReply(let alertIDs), .repeatReply(let alertIDs):
            alertIDs.compactMap { state.alerts[$0] }
        case .edit(let alertID):
            alerts(inMessageOf: alertID)
        }
    }

    /// Every alert listed in the message that shows an alert, in posted order (for an acknowledgement, say).
    /// - Parameter alertID: Any alert of the message.
    /// - Returns: The alerts, or empty when no message shows that alert.
    public func alerts(inMessageOf alertID: String) -> [Alert] {
        guard let message = message(of: alertID) else { return [] }
        return state.messages[message].alertIDs.compactMap { state.alerts[$0] }
    }

    /// The message an edit or a reply goes to; `nil` for a post, or while the post has not been delivered.
    /// - Parameter notice: A notice from ``next``.
    public func messageRef(for notice: AlertNotice) -> AlertMessageRef? {
        switch notice.action {
        case .post: nil
        case .edit(let alertID): messageRef(ofAlert: alertID)
        case .recoveryReply(let ids), .repeatReply(let ids): ids.first.flatMap(messageRef(ofAlert:))
        }
    }

    /// The message that shows an alert, once its post was delivered.
    /// - Parameter alertID: The alert's identifier.
    public func messageRef(ofAlert alertID: String) -> AlertMessageRef? {
        message(of: alertID).flatMap { state.messages[$0].ref }
    }

    /// Whether sending this notice should mention the alert roles: posts and repeat replies do while one of their
    /// alerts is open and nobody acknowledged it. Edits and recovery replies never do.
    /// - Parameter notice: A notice from ``next``.
    public func mentionsDue(for notice: AlertNotice) -> Bool {
        switch notice.action {
        case .post, .repeatReply:
            alerts(for: notice).contains { $0.isOpen && $0.acknowledgedBy == nil }
        case .edit, .recoveryReply:
            false
        }
    }

    // MARK: - Inputs

    /// Turns one cycle's outcome into notices: one post for everything new, one edit per changed message, one
    /// recovery reply and one repeat reply per message.
    /// - Parameters:
    ///   - outcome: What ``AlertEngine/evaluate(_:now:)`` returned.
    ///   - now: The cycle's time.
    public mutating func enqueue(_ outcome: AlertCycleOutcome, now: Date) {
        for alert in outcome.openAlerts + outcome.updated + outcome.reopened + outcome.resolved
        where state.alerts[alert.id] != nil {
            state.alerts[alert.id] = alert
        }
        // An alert the outbox shows as open but the engine no longer lists was resolved while the two states were
        // out of step (e.g. a crash between saving them): close it like any resolution.
        let engineKnows = Set((outcome.openAlerts + outcome.resolved).map(\.id))
        var resolved = outcome.resolved
        for id in state.alerts.keys.sorted() where state.alerts[id]?.isOpen == true && !engineKnows.contains(id) {
            state.alerts[id]?.resolvedAt = now
            if let alert = state.alerts[id] { resolved.append(alert) }
        }

        var newPost = outcome.opened.map(\.id)
        var edits: [(message: Int, alertID: String)] = []
        var repeats: [(message: Int, alertIDs: [String])] = []
        var recoveries: [(message: Int, alertIDs: [String])] = []
        for alert in outcome.reopened {
            guard let message = message(of: alert.id) else {
                // Its message was forgotten or deleted: the alert is news again.
                newPost.append(alert.id)
                continue
            }
            edits.append((message, alert.id))
            if alert.acknowledgedBy == nil { Self.add(alert.id, to: message, in: &repeats) }
        }
        for alert in resolved {
            guard let message = message(of: alert.id) else { continue }
            edits.append((message, alert.id))
            Self.add(alert.id, to: message, in: &recoveries)
        }
        for alert in outcome.updated {
            if let message = message(of: alert.id) { edits.append((message, alert.id)) }
        }

        if !newPost.isEmpty {
            let id = makeNoticeID()
            for alertID in newPost {
                state.alerts[alertID] = (outcome.opened + outcome.reopened).first { $0.id == alertID }
            }
            state.messages.append(AlertOutboxState.Message(id: id, alertIDs: newPost, ref: nil))
            state.notices.append(AlertNotice(id: id, action: .post(alertIDs: newPost)))
        }
        var editedMessages: Set<String> = []
        for edit in edits where editedMessages.insert(state.messages[edit.message].id).inserted {
            if !rendersLater(edit.message) { append(.edit(messageOf: edit.alertID)) }
        }
        // A post still waiting will show the alert's latest state with its mention: a reply would say it twice.
        for reply in repeats where !postWaits(reply.message) { append(.repeatReply(alertIDs: reply.alertIDs)) }
        for reply in recoveries where !postWaits(reply.message) { append(.recoveryReply(alertIDs: reply.alertIDs)) }

        forgetMessages(now: now)
    }

    /// Re-renders the message of an alert someone acknowledged.
    /// - Parameter alert: What ``AlertEngine/acknowledge(alertID:by:at:)`` returned.
    public mutating func enqueueAcknowledgement(of alert: Alert) {
        guard state.alerts[alert.id] != nil, let message = message(of: alert.id) else { return }
        state.alerts[alert.id] = alert
        if !rendersLater(message) { append(.edit(messageOf: alert.id)) }
    }

    /// Records that Discord accepted a notice.
    /// - Parameters:
    ///   - notice: The notice that was sent (normally ``next``).
    ///   - ref: For a post, where Discord put the message; `nil` for edits and replies. A post delivered without a
    ///     reference can never be edited, so its alerts are treated as if their message was deleted.
    public mutating func delivered(_ notice: AlertNotice, ref: AlertMessageRef?) {
        state.notices.removeAll { $0.id == notice.id }
        guard case .post = notice.action, let index = state.messages.firstIndex(where: { $0.id == notice.id }) else {
            return
        }
        if let ref {
            state.messages[index].ref = ref
        } else {
            removeMessage(at: index)
        }
    }

    /// Records that a notice cannot be delivered because its message or channel is gone (someone deleted it).
    ///
    /// Deleting an alert message dismisses it: the message is forgotten with every notice still waiting for it,
    /// later resolutions and figure changes of its alerts are not sent, and if one of them fires again it is
    /// posted afresh.
    /// - Parameter notice: The notice that failed for good.
    public mutating func dropped(_ notice: AlertNotice) {
        state.notices.removeAll { $0.id == notice.id }
        let messageIndex: Int?
        switch notice.action {
        case .post: messageIndex = state.messages.firstIndex { $0.id == notice.id }
        default: messageIndex = notice.alertIDs.first.flatMap(message(of:))
        }
        if let messageIndex { removeMessage(at: messageIndex) }
    }

    // MARK: - Internals

    /// Index in `state.messages` of the message that shows an alert.
    private func message(of alertID: String) -> Int? {
        state.messages.firstIndex { $0.alertIDs.contains(alertID) }
    }

    /// Index of the message a notice renders or replies to.
    private func message(of notice: AlertNotice) -> Int? {
        if case .post = notice.action { return state.messages.firstIndex { $0.id == notice.id } }
        return notice.alertIDs.first.flatMap(message(of:))
    }

    /// True when a post or an edit of this message waits behind the head. The head is skipped because the bot may
    /// already have rendered it and be sending it: a change made now would not be in it.
    private func rendersLater(_ message: Int) -> Bool {
        state.notices.dropFirst().contains { notice in
            switch notice.action {
            case .post, .edit: self.message(of: notice) == message
            case .recoveryReply, .repeatReply: false
            }
        }
    }

    /// True when the post that creates this message waits behind the head.
    private func postWaits(_ message: Int) -> Bool {
        let id = state.messages[message].id
        return state.notices.dropFirst().contains { $0.id == id }
    }

    private mutating func append(_ action: AlertNotice.Action) {
        state.notices.append(AlertNotice(id: makeNoticeID(), action: action))
    }

    private mutating func makeNoticeID() -> String {
        defer { state.nextNoticeNumber += 1 }
        return "n\(state.nextNoticeNumber)"
    }

    private static func add(_ alertID: String, to message: Int, in replies: inout [(message: Int, alertIDs: [String])])
    {
        if let index = replies.firstIndex(where: { $0.message == message }) {
            replies[index].alertIDs.append(alertID)
        } else {
            replies.append((message, [alertID]))
        }
    }

    /// Forgets a message, its alerts and every notice waiting for it.
    private mutating func removeMessage(at index: Int) {
        let removed = state.messages[index]
        state.notices.removeAll { notice in
            notice.id == removed.id || notice.alertIDs.contains { removed.alertIDs.contains($0) }
        }
        for alertID in removed.alertIDs { state.alerts[alertID] = nil }
        state.messages.remove(at: index)
    }

    /// Forgets messages whose alerts all resolved at least the flapping window ago and that nothing waits for:
    /// by then the engine has forgotten those alerts too, so none of them can re-open into the message.
    private mutating func forgetMessages(now: Date) {
        let window = thresholds.minimumRepostInterval.alertSeconds
        let waiting = Set(state.notices.flatMap(\.alertIDs)).union(state.notices.map(\.id))
        let stale = state.messages.indices.filter { index in
            let message = state.messages[index]
            guard !waiting.contains(message.id), !message.alertIDs.contains(where: waiting.contains) else {
                return false
            }
            return message.alertIDs.allSatisfy { id in
                guard let resolvedAt = state.alerts[id]?.resolvedAt else { return state.alerts[id] == nil }
                return now.timeIntervalSince(resolvedAt) >= window
            }
        }
        for index in stale.reversed() { removeMessage(at: index) }
    }
}

/// The outbox's persisted state: waiting notices, the messages they made, and the alerts those messages show.
public struct AlertOutboxState: Sendable, Codable, Equatable {
    /// One Discord message that lists alerts.
    struct Message: Sendable, Codable, Equatable {
        /// The identifier of the post notice that creates it.
        var id: String
        /// The alerts it lists, in order.
        var alertIDs: [String]
        /// Where Discord put it, once delivered.
        var ref: AlertMessageRef?
    }

    /// Waiting notices, head first.
    var notices: [AlertNotice]
    /// Messages that may still need an edit or a reply.
    var messages: [Message]
    /// The latest value of every alert a message lists, so an edit can render alerts the engine already forgot.
    var alerts: [String: Alert]
    /// The number in the next notice's identifier.
    var nextNoticeNumber: Int

    /// An empty outbox state.
    public init() {
        self.notices = []
        self.messages = []
        self.alerts = [:]
        self.nextNoticeNumber = 1
    }

    private enum CodingKeys: String, CodingKey {
        case notices
        case messages
        case alerts
        case nextNoticeNumber
    }

    /// Decodes a state. Alerts of kinds this version does not know are dropped, like the engine drops them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.notices = try container.decode([AlertNotice].self, forKey: .notices)
        self.messages = try container.decode([Message].self, forKey: .messages)
        let alerts = try container.decode([KnownKindOnly<Alert>].self, forKey: .alerts).compactMap(\.value)
        self.alerts = Dictionary(alerts.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        self.nextNoticeNumber = try container.decode(Int.self, forKey: .nextNoticeNumber)
    }

    /// Encodes the state; alerts as a list sorted by identifier, so the file is stable.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(notices, forKey: .notices)
        try container.encode(messages, forKey: .messages)
        try container.encode(alerts.values.sorted { $0.id < $1.id }, forKey: .alerts)
        try container.encode(nextNoticeNumber, forKey: .nextNoticeNumber)
    }
}
