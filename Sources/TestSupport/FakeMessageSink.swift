import DiscordModels
import StatusBot
import Synchronization

/// A ``StatusMessageSink`` in memory: records every call, keeps the messages per channel, and fails or holds
/// calls as scripted. The failures are the ones `DiscordStatusMessageSink` maps Discord's answers to (10008
/// unknown message, 10003 unknown channel, 50001/50013 missing access, 30046 edit limit); the HTTP
/// ``FakeDiscordREST`` checks that mapping.
public final class FakeMessageSink: StatusMessageSink {
    /// One recorded call.
    public enum Call: Sendable, Equatable {
        /// A message was posted (its new ID).
        case create(ChannelID, MessageID)
        /// A message was edited.
        case edit(ChannelID, MessageID)
        /// A message was deleted.
        case delete(ChannelID, MessageID)
    }

    /// Which call a scripted failure applies to.
    public enum Operation: Sendable, Hashable {
        /// ``createMessage(in:_:)``.
        case create
        /// ``editMessage(_:in:_:)``.
        case edit
        /// ``deleteMessage(_:in:)``.
        case delete
    }

    private struct State {
        var nextID: UInt64 = 900_000_000_000_000_000
        var messages: [MessageID: (channel: ChannelID, message: OutgoingMessage)] = [:]
        var calls: [Call] = []
        var failures: [Operation: [MessageSinkError]] = [:]

        mutating func nextFailure(_ operation: Operation) -> MessageSinkError? {
            guard var queue = failures[operation], !queue.isEmpty else { return nil }
            let error = queue.removeFirst()
            failures[operation] = queue
            return error
        }
    }

    private let state = Mutex(State())

    /// Holds ``editMessage(_:in:_:)`` calls while closed (before anything is recorded or changed).
    public let editGate = Gate()
    /// Holds ``createMessage(in:_:)`` calls while closed.
    public let createGate = Gate()

    /// Creates an empty sink.
    public init() {}

    /// Makes the next calls of `operation` fail with `errors`, one each, in order.
    public func failNext(_ operation: Operation, with errors: MessageSinkError...) {
        state.withLock { $0.failures[operation, default: []].append(contentsOf: errors) }
    }

    /// Every call, in order.
    public var calls: [Call] { state.withLock { $0.calls } }

    /// The messages that exist now, by ID.
    public var messageIDs: Set<MessageID> { state.withLock { Set($0.messages.keys) } }

    /// The current content of a message.
    public func message(_ id: MessageID) -> OutgoingMessage? {
        state.withLock { $0.messages[id]?.message }
    }

    public func createMessage(in channel: ChannelID, _ message: OutgoingMessage) async throws -> MessageID {
        await createGate.pass("create")
        return try state.withLock { state in
            if let error = state.nextFailure(.create) { throw error }
            state.nextID += 1
            let id = MessageID(state.nextID)
            state.messages[id] = (channel, message)
            state.calls.append(.create(channel, id))
            return id
        }
    }

    public func editMessage(_ id: MessageID, in channel: ChannelID, _ message: OutgoingMessage) async throws {
        await editGate.pass("edit")
        try state.withLock { state in
            state.calls.append(.edit(channel, id))
            if let error = state.nextFailure(.edit) { throw error }
            guard state.messages[id] != nil else { throw MessageSinkError.messageGone }
            state.messages[id] = (channel, message)
        }
    }

    public func deleteMessage(_ id: MessageID, in channel: ChannelID) async throws {
        try state.withLock { state in
            state.calls.append(.delete(channel, id))
            if let error = state.nextFailure(.delete) { throw error }
            guard state.messages.removeValue(forKey: id) != nil else { throw MessageSinkError.messageGone }
        }
    }
}
