import DiscordModels
import GameQuery
import PanelCore
import Testing

@testable import StatusBot

@Suite struct CommandRoutingTests {
    typealias F = InteractionFixture

    @Test func commandsRouteByName() {
        #expect(InteractionAction.route(F.command("server_status")) == .command(.serverStatus))
        #expect(InteractionAction.route(F.command("refresh_embeds")) == .command(.refreshEmbeds))
        #expect(InteractionAction.route(F.command("purge_embeds")) == .command(.purgeEmbeds))
        #expect(InteractionAction.route(F.command("bot_status")) == .command(.botStatus))
        #expect(InteractionAction.route(F.command("old_command")) == .unknownCommand("old_command"))
    }

    @Test func statusButtonsRouteToPowerAndAddress() {
        #expect(
            InteractionAction.route(F.component("ptero:restart:a0000001")) == .power(.restart, ServerID("a0000001"))
        )
        #expect(InteractionAction.route(F.component("ptero:start:a0000001")) == .power(.start, ServerID("a0000001")))
        #expect(InteractionAction.route(F.component("ptero:stop:a0000001")) == .power(.stop, ServerID("a0000001")))
        #expect(InteractionAction.route(F.component("ptero:address:a0000001")) == .showAddress(ServerID("a0000001")))
        // Kill is never offered, so a forged custom ID does nothing.
        #expect(InteractionAction.route(F.component("ptero:kill:a0000001")) == .unsupported)
        #expect(InteractionAction.route(F.component("someone-else:button")) == .unsupported)
    }

    @Test func pickerComponentsRoute() {
        let select = F.component("ptero-pick:select:1", type: .stringSelect, values: ["a0000030"])
        #expect(InteractionAction.route(select) == .pickServer("a0000030"))
        #expect(InteractionAction.route(F.component("ptero-pick:next:0")) == .showPickerPage(1))
        #expect(InteractionAction.route(F.component("ptero-pick:prev:2")) == .showPickerPage(1))
        #expect(
            InteractionAction.route(F.component("ptero-pick:select:0", type: .stringSelect, values: [])) == .unsupported
        )
        #expect(InteractionAction.route(F.component("ptero-pick:next:-1")) == .unsupported)
    }

    @Test func craftedCustomIDsAreBoundedAndNeverTrap() {
        // Int.max would trap on `page + 1`; it is refused at parse time instead.
        #expect(InteractionAction.route(F.component("ptero-pick:next:9223372036854775807")) == .unsupported)
        #expect(InteractionAction.route(F.component("ptero-pick:prev:9223372036854775807")) == .unsupported)
        #expect(InteractionAction.route(F.component("ptero-pick:next:99999999999999999999999")) == .unsupported)
        #expect(InteractionAction.route(F.component("ptero-pick:next:+1")) == .unsupported)
        #expect(InteractionAction.route(F.component("ptero-pick:next:١")) == .unsupported)
        #expect(InteractionAction.route(F.component("ptero-pick:next:10000")) == .unsupported)
        #expect(InteractionAction.route(F.component("ptero-pick:next:9999")) == .showPickerPage(9_999))
        #expect(InteractionAction.route(F.component("ptero-pick:prev:0")) == .showPickerPage(0))
        #expect(ServerPicker.ComponentID(customID: "ptero-pick:next:9999") == .next(page: 9_999))
        // A server part that is not an identifier never reaches a panel URL.
        for forged in [
            "ptero:start:../../api/application", "ptero:start:a%2F..", "ptero:address:a0000001?x=1",
            "ptero:stop:a0000001/../b", "ptero:start:", "ptero:start:" + String(repeating: "a", count: 65),
        ] {
            #expect(InteractionAction.route(F.component(forged)) == .unsupported, "\(forged)")
        }
        #expect(
            InteractionAction.route(F.component("ptero:start:1a2b3c4d-0000-4000-8000-000000000000"))
                == .power(.start, ServerID("1a2b3c4d-0000-4000-8000-000000000000"))
        )
        #expect(InteractionReplies.unsupported.contains("outdated"))
    }

    @Test func acknowledgementsDeferBeforeWork() {
        #expect(InteractionAction.command(.serverStatus).acknowledgement == .deferredMessage(ephemeral: true))
        #expect(
            InteractionAction.power(.start, ServerID("a0000001")).acknowledgement == .deferredMessage(ephemeral: true)
        )
        #expect(
            InteractionAction.showAddress(ServerID("a0000001")).acknowledgement?.type
                == .deferredChannelMessageWithSource
        )
        #expect(InteractionAction.showAddress(ServerID("a0000001")).acknowledgement?.data?.flags == .ephemeral)
        #expect(InteractionAction.pickServer("a0000001").acknowledgement == .deferredUpdate)
        #expect(InteractionAction.showPickerPage(2).acknowledgement == .deferredUpdate)
        #expect(InteractionAction.unsupported.acknowledgement == nil)
    }

    @Test func commandDefinitionsAreGuildOnlySlashCommands() {
        let definitions = BotCommand.definitions
        #expect(definitions.map(\.name) == ["server_status", "refresh_embeds", "purge_embeds", "bot_status"])
        for command in definitions {
            #expect(command.type == .chatInput)
            #expect(command.contexts == [.guild])
            #expect((1...100).contains(command.description?.count ?? 0))
            #expect(command.name.count <= 32 && command.name == command.name.lowercased())
        }
    }

    @Test func fingerprintChangesWithCommandsApplicationAndGuild() {
        let base = BotCommand.fingerprint(of: BotCommand.definitions, applicationID: F.application, guildID: F.guild)
        #expect(base.count == 16)
        #expect(
            base == BotCommand.fingerprint(of: BotCommand.definitions, applicationID: F.application, guildID: F.guild)
        )
        #expect(
            base
                != BotCommand.fingerprint(
                    of: BotCommand.definitions,
                    applicationID: F.application,
                    guildID: F.otherGuild
                )
        )
        #expect(
            base
                != BotCommand.fingerprint(
                    of: BotCommand.definitions,
                    applicationID: "200000000000000002",
                    guildID: F.guild
                )
        )
        var changed = BotCommand.definitions
        changed[0].description = "Something else"
        #expect(base != BotCommand.fingerprint(of: changed, applicationID: F.application, guildID: F.guild))
    }
}

@Suite struct CommandServerPickerTests {
    func entries(_ count: Int) -> [ServerPicker.Entry] {
        (1...count).map { index in
            let state: ServerState? =
                switch index % 4 {
                case 0: .running
                case 1: .offline
                case 2: .suspended
                default: nil
                }
            let name = "Server \(index < 10 ? "0" : "")\(index)"
            return ServerPicker.Entry(
                server: GameServer(id: ServerID("s\(index)"), name: name),
                state: state
            )
        }
    }

    func firstSelect(in payload: MessagePayload) -> StringSelect? {
        guard case .actionRow(let row)? = payload.components?.first,
            case .stringSelect(let select)? = row.components.first
        else {
            return nil
        }
        return select
    }

    func buttons(_ payload: MessagePayload) -> [Button] {
        guard let rows = payload.components, rows.count > 1, case .actionRow(let row) = rows[1] else { return [] }
        return row.components.compactMap { if case .button(let button) = $0 { button } else { nil } }
    }

    @Test func threeServersFitOnePageWithoutButtons() throws {
        let picker = ServerPicker(entries: [
            .init(
                server: GameServer(
                    id: ServerID("c"),
                    name: "valheim",
                    description: "Viking survival\nsecond line"
                ),
                state: .running
            ),
            .init(server: GameServer(id: ServerID("a"), name: "Ark"), state: .offline),
            .init(server: GameServer(id: ServerID("b"), name: "Minecraft"), state: .starting),
        ])
        let payload = picker.message(page: 0)
        #expect(payload.content?.hasPrefix("**3 servers** · 🟢 1 running · 🔴 1 offline · ⚪ 1 other") == true)
        let select = try #require(firstSelect(in: payload))
        #expect(select.options.map(\.label) == ["Ark", "Minecraft", "valheim"])
        #expect(select.options.map(\.value) == ["a", "b", "c"])
        #expect(select.options[2].description == "Running · Viking survival")
        #expect(select.options[2].emoji?.name == "🟢")
        #expect(select.options[0].emoji?.name == "🔴")
        #expect(select.maxValues == 1)
        #expect(payload.components?.count == 1)

        // With player counts: shown for the running server only.
        let counted = picker.updatingPlayers([
            ServerID("c"): PlayerCount(online: 3, max: 10), ServerID("a"): PlayerCount(online: 1, max: 10),
        ])
        let options = try #require(firstSelect(in: counted.message(page: 0))).options
        #expect(options[2].description == "Running · 3/10 players · Viking survival")
        #expect(options[0].description == "Offline")
    }

    @Test func sixtyServersArePagedByTwentyFive() throws {
        let picker = ServerPicker(entries: entries(60))
        #expect(picker.pageCount == 3)
        var seen: [String] = []
        for page in 0..<3 {
            let payload = picker.message(page: page)
            let select = try #require(firstSelect(in: payload))
            #expect(select.customID == "ptero-pick:select:\(page)")
            #expect(payload.content?.contains("Page \(page + 1) of 3") == true)
            let pageButtons = buttons(payload)
            #expect(pageButtons.map(\.label) == ["Previous", "Next"])
            #expect(pageButtons[0].disabled == (page == 0))
            #expect(pageButtons[1].disabled == (page == 2))
            #expect(pageButtons[0].customID == "ptero-pick:prev:\(page)")
            #expect(pageButtons[1].customID == "ptero-pick:next:\(page)")
            seen += select.options.map(\.value)
        }
        #expect(seen.count == 60)
        #expect(Set(seen).count == 60)
        #expect(firstSelect(in: picker.message(page: 2))?.options.count == 10)
        // Out-of-range pages clamp.
        #expect(firstSelect(in: picker.message(page: 7))?.customID == "ptero-pick:select:2")
        #expect(firstSelect(in: picker.message(page: -1))?.customID == "ptero-pick:select:0")
        let summary = picker.summary
        #expect(summary == ServerPicker.Summary(total: 60, running: 15, offline: 15, other: 15, unknown: 15))
    }

    @Test func longNamesAreCutToDiscordLimits() throws {
        let long = String(repeating: "n", count: 191)
        let picker = ServerPicker(entries: [
            .init(
                server: GameServer(
                    id: ServerID("a"),
                    name: long,
                    description: String(repeating: "d", count: 300)
                ),
                state: nil
            )
        ])
        let option = try #require(firstSelect(in: picker.message(page: 0))?.options.first)
        #expect(option.label.count == 100)
        #expect(option.description?.count == 100)
        #expect(option.emoji?.name == "❔")
    }

    @Test func emptyPanelSaysSo() {
        let payload = ServerPicker(entries: []).message(page: 0)
        #expect(payload.content?.contains("no servers") == true)
        #expect(payload.components == [])
    }

    @Test func componentIDsRoundTrip() {
        for id in [ServerPicker.ComponentID.select(page: 3), .previous(page: 0), .next(page: 12)] {
            #expect(ServerPicker.ComponentID(customID: id.customID) == id)
        }
        #expect(ServerPicker.ComponentID(customID: "ptero-pick:other:1") == nil)
        #expect(ServerPicker.ComponentID(customID: "ptero:start:abc") == nil)
    }
}
