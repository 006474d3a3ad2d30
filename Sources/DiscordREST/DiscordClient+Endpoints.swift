import DiscordModels
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// MARK: - Endpoints the bot uses

extension DiscordClient {
    /// GET /gateway/bot: the gateway URL, shard count and identify budget.
    /// See https://discord.com/developers/docs/events/gateway#get-gateway-bot
    /// - Returns: The gateway info.
    /// - Throws: ``DiscordRESTError``.
    public func getGatewayBot() async throws -> GatewayBotInfo {
        try await sendDecoding(DiscordRequest(route: .getGatewayBot), as: GatewayBotInfo.self)
    }

    /// GET /applications/@me: the bot's application (its ID is needed for commands and interaction webhooks).
    /// See https://discord.com/developers/docs/resources/application#get-current-application
    /// - Returns: The application.
    /// - Throws: ``DiscordRESTError``.
    public func getCurrentApplication() async throws -> Application {
        try await sendDecoding(DiscordRequest(route: .getCurrentApplication), as: Application.self)
    }

    /// PUT /applications/{application.id}/guilds/{guild.id}/commands: replaces all guild commands.
    /// See https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-guild-application-commands
    /// - Parameters:
    ///   - applicationID: The bot's application.
    ///   - guildID: The guild.
    ///   - commands: The full list of commands.
    /// - Returns: The registered commands.
    /// - Throws: ``DiscordRESTError``.
    public func bulkOverwriteGuildCommands(
        applicationID: ApplicationID,
        guildID: GuildID,
        commands: [ApplicationCommand]
    ) async throws -> [ApplicationCommand] {
        let route = Route.bulkOverwriteGuildCommands(applicationID: applicationID, guildID: guildID)
        return try await sendDecoding(
            DiscordRequest(route: route, body: .json(try Self.encodeJSON(commands, route: route))),
            as: [ApplicationCommand].self
        )
    }

    /// POST /channels/{channel.id}/messages, with optional PNG uploads.
    /// See https://discord.com/developers/docs/resources/message#create-message
    /// - Parameters:
    ///   - channelID: The channel.
    ///   - payload: The message; embeds refer to uploads as `attachment://<name>`.
    ///   - files: Files sent as `files[n]`; when `payload.attachments` is nil it is filled from them.
    /// - Returns: The created message.
    /// - Throws: ``DiscordRESTError``.
    public func createMessage(
        channelID: ChannelID,
        payload: MessagePayload,
        files: [DiscordFile] = []
    ) async throws -> Message {
        let route = Route.createMessage(channelID: channelID)
        return try await sendDecoding(Self.request(route, payload: payload, files: files), as: Message.self)
    }

    /// PATCH /channels/{channel.id}/messages/{message.id}.
    ///
    /// With `files` and `payload.attachments == nil`, the `attachments` array lists only the new uploads, so the
    /// message's previous files (the old graph) are removed and replaced.
    /// See https://discord.com/developers/docs/resources/message#edit-message
    /// - Parameters:
    ///   - channelID: The channel.
    ///   - messageID: The message.
    ///   - payload: Fields to change.
    ///   - files: New uploads.
    /// - Returns: The edited message.
    /// - Throws: ``DiscordRESTError`` (10008 when the message is gone, 30046 when an old message was edited too
    ///   often).
    public func editMessage(
        channelID: ChannelID,
        messageID: MessageID,
        payload: MessagePayload,
        files: [DiscordFile] = []
    ) async throws -> Message {
        let route = Route.editMessage(channelID: channelID, messageID: messageID)
        return try await sendDecoding(Self.request(route, payload: payload, files: files), as: Message.self)
    }

    /// DELETE /channels/{channel.id}/messages/{message.id}.
    /// - Parameters:
    ///   - channelID: The channel.
    ///   - messageID: The message.
    /// - Throws: ``DiscordRESTError``.
    public func deleteMessage(channelID: ChannelID, messageID: MessageID) async throws {
        try await sendExpectingSuccess(
            DiscordRequest(route: .deleteMessage(channelID: channelID, messageID: messageID))
        )
    }

    /// GET /channels/{channel.id}/messages/{message.id}.
    /// - Parameters:
    ///   - channelID: The channel.
    ///   - messageID: The message.
    /// - Returns: The message.
    /// - Throws: ``DiscordRESTError``.
    public func getMessage(channelID: ChannelID, messageID: MessageID) async throws -> Message {
        try await sendDecoding(
            DiscordRequest(route: .getMessage(channelID: channelID, messageID: messageID)),
            as: Message.self
        )
    }

    /// POST /interactions/{interaction.id}/{interaction.token}/callback: answers an interaction (within 3 s).
    /// See https://discord.com/developers/docs/interactions/receiving-and-responding#create-interaction-response
    /// - Parameters:
    ///   - interactionID: The interaction.
    ///   - token: The interaction token (kept out of logs and errors).
    ///   - response: The callback.
    ///   - files: Uploads for a type 4 or 7 response.
    /// - Throws: ``DiscordRESTError`` (10062 when too late, 40060 when already acknowledged).
    public func createInteractionResponse(
        interactionID: InteractionID,
        token: Secret,
        response: InteractionResponse,
        files: [DiscordFile] = []
    ) async throws {
        let route = Route.createInteractionResponse(interactionID: interactionID, token: token)
        var response = response
        if !files.isEmpty, var data = response.data {
            data.attachments = data.attachments ?? Self.uploadReferences(files)
            response.data = data
        }
        let json = try Self.encodeJSON(response, route: route)
        let body: DiscordRequest.Body = files.isEmpty ? .json(json) : .multipart(payloadJSON: json, files: files)
        try await sendExpectingSuccess(DiscordRequest(route: route, body: body))
    }

    /// GET /webhooks/{application.id}/{interaction.token}/messages/@original.
    /// - Parameters:
    ///   - applicationID: The bot's application.
    ///   - token: The interaction token.
    /// - Returns: The original response message.
    /// - Throws: ``DiscordRESTError``.
    public func getOriginalResponse(applicationID: ApplicationID, token: Secret) async throws -> Message {
        try await sendDecoding(
            DiscordRequest(route: .getOriginalResponse(applicationID: applicationID, token: token)),
            as: Message.self
        )
    }

    /// PATCH /webhooks/{application.id}/{interaction.token}/messages/@original (e.g. after a deferred response).
    /// - Parameters:
    ///   - applicationID: The bot's application.
    ///   - token: The interaction token.
    ///   - payload: Fields to change.
    ///   - files: New uploads (replacing previous ones unless `payload.attachments` says otherwise).
    /// - Returns: The edited message.
    /// - Throws: ``DiscordRESTError``.
    public func editOriginalResponse(
        applicationID: ApplicationID,
        token: Secret,
        payload: MessagePayload,
        files: [DiscordFile] = []
    ) async throws -> Message {
        let route = Route.editOriginalResponse(applicationID: applicationID, token: token)
        return try await sendDecoding(Self.request(route, payload: payload, files: files), as: Message.self)
    }

    /// DELETE /webhooks/{application.id}/{interaction.token}/messages/@original.
    /// - Parameters:
    ///   - applicationID: The bot's application.
    ///   - token: The interaction token.
    /// - Throws: ``DiscordRESTError``.
    public func deleteOriginalResponse(applicationID: ApplicationID, token: Secret) async throws {
        try await sendExpectingSuccess(
            DiscordRequest(route: .deleteOriginalResponse(applicationID: applicationID, token: token))
        )
    }

    /// POST /webhooks/{application.id}/{interaction.token}: a followup message.
    /// - Parameters:
    ///   - applicationID: The bot's application.
    ///   - token: The interaction token.
    ///   - payload: The message (set `flags: .ephemeral` for an ephemeral followup).
    ///   - files: Uploads.
    /// - Returns: The created message.
    /// - Throws: ``DiscordRESTError``.
    public func createFollowupMessage(
        applicationID: ApplicationID,
        token: Secret,
        payload: MessagePayload,
        files: [DiscordFile] = []
    ) async throws -> Message {
        let route = Route.createFollowupMessage(applicationID: applicationID, token: token)
        return try await sendDecoding(
            Self.request(route, payload: payload, files: files),
            as: Message.self,
            query: [("wait", "true")]
        )
    }
}

// MARK: - Helpers

extension DiscordClient {
    /// Sends and decodes a 2xx JSON body.
    /// - Throws: ``DiscordRESTError/http(route:status:body:)`` for non-2xx, `.decoding` for a bad body.
    public func sendDecoding<T: Decodable>(
        _ request: DiscordRequest,
        as type: T.Type,
        query: [(name: String, value: String)] = []
    ) async throws -> T {
        var request = request
        request.query += query
        let response = try await send(request)
        try Self.check(response, route: request.route)
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw DiscordRESTError.decoding(
                route: request.route.description,
                type: String(describing: T.self),
                reason: request.route.redact(String(describing: error))
            )
        }
    }

    /// Sends and only checks for a 2xx status.
    /// - Throws: ``DiscordRESTError/http(route:status:body:)`` for non-2xx.
    public func sendExpectingSuccess(_ request: DiscordRequest) async throws {
        try Self.check(try await send(request), route: request.route)
    }

    private static func check(_ response: DiscordResponse, route: Route) throws {
        guard !response.isSuccess else { return }
        throw DiscordRESTError.http(
            route: route.description,
            status: response.status,
            body: DiscordErrorBody(json: response.body)
        )
    }

    static func uploadReferences(_ files: [DiscordFile]) -> [AttachmentReference] {
        files.enumerated().map {
            AttachmentReference(upload: $0.offset, filename: $0.element.name, description: $0.element.description)
        }
    }

    static func request(_ route: Route, payload: MessagePayload, files: [DiscordFile]) throws -> DiscordRequest {
        guard !files.isEmpty else {
            return DiscordRequest(route: route, body: .json(try encodeJSON(payload, route: route)))
        }
        var payload = payload
        payload.attachments = payload.attachments ?? uploadReferences(files)
        return DiscordRequest(
            route: route,
            body: .multipart(payloadJSON: try encodeJSON(payload, route: route), files: files)
        )
    }

    static func encodeJSON(_ value: some Encodable, route: Route) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw DiscordRESTError.encoding(route: route.description, reason: String(describing: error))
        }
    }
}
