import DiscordModels
import Foundation
import Testing

@Suite struct DecodeTests {
    @Test func decodesCommandInteractionWithUnknownFieldsAndOptionTypes() throws {
        let interaction = try Fixture.decode(Interaction.self, "interaction_command")
        #expect(interaction.id == InteractionID("1234567890123456789"))
        #expect(interaction.applicationID == "1100000000000000001")
        #expect(interaction.type == .applicationCommand)
        #expect(interaction.guildID == "800000000000000001")
        #expect(interaction.channelID == "900000000000000001")
        #expect(interaction.channel?.type == .guildText)
        #expect(interaction.member?.roles == ["600000000000000001", "600000000000000002"])
        #expect(interaction.member?.permissions?.contains(.administrator) == true)
        #expect(interaction.invokingUser?.username == "alice")
        #expect(interaction.locale == "en-US")
        #expect(interaction.context == .guild)
        let data = try #require(interaction.data?.applicationCommand)
        #expect(data.name == "status")
        #expect(data.type == .chatInput)
        #expect(data.option(named: "server")?.value == .string("a1b2c3d4"))
        #expect(data.option(named: "public")?.value == .bool(true))
        #expect(data.option(named: "count")?.value == .int(3))
        #expect(data.option(named: "future")?.type == .unknown(99))
        #expect(data.option(named: "future")?.value == .double(1.5))
    }

    @Test func interactionTokenIsRedacted() throws {
        let interaction = try Fixture.decode(Interaction.self, "interaction_command")
        let token = interaction.token.exposedValue
        #expect(token.hasPrefix("aW50"))
        for text in [
            "\(interaction)", String(describing: interaction), String(reflecting: interaction),
            "\(interaction.token)",
        ] {
            #expect(!text.contains(token))
        }
        var dumped = ""
        dump(interaction, to: &dumped)
        #expect(!dumped.contains(token))
        #expect(interaction.token.description == "Secret(****\(token.suffix(4)))")
    }

    @Test func decodesComponentInteractionWithUnknownComponentsAndStyles() throws {
        let interaction = try Fixture.decode(Interaction.self, "interaction_component")
        #expect(interaction.type == .messageComponent)
        let data = try #require(interaction.data?.messageComponent)
        #expect(data.customID == "status:select")
        #expect(data.componentType == .stringSelect)
        #expect(data.values == ["srv-1", "srv-2"])
        let message = try #require(interaction.message)
        #expect(message.components.count == 3)
        guard case .actionRow(let selectRow) = message.components[0],
            case .stringSelect(let select) = selectRow.components.first
        else {
            Issue.record("first row should hold a string select")
            return
        }
        #expect(select.placeholder == "Pick a server")
        #expect(select.options.first?.isDefault == true)
        #expect(select.options.first?.emoji?.name == "🟢")
        guard case .actionRow(let buttons) = message.components[1] else {
            Issue.record("second row should be an action row")
            return
        }
        #expect(buttons.components.count == 3)
        if case .button(let link) = buttons.components[1] {
            #expect(link.style == .link)
            #expect(link.url == "https://panel.example.com")
        } else {
            Issue.record("expected a link button")
        }
        if case .button(let future) = buttons.components[2] {
            #expect(future.style == .unknown(42))
        } else {
            Issue.record("expected a button with an unknown style")
        }
        #expect(message.components[2] == .unknown(.unknown(17)))
        #expect(interaction.token.description == "Secret(****)")
    }

    @Test func decodesGuildCreateRolesAndChannels() throws {
        let guild = try Fixture.decode(Guild.self, "guild_create")
        #expect(guild.id == "800000000000000001")
        #expect(guild.name == "Game Night")
        #expect(guild.ownerID == "700000000000000001")
        #expect(guild.roles.map(\.name) == ["@everyone", "Admins"])
        #expect(guild.roles[1].permissions == .administrator)
        #expect(guild.memberCount == 42)
        #expect(guild.channels?.map(\.type) == [.guildText, .guildVoice, .unknown(77)])
    }

    @Test func decodesUnavailableGuild() throws {
        let guild = try JSONDecoder().decode(Guild.self, from: Data(#"{"id":"1","unavailable":true}"#.utf8))
        #expect(guild.unavailable == true)
        #expect(guild.roles.isEmpty)
    }

    @Test func decodesMessageWithEmbedsAndAttachments() throws {
        let message = try Fixture.decode(Message.self, "message")
        #expect(message.id == "1000000000000000002")
        #expect(message.author?.bot == true)
        #expect(message.embeds.count == 2)
        let embed = message.embeds[0]
        #expect(embed.type == .rich)
        #expect(embed.title == "Survival — online")
        #expect(embed.color == 5_763_719)
        #expect(embed.footer?.text == "Updated")
        #expect(embed.image?.url == "attachment://graph.png")
        #expect(embed.image?.width == 600)
        #expect(embed.author?.name == "Pterodisbot")
        #expect(embed.fields?.map(\.name) == ["CPU", "Memory"])
        #expect(message.embeds[1].type == .unknown("poll_result_v2_from_the_future"))
        #expect(message.attachments.first?.filename == "graph.png")
        #expect(message.attachments.first?.contentType == "image/png")
        #expect(message.editedTimestamp != nil)
    }

    @Test func decodesGatewayBotAndApplication() throws {
        let gateway = try Fixture.decode(GatewayBotInfo.self, "gateway_bot")
        #expect(gateway.url == "wss://gateway.discord.gg")
        #expect(gateway.shards == 1)
        #expect(gateway.sessionStartLimit.remaining == 997)
        #expect(gateway.sessionStartLimit.resetAfter == .milliseconds(14_400_000))
        #expect(gateway.sessionStartLimit.maxConcurrency == 1)
        let application = try Fixture.decode(Application.self, "application")
        #expect(application.id == "1100000000000000001")
        #expect(application.bot?.bot == true)
        #expect(application.owner?.username == "alice")
    }

    @Test func decodesApplicationCommandResponses() throws {
        let commands = try Fixture.decode([ApplicationCommand].self, "application_commands")
        let command = try #require(commands.first)
        #expect(command.name == "status")
        #expect(command.defaultMemberPermissions == .manageGuild)
        #expect(command.contexts == [.guild])
        let add = try #require(command.options?.last)
        #expect(add.type == .subCommand)
        #expect(add.options?.first?.channelTypes == [.guildText, .guildAnnouncement])
        #expect(add.options?.last?.choices?.map(\.value) == [.int(10), .int(60)])
        #expect(add.options?.last?.minValue == 10)
    }

    @Test func snowflakeDecodesStringsAndNumbers() throws {
        let ids = try JSONDecoder().decode([ChannelID].self, from: Data(#"["123", 456]"#.utf8))
        #expect(ids == ["123", "456"])
        #expect(String(decoding: try JSONEncoder().encode(ids), as: UTF8.self) == #"["123","456"]"#)
        #expect(ChannelID("175928847299117063").timestampMilliseconds == 1_462_015_105_796)
        #expect(ChannelID("9") < ChannelID("10"))
        #expect(AnySnowflake(ChannelID("5")).description == "5")
    }

    @Test func unknownEnumValuesRoundTrip() throws {
        let types = try JSONDecoder().decode([InteractionType].self, from: Data("[1,2,3,4,5,6,77]".utf8))
        #expect(
            types == [
                .ping, .applicationCommand, .messageComponent, .applicationCommandAutocomplete, .modalSubmit,
                .unknown(6), .unknown(77),
            ]
        )
        #expect(String(decoding: try JSONEncoder().encode(types), as: UTF8.self) == "[1,2,3,4,5,6,77]")
    }

    @Test func secretRedaction() {
        #expect(Secret("short").description == "Secret(****)")
        #expect(Secret("0123456789abcdefWXYZ").description == "Secret(****WXYZ)")
        #expect(Secret("0123456789abcdefWXYZ").debugDescription == "Secret(****WXYZ)")
        #expect(Secret("0123456789abcde").description == "Secret(****)")
    }
}
