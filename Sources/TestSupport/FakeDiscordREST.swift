import DiscordModels

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An in-process fake of Discord's HTTP API on 127.0.0.1, for tests and benchmarks.
///
/// It enforces buckets and answers 429s the way Discord does (`X-RateLimit-*` headers, `retry_after`, `global`),
/// keeps messages per channel (create/edit/delete/get, 10008 for unknown messages, 10003 for unknown channels),
/// stores interaction callbacks, original responses and followups, parses multipart uploads back, records every
/// request with its arrival time on the injected clock, and can be scripted to fail the next matching request.
///
/// ```swift
/// let discord = try await FakeDiscordREST.start(clock: clock)
/// // point DefaultDiscordClient at discord.baseURL ...
/// let requests = try await discord.waitForRequests(count: 1)
/// ```
public final class FakeDiscordREST: Sendable {
    private let server: LoopbackHTTPServer
    private let state: FakeDiscordRESTState

    /// The API base URL to configure the client with: `http://127.0.0.1:<port>/api/v10`.
    public var baseURL: String { server.baseURL + Self.prefix }
    /// The listening port.
    public var port: Int { server.port }

    static let prefix = "/api/v10"

    private init(server: LoopbackHTTPServer, state: FakeDiscordRESTState) {
        self.server = server
        self.state = state
    }

    /// Starts the fake.
    /// - Parameters:
    ///   - clock: Clock for bucket windows and arrival times (use the same manual clock as the client).
    ///   - configuration: Buckets, token, application and gateway URL.
    /// - Returns: The running fake; call ``shutdown()``.
    public static func start<C: Clock>(
        clock: C,
        configuration: FakeDiscordRESTConfiguration = FakeDiscordRESTConfiguration()
    ) async throws -> FakeDiscordREST where C.Duration == Duration {
        let origin = clock.now
        let state = FakeDiscordRESTState(configuration: configuration) { origin.duration(to: clock.now) }
        let server = try await LoopbackHTTPServer.start { request in
            await state.handle(request)
        }
        return FakeDiscordREST(server: server, state: state)
    }

    /// Starts the fake on `ContinuousClock`.
    /// - Parameter configuration: Buckets, token, application and gateway URL.
    /// - Returns: The running fake.
    public static func start(
        configuration: FakeDiscordRESTConfiguration = FakeDiscordRESTConfiguration()
    ) async throws -> FakeDiscordREST {
        try await start(clock: ContinuousClock(), configuration: configuration)
    }

    /// Stops listening.
    public func shutdown() async throws {
        try await server.shutdown()
    }

    // MARK: - Inspection

    /// Every request so far, in arrival order.
    public var requests: [FakeDiscordRequest] {
        get async { await state.requests }
    }

    /// Number of 429 answers sent so far (scripted ones included).
    public var rateLimitedCount: Int {
        get async { await state.rateLimitedCount }
    }

    /// Messages currently in a channel, oldest first.
    public func messages(in channelID: ChannelID) async -> [Message] {
        await state.messages(in: channelID)
    }

    /// One stored message.
    public func message(_ messageID: MessageID, in channelID: ChannelID) async -> Message? {
        await state.messages(in: channelID).first { $0.id == messageID }
    }

    /// The bytes of an uploaded attachment, by attachment ID.
    public func attachmentData(_ id: AttachmentID) async -> [UInt8]? {
        await state.attachmentBytes[id]
    }

    /// Interaction callbacks received, in order.
    public var interactionCallbacks: [FakeInteractionCallback] {
        get async { await state.callbacks }
    }

    /// The current original response of an interaction token (created by a type 4 callback or an edit).
    public func originalResponse(token: String) async -> Message? {
        await state.originals[token]
    }

    /// Followup messages sent with an interaction token.
    public func followups(token: String) async -> [Message] {
        await state.followups[token] ?? []
    }

    /// Commands registered per guild by bulk overwrite.
    public func commands(in guildID: GuildID) async -> [ApplicationCommand] {
        await state.commands[guildID] ?? []
    }

    // MARK: - Scripting

    /// Makes a channel exist (needed when ``FakeDiscordRESTConfiguration/acceptsAnyChannel`` is false).
    public func addChannel(_ channelID: ChannelID) async {
        await state.addChannel(channelID)
    }

    /// Deletes a channel and its messages: later requests get 10003 Unknown Channel.
    public func removeChannel(_ channelID: ChannelID) async {
        await state.removeChannel(channelID)
    }

    /// Deletes a message as a user would: later edits get 10008 Unknown Message.
    public func deleteMessage(_ messageID: MessageID, in channelID: ChannelID) async {
        await state.removeMessage(messageID, in: channelID)
    }

    /// Puts a message in a channel, as if posted earlier.
    public func seedMessage(_ message: Message) async {
        await state.seed(message)
    }

    /// Answers the next `count` requests matching `method` and `pathContains` with `failure` instead of handling
    /// them. A scripted failure consumes no bucket budget.
    /// - Parameters:
    ///   - failure: What to answer.
    ///   - method: HTTP method to match, or `nil` for any.
    ///   - pathContains: Substring of the path (e.g. a message ID), or `nil` for any.
    ///   - count: How many requests to fail.
    public func failNext(
        _ failure: FakeDiscordFailure,
        method: String? = nil,
        pathContains: String? = nil,
        count: Int = 1
    ) async {
        await state.script(failure, method: method, pathContains: pathContains, count: count)
    }

    /// Waits (without polling) until at least `count` requests matching `predicate` arrived.
    /// - Parameters:
    ///   - count: Number of matching requests.
    ///   - timeout: Real-time failure guard.
    ///   - predicate: Which requests count; all by default.
    /// - Returns: The matching requests.
    /// - Throws: ``FakeDiscordRESTError/timeout(expected:received:)``.
    @discardableResult
    public func waitForRequests(
        count: Int,
        timeout: Duration = .seconds(10),
        where predicate: @escaping @Sendable (FakeDiscordRequest) -> Bool = { _ in true }
    ) async throws -> [FakeDiscordRequest] {
        let state = self.state
        let timedOut: @Sendable () async -> any Error = {
            FakeDiscordRESTError.timeout(expected: count, received: await state.requests.filter(predicate).count)
        }
        return try await withTimeout(timeout, orThrow: timedOut) {
            // nil means the wait was cancelled, which only the timeout does.
            guard let matched = await state.wait(count: count, predicate: predicate) else { throw await timedOut() }
            return matched
        }
    }
}
