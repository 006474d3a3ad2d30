import DiscordModels
import Foundation
import Testing

@Suite struct PayloadEncodingTests {
    @Test func interactionResponsesHaveTheSpecShape() throws {
        let reply = try Fixture.jsonObject(InteractionResponse.message(MessagePayload(content: "hi"), ephemeral: true))
        #expect(reply["type"] as? Int == 4)
        let data = try #require(reply["data"] as? [String: Any])
        #expect(data["content"] as? String == "hi")
        #expect(data["flags"] as? Int == 64)

        let deferred = try Fixture.jsonObject(InteractionResponse.deferredMessage(ephemeral: true))
        #expect(deferred["type"] as? Int == 5)
        #expect((deferred["data"] as? [String: Any])?["flags"] as? Int == 64)
        #expect(try Fixture.jsonObject(InteractionResponse.deferredMessage())["data"] == nil)

        let update = try Fixture.jsonObject(InteractionResponse.deferredUpdate)
        #expect(update["type"] as? Int == 6)
        #expect(update.count == 1)

        let edit = try Fixture.jsonObject(InteractionResponse.updateMessage(MessagePayload(embeds: [])))
        #expect(edit["type"] as? Int == 7)
        #expect((edit["data"] as? [String: Any])?["embeds"] as? [Any] != nil)
    }

    @Test func messagePayloadEncodesComponentsAttachmentsAndMentions() throws {
        let payload = MessagePayload(
            content: "",
            embeds: [Embed(title: "Graph", color: 0x57F287, image: .attachment("graph.png"))],
            components: [
                .actionRow(
                    ActionRow([
                        .button(Button(style: .primary, label: "Refresh", customID: "refresh")),
                        .button(Button(style: .link, label: "Panel", url: "https://panel.example.com")),
                    ])
                ),
                .actionRow(
                    ActionRow([
                        .stringSelect(
                            StringSelect(
                                customID: "pick",
                                options: [SelectOption(label: "A", value: "a", isDefault: true)],
                                placeholder: "Choose",
                                minValues: 1,
                                maxValues: 1
                            )
                        )
                    ])
                ),
            ],
            attachments: [AttachmentReference(upload: 0, filename: "graph.png"), AttachmentReference(existing: "123")],
            allowedMentions: AllowedMentions.none
        )
        let json = try Fixture.jsonObject(payload)
        #expect(json["content"] as? String == "")
        let rows = try #require(json["components"] as? [[String: Any]])
        #expect(rows.map { $0["type"] as? Int } == [1, 1])
        let buttons = try #require(rows[0]["components"] as? [[String: Any]])
        #expect(buttons[0]["type"] as? Int == 2)
        #expect(buttons[0]["style"] as? Int == 1)
        #expect(buttons[0]["custom_id"] as? String == "refresh")
        #expect(buttons[1]["url"] as? String == "https://panel.example.com")
        let select = try #require((rows[1]["components"] as? [[String: Any]])?.first)
        #expect(select["type"] as? Int == 3)
        #expect(select["min_values"] as? Int == 1)
        #expect((select["options"] as? [[String: Any]])?.first?["default"] as? Bool == true)
        let attachments = try #require(json["attachments"] as? [[String: Any]])
        #expect(attachments[0]["id"] as? String == "0")
        #expect(attachments[0]["filename"] as? String == "graph.png")
        #expect(attachments[1]["id"] as? String == "123")
        #expect((json["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [])
        #expect(json["flags"] == nil)
        #expect(try Fixture.roundTrip(payload) == payload)
    }

    @Test func modelsRoundTripAgainstFixtures() throws {
        for name in ["message"] {
            let message = try Fixture.decode(Message.self, name)
            #expect(try Fixture.roundTrip(message) == message)
        }
        let interaction = try Fixture.decode(Interaction.self, "interaction_component")
        #expect(try Fixture.roundTrip(interaction) == interaction)
        let command = try Fixture.decode(Interaction.self, "interaction_command")
        #expect(try Fixture.roundTrip(command) == command)
        let guild = try Fixture.decode(Guild.self, "guild_create")
        #expect(try Fixture.roundTrip(guild) == guild)
        let gateway = try Fixture.decode(GatewayBotInfo.self, "gateway_bot")
        #expect(try Fixture.roundTrip(gateway) == gateway)
        let json = try Fixture.jsonObject(gateway)
        #expect((json["session_start_limit"] as? [String: Any])?["max_concurrency"] as? Int == 1)
    }

    @Test func applicationCommandEncodesTheUpdateRequestShape() throws {
        let command = ApplicationCommand(
            name: "status",
            description: "Show status",
            options: [
                ApplicationCommandOption(
                    type: .string,
                    name: "server",
                    description: "Server",
                    required: true,
                    choices: [ApplicationCommandOptionChoice(name: "Survival", value: .string("srv-1"))]
                )
            ],
            defaultMemberPermissions: [.manageGuild],
            dmPermission: false,
            contexts: [.guild]
        )
        let json = try Fixture.jsonObject(command)
        #expect(json["name"] as? String == "status")
        #expect(json["type"] as? Int == 1)
        #expect(json["default_member_permissions"] as? Int == 32)
        #expect(json["dm_permission"] as? Bool == false)
        #expect(json["contexts"] as? [Int] == [0])
        let option = try #require((json["options"] as? [[String: Any]])?.first)
        #expect(option["type"] as? Int == 3)
        #expect(option["required"] as? Bool == true)
        #expect((option["choices"] as? [[String: Any]])?.first?["value"] as? String == "srv-1")
    }
}

@Suite struct LimitsTests {
    @Test func truncatesEmbedTextsWithAnEllipsis() {
        let long = String(repeating: "a", count: 5000)
        let embed = Embed(
            title: long,
            description: long,
            footer: Embed.Footer(text: long),
            author: Embed.Author(name: long),
            fields: (0..<30).map { _ in Embed.Field(name: long, value: long) }
        ).clampedToLimits()
        #expect(embed.title?.unicodeScalars.count == 256)
        #expect(embed.title?.hasSuffix("…") == true)
        #expect(embed.description?.unicodeScalars.count == 4096)
        #expect(embed.footer?.text.unicodeScalars.count == 2048)
        #expect(embed.author?.name.unicodeScalars.count == 256)
        #expect(embed.fields?.count == 25)
        #expect(embed.fields?.first?.name.unicodeScalars.count == 256)
        #expect(embed.fields?.first?.value.unicodeScalars.count == 1024)
        let short = Embed(title: "ok", description: "fine")
        #expect(short.clampedToLimits() == short)
    }

    @Test func keepsTheMessageTotalAt6000() {
        let fields = (0..<10).map { Embed.Field(name: "CPU \($0)", value: String(repeating: "x", count: 500)) }
        let payload = MessagePayload(embeds: [
            Embed(title: "A", description: String(repeating: "d", count: 3000), fields: fields)
        ]).clampedToLimits()
        let embed = payload.embeds![0]
        #expect(embed.totalLength <= DiscordLimits.embedTotal)
        #expect(embed.fields?.count == 10)  // the description gave way first
        #expect(embed.description?.hasSuffix("…") == true)
    }

    @Test func neverSplitsGraphemeClusters() {
        let flags = String(repeating: "🇩🇪", count: 200)  // two scalars each
        let cut = truncateForDiscord(flags, limit: 256)
        #expect(cut.unicodeScalars.count <= 256)
        #expect(cut.dropLast().allSatisfy { $0 == "🇩🇪" })
    }

    @Test func clampsComponents() {
        let buttons = (0..<7).map { _ in
            Component.button(
                Button(
                    style: .secondary,
                    label: String(repeating: "l", count: 90),
                    customID: String(repeating: "c", count: 120)
                )
            )
        }
        let options = (0..<30).map {
            SelectOption(
                label: String(repeating: "o", count: 120),
                value: "v\($0)",
                description: String(repeating: "d", count: 120)
            )
        }
        let rows =
            (0..<6).map { _ in Component.actionRow(ActionRow(buttons)) }
            + [.actionRow(ActionRow([.stringSelect(StringSelect(customID: "s", options: options, maxValues: 30))]))]
        let payload = MessagePayload(components: Array(rows.suffix(1) + rows.prefix(6))).clampedToLimits()
        let clamped = payload.components!
        #expect(clamped.count == 5)
        guard case .actionRow(let selectRow) = clamped[0], case .stringSelect(let select) = selectRow.components[0]
        else {
            Issue.record("first row should keep its select")
            return
        }
        #expect(select.options.count == 25)
        #expect(select.maxValues == 25)
        #expect(select.options[0].label.unicodeScalars.count == 100)
        #expect(select.options[0].description?.unicodeScalars.count == 100)
        guard case .actionRow(let buttonRow) = clamped[1], case .button(let button) = buttonRow.components[0] else {
            Issue.record("second row should hold buttons")
            return
        }
        #expect(buttonRow.components.count == 5)
        #expect(button.customID?.count == 100)
        #expect(button.customID?.hasSuffix("…") == false)
        #expect(button.label?.unicodeScalars.count == 80)
    }
}
