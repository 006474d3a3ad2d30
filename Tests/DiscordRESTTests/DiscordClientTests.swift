import ClientSupport
import DiscordModels
import DiscordREST
import Foundation
import TestSupport
import Testing

@Suite struct DiscordClientTests {
    let channel: ChannelID = "900000000000000001"

    @Test func sendsAuthorizationAndUserAgentAndDecodes() async throws {
        try await RESTHarness.with { h in
            let gateway = try await h.client.getGatewayBot()
            #expect(gateway.url == "wss://gateway.discord.gg")
            let application = try await h.client.getCurrentApplication()
            #expect(application.id == "1100000000000000001")
            let request = try #require(await h.discord.requests.first)
            #expect(request.header("Authorization") == "Bot \(RESTHarness.token.exposedValue)")
            #expect(request.header("User-Agent") == "DiscordBot (https://github.com/pterodisbot/pterodisbot, 9.9.9)")
            #expect(request.path == "/gateway/bot")
        }
    }

    @Test func createsEditsGetsAndDeletesMessages() async throws {
        try await RESTHarness.with { h in
            let created = try await h.client.createMessage(
                channelID: channel,
                payload: MessagePayload(
                    content: "hi",
                    embeds: [Embed(title: "Status")],
                    allowedMentions: AllowedMentions.none
                )
            )
            #expect(created.channelID == channel)
            let edited = try await h.client.editMessage(
                channelID: channel,
                messageID: created.id,
                payload: MessagePayload(embeds: [Embed(title: "Status 2")])
            )
            #expect(edited.content == "hi")
            #expect(edited.embeds.first?.title == "Status 2")
            #expect(
                try await h.client.getMessage(channelID: channel, messageID: created.id).embeds.first?.title
                    == "Status 2"
            )
            try await h.client.deleteMessage(channelID: channel, messageID: created.id)
            #expect(await h.discord.messages(in: channel).isEmpty)
            let payload = try #require(await h.discord.requests.first?.payloadJSON)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
            #expect((json["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [])
            #expect(json["components"] == nil)
            await #expect(throws: DiscordRESTError.self) {
                try await h.client.getMessage(channelID: channel, messageID: created.id)
            }
        }
    }

    @Test func uploadsFilesAsMultipartAndReplacesThemOnEdit() async throws {
        try await RESTHarness.with { h in
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<2048).map { UInt8($0 % 251) }
            let second: [UInt8] = Array("--not-a-boundary\r\n\r\nbinary".utf8) + [0, 255, 13, 10]
            let created = try await h.client.createMessage(
                channelID: channel,
                payload: MessagePayload(embeds: [Embed(title: "Graph", image: .attachment("graph.png"))]),
                files: [
                    DiscordFile(name: "graph.png", data: png),
                    DiscordFile(name: "raw.bin", contentType: "application/octet-stream", data: second),
                ]
            )
            #expect(created.attachments.map(\.filename) == ["graph.png", "raw.bin"])
            let request = try #require(await h.discord.requests.last)
            #expect(request.header("Content-Type")?.hasPrefix("multipart/form-data; boundary=") == true)
            #expect(request.files.map(\.name) == ["files[0]", "files[1]"])
            #expect(request.files.map(\.filename) == ["graph.png", "raw.bin"])
            #expect(request.files[0].contentType == "image/png")
            #expect(request.files[0].data == png)
            #expect(request.files[1].data == second)
            let sent = try request.decodePayload(MessagePayload.self)
            #expect(
                sent.attachments == [
                    AttachmentReference(upload: 0, filename: "graph.png"),
                    AttachmentReference(upload: 1, filename: "raw.bin"),
                ]
            )
            #expect(sent.embeds?.first?.image?.url == "attachment://graph.png")
            #expect(await h.discord.attachmentData(created.attachments[0].id) == png)

            let newPNG: [UInt8] = png.reversed()
            let edited = try await h.client.editMessage(
                channelID: channel,
                messageID: created.id,
                payload: MessagePayload(embeds: [Embed(title: "Graph", image: .attachment("graph.png"))]),
                files: [DiscordFile(name: "graph.png", data: newPNG)]
            )
            #expect(edited.attachments.count == 1)
            #expect(edited.attachments[0].id != created.attachments[0].id)
            #expect(await h.discord.attachmentData(edited.attachments[0].id) == newPNG)
        }
    }

    @Test func decodesEveryScriptedDiscordError() async throws {
        try await RESTHarness.with { h in
            let message = try await h.client.createMessage(channelID: channel, payload: MessagePayload(content: "x"))
            let cases: [(FakeDiscordFailure, DiscordErrorCode, Int)] = [
                (.unknownChannel, .unknownChannel, 404),
                (.unknownMessage, .unknownMessage, 404),
                (.tooManyEditsToOldMessage, .tooManyEditsToOldMessage, 429),
                (.missingAccess, .missingAccess, 403),
                (.missingPermissions, .missingPermissions, 403),
                (
                    .invalidFormBody(field: "embeds.0.title", message: "Must be 256 or fewer in length."),
                    .invalidFormBody, 400
                ),
            ]
            for (failure, code, status) in cases {
                await h.discord.failNext(failure, method: "PATCH", pathContains: message.id.rawValue)
                let error = await #expect(throws: DiscordRESTError.self) {
                    _ = try await h.client.editMessage(
                        channelID: channel,
                        messageID: message.id,
                        payload: MessagePayload(content: "y")
                    )
                }
                #expect(error?.discordCode == code)
                #expect(error?.status == status)
            }
            await h.discord.failNext(
                .invalidFormBody(field: "embeds.0.title", message: "Must be 256 or fewer in length.")
            )
            let error = await #expect(throws: DiscordRESTError.self) {
                _ = try await h.client.createMessage(channelID: channel, payload: MessagePayload(content: "z"))
            }
            #expect(error?.fieldErrors == ["embeds.0.title: Must be 256 or fewer in length."])
            #expect(error?.description.contains("embeds.0.title: Must be 256 or fewer in length.") == true)
            // 4xx is never retried: one request per scripted failure plus the create and this one.
            #expect(await h.discord.requests.count == 1 + cases.count + 1)
            #expect(await h.client.statistics().forbidden == 2)
        }
    }

    @Test func interactionErrorsAndLogsNeverContainTheToken() async throws {
        try await RESTHarness.with(retry: .none) { h in
            let token = Secret("aW50ZXJhY3Rpb246MTIzNDU2Nzg5OnZlcnktc2VjcmV0LWludGVyYWN0aW9uLXRva2Vu")
            try await h.client.createInteractionResponse(
                interactionID: "77",
                token: token,
                response: .message(MessagePayload(content: "hello"), ephemeral: true)
            )
            let callback = try #require(await h.discord.interactionCallbacks.first)
            #expect(callback.response.type == .channelMessageWithSource)
            #expect(callback.response.data?.flags == .ephemeral)
            let again = await #expect(throws: DiscordRESTError.self) {
                try await h.client.createInteractionResponse(
                    interactionID: "77",
                    token: token,
                    response: .deferredUpdate
                )
            }
            #expect(again?.discordCode == .interactionAlreadyAcknowledged)
            await h.discord.failNext(.unknownInteraction, pathContains: "/interactions/78/")
            let late = await #expect(throws: DiscordRESTError.self) {
                try await h.client.createInteractionResponse(
                    interactionID: "78",
                    token: token,
                    response: .deferredMessage()
                )
            }
            #expect(late?.discordCode == .unknownInteraction)
            await h.discord.failNext(.dropConnection, pathContains: "/webhooks/")
            let dropped = await #expect(throws: DiscordRESTError.self) {
                _ = try await h.client.editOriginalResponse(
                    applicationID: "1",
                    token: token,
                    payload: MessagePayload(content: "edited")
                )
            }
            let original = try await h.client.editOriginalResponse(
                applicationID: "1",
                token: token,
                payload: MessagePayload(content: "edited")
            )
            #expect(original.content == "edited")
            #expect(try await h.client.getOriginalResponse(applicationID: "1", token: token).content == "edited")
            let followup = try await h.client.createFollowupMessage(
                applicationID: "1",
                token: token,
                payload: MessagePayload(content: "more", flags: .ephemeral)
            )
            #expect(await h.discord.followups(token: token.exposedValue).map(\.id) == [followup.id])
            try await h.client.deleteOriginalResponse(applicationID: "1", token: token)
            #expect(await h.discord.originalResponse(token: token.exposedValue) == nil)

            let texts = [again, late, dropped].compactMap { $0 }.flatMap { [String(describing: $0), "\($0)"] }
            #expect(texts.count == 6)
            for text in texts + h.logs.all {
                #expect(!text.contains(token.exposedValue))
                #expect(!text.contains(RESTHarness.token.exposedValue))
            }
            #expect(
                h.logs.all.contains {
                    $0.contains("discord.route=POST /interactions/{interaction.id}/{interaction.token}/callback")
                }
            )
        }
    }

    @Test func oldMessageEditLimitIsAFinalErrorNotARateLimitToSleepThrough() async throws {
        try await RESTHarness.with { h in
            let message = try await h.client.createMessage(channelID: channel, payload: MessagePayload(content: "x"))
            // A retry_after past the limiter's 120 s maximum wait: were the 429 treated as a bucket limit, the next
            // edit in this channel would fail as rate limited instead of going out.
            await h.discord.failNext(.oldMessageEditLimit(retryAfter: .seconds(300)), method: "PATCH")
            let error = await #expect(throws: DiscordRESTError.self) {
                _ = try await h.client.editMessage(
                    channelID: channel,
                    messageID: message.id,
                    payload: MessagePayload(content: "y")
                )
            }
            #expect(error?.status == 429)
            #expect(error?.discordCode == .tooManyEditsToOldMessage)
            #expect(error?.isTransient == false)
            #expect(h.clock.sleeperCount == 0)
            #expect(await h.discord.requests.map(\.status) == [200, 429])
            // The repost and later edits in the same channel are not held by the 30046 answer.
            let repost = try await h.client.createMessage(channelID: channel, payload: MessagePayload(content: "y"))
            _ = try await h.client.editMessage(
                channelID: channel,
                messageID: repost.id,
                payload: MessagePayload(content: "z")
            )
            #expect(await h.discord.requests.map(\.status) == [200, 429, 200, 200])
            #expect(h.clock.sleeperCount == 0)
        }
    }

    @Test func expiredInteractionTokenFailsOnlyThatRequest() async throws {
        try await RESTHarness.with { h in
            let token = Secret("aW50ZXJhY3Rpb246OTk5OmV4cGlyZWQtaW50ZXJhY3Rpb24tdG9rZW4tZm9yLXRlc3Rz")
            await h.discord.failNext(.invalidWebhookToken, pathContains: "/webhooks/")
            let edit = await #expect(throws: DiscordRESTError.self) {
                _ = try await h.client.editOriginalResponse(
                    applicationID: "1",
                    token: token,
                    payload: MessagePayload(content: "late")
                )
            }
            #expect(edit?.status == 401)
            #expect(edit?.discordCode == .invalidWebhookToken)
            await h.discord.failNext(.invalidWebhookToken, pathContains: "/interactions/")
            let callback = await #expect(throws: DiscordRESTError.self) {
                try await h.client.createInteractionResponse(
                    interactionID: "79",
                    token: token,
                    response: .deferredUpdate
                )
            }
            #expect(callback?.discordCode == .invalidWebhookToken)
            #expect(await h.client.isStopped == false)
            // Bot-token routes keep working.
            _ = try await h.client.createMessage(channelID: channel, payload: MessagePayload(content: "still up"))
            #expect(await h.client.statistics().unauthorized == 2)
            for text in [edit, callback].compactMap({ $0.map { "\($0)" } }) + h.logs.all {
                #expect(!text.contains(token.exposedValue))
            }
        }
    }

    @Test func unauthorizedStopsTheClient() async throws {
        try await RESTHarness.with(fake: FakeDiscordRESTConfiguration(expectedToken: "another-token")) { h in
            let error = await #expect(throws: DiscordRESTError.self) { _ = try await h.client.getGatewayBot() }
            guard case .tokenRejected? = error else {
                Issue.record("expected tokenRejected, got \(String(describing: error))")
                return
            }
            #expect(await h.client.isStopped)
            await #expect(throws: DiscordRESTError.self) { _ = try await h.client.getCurrentApplication() }
            #expect(await h.discord.requests.count == 1)
            #expect(await h.client.statistics().unauthorized == 1)
            #expect(error?.description.contains(RESTHarness.token.exposedValue) == false)
        }
    }

    @Test func serverErrorsAndDroppedConnectionsAreRetriedWithBackoff() async throws {
        try await RESTHarness.with { h in
            await h.discord.failNext(.serverError(status: 502), method: "GET")
            await h.discord.failNext(.dropConnection, method: "GET")
            let task = Task { try await h.client.getGatewayBot() }
            // First retry: 500 ms × jitter factor 0.5 (random source 0).
            await h.clock.waitForSleepers(count: 1)
            #expect(await h.discord.requests.count == 1)
            h.clock.advance(by: .milliseconds(249))
            #expect(h.clock.sleeperCount == 1)
            h.clock.advance(by: .milliseconds(1))
            // Second retry after the dropped connection: 1 s × 0.5.
            await h.clock.waitForSleepers(count: 1)
            h.clock.advance(by: .milliseconds(500))
            let gateway = try await task.value
            #expect(gateway.shards == 1)
            let requests = await h.discord.requests
            #expect(requests.map(\.status) == [502, 0, 200])
            #expect(requests.map(\.arrival) == [.zero, .milliseconds(250), .milliseconds(750)])
            #expect(await h.client.statistics().retries == 2)
        }
    }

    @Test func serverErrorsGiveUpAfterTheAttemptBudget() async throws {
        try await RESTHarness.with(retry: RetryPolicy(maxAttempts: 2)) { h in
            await h.discord.failNext(.serverError(status: 500), count: 5)
            let task = Task { try await h.client.getGatewayBot() }
            await h.clock.waitForSleepers(count: 1)
            h.clock.advanceToNextDeadline()
            let error = await #expect(throws: DiscordRESTError.self) { _ = try await task.value }
            #expect(error?.status == 500)
            #expect(await h.discord.requests.count == 2)
        }
    }

    @Test func failedPostsAreNeverRetriedSoNothingIsPostedTwice() async throws {
        try await RESTHarness.with { h in
            await h.discord.failNext(.serverError(status: 502), method: "POST")
            await h.discord.failNext(.dropConnection, method: "POST")
            let channel: ChannelID = "300000000000000001"
            let first = await #expect(throws: DiscordRESTError.self) {
                _ = try await h.client.createMessage(channelID: channel, payload: MessagePayload(content: "a"))
            }
            #expect(first?.status == 502)
            await #expect(throws: DiscordRESTError.self) {
                _ = try await h.client.createMessage(channelID: channel, payload: MessagePayload(content: "b"))
            }
            #expect(await h.discord.requests.map(\.method) == ["POST", "POST"])
            #expect(h.clock.sleeperCount == 0)
        }
    }

    @Test func bulkOverwritesGuildCommands() async throws {
        try await RESTHarness.with { h in
            let commands = [
                ApplicationCommand(
                    name: "status",
                    description: "Show status",
                    options: [
                        ApplicationCommandOption(
                            type: .string,
                            name: "server",
                            description: "Server",
                            autocomplete: true
                        )
                    ],
                    defaultMemberPermissions: .manageGuild,
                    contexts: [.guild]
                )
            ]
            let registered = try await h.client.bulkOverwriteGuildCommands(
                applicationID: "1100000000000000001",
                guildID: "800000000000000001",
                commands: commands
            )
            #expect(registered.first?.id != nil)
            #expect(await h.discord.commands(in: "800000000000000001").map(\.name) == ["status"])
            let request = try #require(await h.discord.requests.last)
            #expect(request.method == "PUT")
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(request.payloadJSON ?? [])) as? [[String: Any]]
            )
            #expect(json.first?["default_member_permissions"] as? Int == 32)
            #expect(json.first?["contexts"] as? [Int] == [0])
            #expect(json.first?["type"] as? Int == 1)
        }
    }
}
