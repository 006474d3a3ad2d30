import DiscordModels

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The fake's mutable state and request handling.
actor FakeDiscordRESTState {
    private struct Script {
        var failure: FakeDiscordFailure
        var method: String?
        var pathContains: String?
        var remaining: Int
    }

    private struct Window {
        var start: Duration
        var used: Int
    }

    private struct Waiter {
        var id: UInt64
        var count: Int
        var predicate: @Sendable (FakeDiscordRequest) -> Bool
        var continuation: CheckedContinuation<[FakeDiscordRequest]?, Never>
    }

    let configuration: FakeDiscordRESTConfiguration
    private let now: @Sendable () -> Duration
    private(set) var requests: [FakeDiscordRequest] = []
    private(set) var rateLimitedCount = 0
    private var channels: [ChannelID: [Message]] = [:]
    private var removedChannels: Set<ChannelID> = []
    private(set) var attachmentBytes: [AttachmentID: [UInt8]] = [:]
    private(set) var callbacks: [FakeInteractionCallback] = []
    private(set) var originals: [String: Message] = [:]
    private(set) var followups: [String: [Message]] = [:]
    private(set) var commands: [GuildID: [ApplicationCommand]] = [:]
    private var acknowledged: Set<InteractionID> = []
    private var scripts: [Script] = []
    private var windows: [String: Window] = [:]
    private var globalSends: [Duration] = []
    private var waiters: [Waiter] = []
    private var nextWaiterID: UInt64 = 0
    private var nextID: UInt64 = 1_300_000_000_000_000_000

    init(configuration: FakeDiscordRESTConfiguration, now: @escaping @Sendable () -> Duration) {
        self.configuration = configuration
        self.now = now
    }

    // MARK: - Test API

    func messages(in channelID: ChannelID) -> [Message] { channels[channelID] ?? [] }

    func addChannel(_ channelID: ChannelID) {
        removedChannels.remove(channelID)
        if channels[channelID] == nil { channels[channelID] = [] }
    }

    func removeChannel(_ channelID: ChannelID) {
        channels[channelID] = nil
        removedChannels.insert(channelID)
    }

    func removeMessage(_ messageID: MessageID, in channelID: ChannelID) {
        channels[channelID]?.removeAll { $0.id == messageID }
    }

    func seed(_ message: Message) {
        channels[message.channelID, default: []].append(message)
    }

    func script(_ failure: FakeDiscordFailure, method: String?, pathContains: String?, count: Int) {
        scripts.append(Script(failure: failure, method: method, pathContains: pathContains, remaining: count))
    }

    func wait(count: Int, predicate: @escaping @Sendable (FakeDiscordRequest) -> Bool) async -> [FakeDiscordRequest]? {
        let matched = requests.filter(predicate)
        if matched.count >= count { return matched }
        nextWaiterID += 1
        let id = nextWaiterID
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters.append(Waiter(id: id, count: count, predicate: predicate, continuation: continuation))
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: nil)
    }

    // MARK: - Handling

    func handle(_ request: LoopbackHTTPRequest) -> LoopbackHTTPResponse {
        let arrival = now()
        var path = request.path
        if path.hasPrefix(FakeDiscordREST.prefix) { path.removeFirst(FakeDiscordREST.prefix.count) }
        let segments = path.split(separator: "/").map(String.init)
        let (template, major) = Self.template(method: request.method, segments: segments)
        var payloadJSON: [UInt8]? = request.body.isEmpty ? nil : request.body
        var files: [MultipartPart] = []
        var parseError: String?
        if let contentType = request.header("Content-Type"), contentType.lowercased().hasPrefix("multipart/form-data") {
            payloadJSON = nil
            do {
                guard let boundary = MultipartFormData.boundary(fromContentType: contentType) else {
                    throw MultipartFormData.ParseError.missingBoundary
                }
                let parts = try MultipartFormData.parse(request.body, boundary: boundary)
                payloadJSON = parts.first { $0.name == "payload_json" }?.data
                files = parts.filter { $0.name.hasPrefix("files[") }
            } catch {
                parseError = String(describing: error)
            }
        }
        var record = FakeDiscordRequest(
            method: request.method,
            path: path,
            route: "\(request.method) \(template)",
            query: request.query,
            headers: request.headers,
            body: request.body,
            payloadJSON: payloadJSON,
            files: files,
            arrival: arrival,
            status: 0
        )
        let response: LoopbackHTTPResponse
        if let parseError {
            response = Self.error(400, code: 50035, message: "Invalid Form Body: \(parseError)")
        } else {
            response = respond(to: record, segments: segments, template: template, major: major, now: arrival)
        }
        record.status = response.dropsConnection ? 0 : response.status
        if response.status == 429 { rateLimitedCount += 1 }
        requests.append(record)
        resumeWaiters()
        return response
    }

    private func resumeWaiters() {
        var still: [Waiter] = []
        for waiter in waiters {
            let matched = requests.filter(waiter.predicate)
            if matched.count >= waiter.count {
                waiter.continuation.resume(returning: matched)
            } else {
                still.append(waiter)
            }
        }
        waiters = still
    }

    private func respond(
        to request: FakeDiscordRequest,
        segments: [String],
        template: String,
        major: String,
        now: Duration
    ) -> LoopbackHTTPResponse {
        if let expected = configuration.expectedToken, request.header("Authorization") != "Bot \(expected)" {
            return Self.error(401, code: 0, message: "401: Unauthorized")
        }
        if let index = scripts.firstIndex(where: { script in
            (script.method.map { $0 == request.method } ?? true)
                && (script.pathContains.map { request.path.contains($0) } ?? true)
        }) {
            let failure = scripts[index].failure
            scripts[index].remaining -= 1
            if scripts[index].remaining <= 0 { scripts.remove(at: index) }
            return Self.response(for: failure)
        }
        let exempt = template.hasPrefix("/interactions") || template.hasPrefix("/webhooks")
        if !exempt, let perSecond = configuration.globalLimitPerSecond {
            globalSends.removeAll { now - $0 >= .seconds(1) }
            if globalSends.count >= perSecond, let oldest = globalSends.first {
                return Self.rateLimited(retryAfter: oldest + .seconds(1) - now, global: true, headers: [])
            }
        }
        let bucket =
            template == "/channels/{channel.id}/messages"
                || (template == "/channels/{channel.id}/messages/{message.id}" && request.method == "PATCH")
            ? configuration.messageBucket : configuration.defaultBucket
        let bucketKey =
            bucket.hash == configuration.messageBucket.hash && bucket == configuration.messageBucket
            ? "\(bucket.hash) \(major)" : "\(request.method) \(template) \(major)"
        var window = windows[bucketKey] ?? Window(start: now, used: 0)
        if now - window.start >= bucket.window { window = Window(start: now, used: 0) }
        let resetAfter = window.start + bucket.window - now
        if window.used >= bucket.limit {
            windows[bucketKey] = window
            return Self.rateLimited(
                retryAfter: resetAfter,
                global: false,
                headers: Self.bucketHeaders(bucket, remaining: 0, resetAfter: resetAfter)
            )
        }
        window.used += 1
        windows[bucketKey] = window
        if !exempt { globalSends.append(now) }
        var response = route(request, segments: segments)
        response.headers += Self.bucketHeaders(bucket, remaining: bucket.limit - window.used, resetAfter: resetAfter)
        return response
    }

    // MARK: - Routes

    private func route(_ request: FakeDiscordRequest, segments: [String]) -> LoopbackHTTPResponse {
        let method = request.method
        switch (method, segments.count, segments.first) {
        case ("GET", 2, "gateway") where segments[1] == "bot":
            return Self.json(
                200,
                GatewayBotInfo(
                    url: configuration.gatewayURL,
                    shards: 1,
                    sessionStartLimit: .init(
                        total: 1000,
                        remaining: 999,
                        resetAfterMilliseconds: 14_400_000,
                        maxConcurrency: 1
                    )
                )
            )
        case ("GET", 2, "applications") where segments[1] == "@me":
            return Self.json(
                200,
                Application(
                    id: configuration.applicationID,
                    name: "Fake Bot",
                    bot: User(id: UserID(configuration.applicationID), username: "Fake Bot", bot: true)
                )
            )
        case ("PUT", 5, "applications") where segments[2] == "guilds" && segments[4] == "commands":
            guard var list = try? request.decodePayload([ApplicationCommand].self) else {
                return Self.error(400, code: 50035, message: "Invalid Form Body")
            }
            let guildID = GuildID(segments[3])
            for index in list.indices {
                list[index].id = list[index].id ?? ApplicationCommandID(makeID())
                list[index].applicationID = configuration.applicationID
                list[index].guildID = guildID
            }
            commands[guildID] = list
            return Self.json(200, list)
        case (_, 3, "channels") where segments[2] == "messages":
            return channelMessages(request, channelID: ChannelID(segments[1]), messageID: nil)
        case (_, 4, "channels") where segments[2] == "messages":
            return channelMessages(request, channelID: ChannelID(segments[1]), messageID: MessageID(segments[3]))
        case ("POST", 4, "interactions") where segments[3] == "callback":
            return interactionCallback(request, interactionID: InteractionID(segments[1]), token: segments[2])
        case (_, 5, "webhooks") where segments[3] == "messages" && segments[4] == "@original":
            return original(request, token: segments[2])
        case ("POST", 3, "webhooks"):
            return followup(request, token: segments[2])
        default:
            return Self.error(404, code: 0, message: "404: Not Found")
        }
    }

    private func channelMessages(
        _ request: FakeDiscordRequest,
        channelID: ChannelID,
        messageID: MessageID?
    ) -> LoopbackHTTPResponse {
        guard channelExists(channelID) else { return Self.error(404, code: 10003, message: "Unknown Channel") }
        switch (request.method, messageID) {
        case ("POST", nil):
            guard let payload = try? request.decodePayload(MessagePayload.self) else {
                return Self.error(400, code: 50035, message: "Invalid Form Body")
            }
            var message = Message(id: MessageID(makeID()), channelID: channelID, timestamp: "2024-01-01T00:00:00+00:00")
            apply(payload, files: request.files, to: &message)
            channels[channelID, default: []].append(message)
            return Self.json(200, message)
        case (let method, let messageID?):
            guard let index = channels[channelID]?.firstIndex(where: { $0.id == messageID }) else {
                return Self.error(404, code: 10008, message: "Unknown Message")
            }
            switch method {
            case "GET":
                return Self.json(200, channels[channelID]![index])
            case "DELETE":
                channels[channelID]!.remove(at: index)
                return .empty(204)
            case "PATCH":
                guard let payload = try? request.decodePayload(MessagePayload.self) else {
                    return Self.error(400, code: 50035, message: "Invalid Form Body")
                }
                var message = channels[channelID]![index]
                apply(payload, files: request.files, to: &message)
                message.editedTimestamp = "2024-01-01T00:00:01+00:00"
                channels[channelID]![index] = message
                return Self.json(200, message)
            default:
                return Self.error(405, code: 0, message: "405: Method Not Allowed")
            }
        default:
            return Self.error(405, code: 0, message: "405: Method Not Allowed")
        }
    }

    private func interactionCallback(
        _ request: FakeDiscordRequest,
        interactionID: InteractionID,
        token: String
    ) -> LoopbackHTTPResponse {
        guard let response = try? request.decodePayload(InteractionResponse.self) else {
            return Self.error(400, code: 50035, message: "Invalid Form Body")
        }
        guard !acknowledged.contains(interactionID) else {
            return Self.error(400, code: 40060, message: "Interaction has already been acknowledged.")
        }
        acknowledged.insert(interactionID)
        callbacks.append(
            FakeInteractionCallback(interactionID: interactionID, response: response, files: request.files)
        )
        switch response.type {
        case .channelMessageWithSource, .deferredChannelMessageWithSource:
            var message = Message(id: MessageID(makeID()), channelID: "0")
            message.applicationID = configuration.applicationID
            if let data = response.data { apply(data, files: request.files, to: &message) }
            originals[token] = message
        default:
            break
        }
        return .empty(204)
    }

    private func original(_ request: FakeDiscordRequest, token: String) -> LoopbackHTTPResponse {
        guard var message = originals[token] else { return Self.error(404, code: 10008, message: "Unknown Message") }
        switch request.method {
        case "GET":
            return Self.json(200, message)
        case "DELETE":
            originals[token] = nil
            return .empty(204)
        case "PATCH":
            guard let payload = try? request.decodePayload(MessagePayload.self) else {
                return Self.error(400, code: 50035, message: "Invalid Form Body")
            }
            apply(payload, files: request.files, to: &message)
            originals[token] = message
            return Self.json(200, message)
        default:
            return Self.error(405, code: 0, message: "405: Method Not Allowed")
        }
    }

    private func followup(_ request: FakeDiscordRequest, token: String) -> LoopbackHTTPResponse {
        guard let payload = try? request.decodePayload(MessagePayload.self) else {
            return Self.error(400, code: 50035, message: "Invalid Form Body")
        }
        var message = Message(id: MessageID(makeID()), channelID: "0")
        message.applicationID = configuration.applicationID
        apply(payload, files: request.files, to: &message)
        followups[token, default: []].append(message)
        return Self.json(200, message)
    }

    // MARK: - Helpers

    private func channelExists(_ channelID: ChannelID) -> Bool {
        if removedChannels.contains(channelID) { return false }
        return configuration.acceptsAnyChannel || channels[channelID] != nil
    }

    private func makeID() -> String {
        nextID += 1
        return String(nextID)
    }

    /// Applies a create/edit payload the way Discord does, including the `attachments` rules: listed existing
    /// IDs are kept, listed upload indices become new attachments, unlisted ones are removed; with no
    /// `attachments` array, uploads are added to the existing files.
    private func apply(_ payload: MessagePayload, files: [MultipartPart], to message: inout Message) {
        if let content = payload.content { message.content = content }
        if let embeds = payload.embeds { message.embeds = embeds }
        if let components = payload.components { message.components = components }
        if let flags = payload.flags { message.flags = flags }
        func upload(_ index: Int, description: String?) -> Attachment? {
            guard let part = files.first(where: { $0.name == "files[\(index)]" }) else { return nil }
            let id = AttachmentID(makeID())
            let filename = part.filename ?? "file\(index)"
            attachmentBytes[id] = part.data
            var attachment = Attachment(
                id: id,
                filename: filename,
                size: part.data.count,
                url: "https://cdn.discordapp.com/attachments/\(message.channelID)/\(id)/\(filename)",
                contentType: part.contentType,
                description: description
            )
            attachment.proxyURL = attachment.url
            return attachment
        }
        if let references = payload.attachments {
            var kept: [Attachment] = []
            for reference in references {
                if let existing = message.attachments.first(where: { $0.id == reference.id }) {
                    kept.append(existing)
                } else if let index = Int(reference.id.rawValue),
                    let new = upload(index, description: reference.description)
                {
                    kept.append(new)
                }
            }
            message.attachments = kept
        } else {
            for index in files.indices {
                if let new = upload(index, description: nil) { message.attachments.append(new) }
            }
        }
        // Embeds referencing attachment://name show the uploaded file's CDN URL, as on Discord.
        for embedIndex in message.embeds.indices {
            for keyPath in [\Embed.image, \Embed.thumbnail] {
                guard let url = message.embeds[embedIndex][keyPath: keyPath]?.url, url.hasPrefix("attachment://") else {
                    continue
                }
                let name = String(url.dropFirst("attachment://".count))
                if let attachment = message.attachments.first(where: { $0.filename == name }) {
                    message.embeds[embedIndex][keyPath: keyPath]?.proxyURL = attachment.url
                }
            }
        }
    }

    private static func template(method: String, segments: [String]) -> (String, String) {
        switch (segments.first, segments.count) {
        case ("channels", 3): return ("/channels/{channel.id}/messages", "channel:\(segments[1])")
        case ("channels", 4): return ("/channels/{channel.id}/messages/{message.id}", "channel:\(segments[1])")
        case ("interactions", 4):
            return ("/interactions/{interaction.id}/{interaction.token}/callback", "interaction:\(segments[1])")
        case ("webhooks", 3): return ("/webhooks/{application.id}/{interaction.token}", "webhook:\(segments[2])")
        case ("webhooks", 5):
            return ("/webhooks/{application.id}/{interaction.token}/messages/@original", "webhook:\(segments[2])")
        case ("applications", 5):
            return ("/applications/{application.id}/guilds/{guild.id}/commands", "guild:\(segments[3])")
        default: return ("/" + segments.joined(separator: "/"), "")
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let millis = max(seconds * 1000 + attoseconds / 1_000_000_000_000_000, 0)
        let fraction = String(millis % 1000)
        return "\(millis / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    private static func bucketHeaders(_ bucket: FakeBucket, remaining: Int, resetAfter: Duration) -> [(
        name: String, value: String
    )] {
        [
            ("X-RateLimit-Limit", String(bucket.limit)),
            ("X-RateLimit-Remaining", String(remaining)),
            ("X-RateLimit-Reset-After", seconds(resetAfter)),
            ("X-RateLimit-Bucket", bucket.hash),
        ]
    }

    private static func rateLimited(
        retryAfter: Duration,
        global: Bool,
        headers: [(name: String, value: String)]
    ) -> LoopbackHTTPResponse {
        let (wholeSeconds, attoseconds) = retryAfter.components
        let headerSeconds = wholeSeconds + (attoseconds > 0 ? 1 : 0)
        var all =
            headers + [
                ("Retry-After", String(max(headerSeconds, 0))), ("X-RateLimit-Scope", global ? "global" : "user"),
            ]
        if global { all.append(("X-RateLimit-Global", "true")) }
        return .json(
            429,
            #"{"message":"You are being rate limited.","retry_after":\#(seconds(retryAfter)),"global":\#(global)}"#,
            headers: all
        )
    }

    private static func response(for failure: FakeDiscordFailure) -> LoopbackHTTPResponse {
        switch failure {
        case .discordError(let status, let code, let message, let errorsJSON):
            return error(status, code: code, message: message, errorsJSON: errorsJSON)
        case .serverError(let status):
            return LoopbackHTTPResponse(
                status: status,
                headers: [("Content-Type", "text/plain")],
                body: Array("upstream error".utf8)
            )
        case .dropConnection:
            return .dropConnection
        case .rateLimited(let retryAfter, let global):
            return rateLimited(retryAfter: retryAfter, global: global, headers: [])
        case .oldMessageEditLimit(let retryAfter):
            // HTTP 429 + code 30046 + retry_after, as discord.py reports it ("429 Too Many Requests (error code:
            // 30046)", aikaterna/aikaterna-cogs#302; discord/discord-api-docs#4413).
            let message = "Maximum number of edits to messages older than 1 hour reached. Try again later."
            return .json(
                429,
                #"{"message":\#(quote(message)),"code":30046,"retry_after":\#(seconds(retryAfter)),"global":false}"#
            )
        }
    }

    private static func error(_ status: Int, code: Int, message: String, errorsJSON: String? = nil)
        -> LoopbackHTTPResponse
    {
        var body = #"{"message":\#(quote(message)),"code":\#(code)"#
        if let errorsJSON { body += #","errors":\#(errorsJSON)"# }
        body += "}"
        return .json(status, body)
    }

    private static func quote(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static func json(_ status: Int, _ value: some Encodable) -> LoopbackHTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return error(500, code: 0, message: "encoding failed") }
        return LoopbackHTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(data))
    }
}
