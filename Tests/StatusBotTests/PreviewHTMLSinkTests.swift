import DiscordModels
import Foundation
import StatusBot
import Testing

@Suite struct PreviewHTMLSinkTests {
    private let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("pterodisbot-preview-\(UUID().uuidString)").path
    private let channel: ChannelID = "1100000000000000001"
    private static let fixedNow = Date(timeIntervalSince1970: 1_796_158_245)

    private func makeSink(now: @escaping @Sendable () -> Date = { fixedNow }) -> HTMLPreviewSink {
        HTMLPreviewSink(folder: folder, autoRefreshSeconds: nil, channelNames: [channel: "server-status"], now: now)
    }

    private func cleanUp() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func page() throws -> String {
        try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
    }

    private func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    private static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]

    private func statusMessage(
        title: String,
        state: String = "running",
        color: Int = 0x2ECC71,
        graph: [UInt8]? = png,
        startDisabled: Bool = true
    ) -> OutgoingMessage {
        var embed = Embed(
            title: title,
            description: "Hosted on **node-eu-1**",
            timestamp: "2026-12-01T20:50:40.123Z",
            color: color,
            footer: .init(text: "Pterodisbot · updated every 10 s"),
            fields: [
                .init(name: "State", value: state, inline: true),
                .init(name: "CPU", value: "35.2 % of 400 %", inline: true),
                .init(name: "Memory", value: "5.1 GiB / 8 GiB", inline: true),
                .init(name: "Network", value: "↓ 1.2 MiB ↑ 3.4 MiB", inline: true),
                .init(name: "Uptime", value: "1 d 2 h", inline: true),
                .init(name: "Address", value: "`mc.example.net:25565`", inline: false),
            ]
        )
        var files: [UploadFile] = []
        var references: [AttachmentReference] = []
        if let graph {
            embed.image = .attachment("graph.png")
            files.append(UploadFile(filename: "graph.png", contentType: "image/png", bytes: graph))
            references.append(AttachmentReference(upload: 0, filename: "graph.png"))
        }
        let buttons = ActionRow([
            .button(Button(style: .success, label: "Start", customID: "power:start:1a7ce997", disabled: startDisabled)),
            .button(Button(style: .danger, label: "Stop", customID: "power:stop:1a7ce997")),
            .button(Button(style: .primary, label: "Restart", customID: "power:restart:1a7ce997")),
            .button(Button(style: .secondary, label: "Show Address", customID: "address:1a7ce997")),
        ])
        return OutgoingMessage(
            payload: MessagePayload(embeds: [embed], components: [.actionRow(buttons)], attachments: references),
            files: files
        )
    }

    /// Checks that every non-void element is closed in order: a cheap well-formedness test for our own output.
    private func expectBalancedTags(_ html: String) {
        let void: Set<String> = ["meta", "img", "br", "hr", "input", "link"]
        var stack: [String] = []
        let body = html.replacing(#/<script>[\s\S]*?</script>|<style>[\s\S]*?</style>|<!DOCTYPE html>/#, with: "")
        for match in body.matches(of: #/<(/?)([a-zA-Z0-9]+)[^>]*>/#) {
            let name = String(match.output.2).lowercased()
            if void.contains(name) { continue }
            if match.output.1.isEmpty {
                stack.append(name)
            } else {
                #expect(stack.last == name, "closing \(name) while \(stack.last ?? "nothing") is open")
                if stack.last == name { stack.removeLast() }
            }
        }
        #expect(stack.isEmpty)
    }

    @Test func createWritesADiscordLookingPage() async throws {
        defer { cleanUp() }
        let sink = makeSink()
        let id = try await sink.createMessage(in: channel, statusMessage(title: "Survival SMP"))
        let html = try page()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.hasSuffix("</html>\n"))
        expectBalancedTags(html)
        #expect(html.contains("background: #313338"))
        #expect(html.contains("PREVIEW"))
        #expect(html.contains("Written <time datetime=\"2026-12-01T20:50:45Z\">2026-12-01 20:50:45 UTC</time>"))
        #expect(html.contains("server-status"))
        #expect(html.contains("id=\"message-\(id.rawValue)\""))
        #expect(html.contains("border-left-color: #2ecc71"))
        #expect(html.contains("<div class=\"embed-title\">Survival SMP</div>"))
        #expect(html.contains("Hosted on <strong>node-eu-1</strong>"))
        #expect(html.contains("<code>mc.example.net:25565</code>"))
        #expect(html.contains("Pterodisbot · updated every 10 s<span class=\"separator\">•</span>"))
        #expect(html.contains("<time datetime=\"2026-12-01T20:50:40Z\">2026-12-01 20:50:40 UTC</time>"))
        // Discord's button colours, the disabled one dimmed.
        #expect(html.contains("class=\"button success disabled\" type=\"button\" disabled"))
        #expect(html.contains("class=\"button danger\""))
        #expect(html.contains("class=\"button primary\""))
        #expect(html.contains("class=\"button secondary\""))
        #expect(html.contains(".button.disabled { opacity: 0.5;"))
        #expect(html.contains(".button.primary { background: #5865f2; }"))
        #expect(html.contains(".button.secondary { background: #4e5058; }"))
        #expect(html.contains(".button.success { background: #248046; }"))
        #expect(html.contains(".button.danger { background: #da373c; }"))
        #expect(!html.contains("meta http-equiv=\"refresh\""))
    }

    @Test func everyTextIsEscaped() async throws {
        defer { cleanUp() }
        let sink = makeSink()
        var message = statusMessage(title: "<script>alert(\"x\")</script> & 'Co'", graph: nil)
        message.payload.embeds?[0].fields?[0] = .init(name: "<b>State</b>", value: "<img src=x onerror=alert(1)>")
        message.payload.embeds?[0].description = "**<i>bold</i>** [click](javascript:alert(1))"
        message.payload.components = [
            .actionRow(ActionRow([.button(Button(style: .primary, label: "<Start>", customID: "a\"b"))]))
        ]
        message.payload.content = "</div><div>"
        _ = try await sink.createMessage(in: channel, message)
        let html = try page()
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img src=x"))
        #expect(!html.contains("<i>bold</i>"))
        #expect(!html.contains("href=\"javascript"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;"))
        #expect(html.contains("&lt;b&gt;State&lt;/b&gt;"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("<strong>&lt;i&gt;bold&lt;/i&gt;</strong>"))
        #expect(html.contains("&lt;Start&gt;"))
        #expect(html.contains("custom_id: a&quot;b"))
        #expect(html.contains("&lt;/div&gt;&lt;div&gt;"))
        expectBalancedTags(html)
    }

    @Test func graphIsWrittenNextToThePageAndReferencedRelatively() async throws {
        defer { cleanUp() }
        let sink = makeSink()
        let id = try await sink.createMessage(in: channel, statusMessage(title: "Survival SMP"))
        let stored = try #require(await sink.messages(in: channel).first?.attachments.first)
        #expect(stored.filename == "graph.png")
        #expect(stored.storedName == "msg-\(id.rawValue)-1-graph.png")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + stored.storedName))
        #expect(Array(bytes) == Self.png)
        let html = try page()
        #expect(html.contains("<div class=\"embed-image\"><img src=\"\(stored.storedName)\""))
        #expect(!html.contains("attachment://"))
        // Shown inside the embed only, not a second time as a loose attachment.
        #expect(html.components(separatedBy: stored.storedName).count == 2)
        #expect(try files() == ["index.html", stored.storedName])
    }

    @Test func editReplacesContentAndAttachments() async throws {
        defer { cleanUp() }
        let sink = makeSink()
        let id = try await sink.createMessage(in: channel, statusMessage(title: "Valheim", state: "starting"))
        let first = try #require(await sink.messages(in: channel).first?.attachments.first)

        try await sink.editMessage(
            id,
            in: channel,
            statusMessage(title: "Valheim", state: "offline", color: 0xE74C3C, graph: [9, 9, 9], startDisabled: false)
        )
        let message = try #require(await sink.messages(in: channel).first)
        #expect(message.id == id)
        #expect(message.editCount == 1)
        let second = try #require(message.attachments.first)
        #expect(message.attachments.count == 1)
        #expect(second.storedName != first.storedName)
        #expect(!FileManager.default.fileExists(atPath: folder + "/" + first.storedName))
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + second.storedName)) == Data([9, 9, 9]))
        let html = try page()
        #expect(html.contains("border-left-color: #e74c3c"))
        #expect(!html.contains("#2ecc71"))
        #expect(html.contains(">offline<"))
        #expect(!html.contains(">starting<"))
        #expect(html.contains("(edited)"))
        #expect(html.contains("class=\"button success\""))
        #expect(!html.contains(first.storedName))
        #expect(try files() == ["index.html", second.storedName])

        // An edit without files drops the graph (the embed no longer shows one either).
        try await sink.editMessage(id, in: channel, statusMessage(title: "Valheim", state: "offline", graph: nil))
        #expect(try files() == ["index.html"])
        #expect(!(try page()).contains("class=\"embed-image"))
    }

    @Test func editKeepsAnExistingAttachmentListedByID() async throws {
        defer { cleanUp() }
        let sink = makeSink()
        let id = try await sink.createMessage(in: channel, statusMessage(title: "Rust"))
        let graph = try #require(await sink.messages(in: channel).first?.attachments.first)
        var edit = statusMessage(title: "Rust (edited)", graph: nil)
        edit.payload.embeds?[0].image = .attachment("graph.png")
        edit.payload.attachments = [AttachmentReference(existing: graph.id)]
        try await sink.editMessage(id, in: channel, edit)
        #expect(await sink.messages(in: channel).first?.attachments == [graph])
        #expect((try page()).contains("<img src=\"\(graph.storedName)\""))
        #expect((try page()).contains("Rust (edited)"))
    }

    @Test func editWithoutEmbedsKeepsThem() async throws {
        defer { cleanUp() }
        let sink = makeSink()
        let id = try await sink.createMessage(in: channel, statusMessage(title: "CS2", graph: nil))
        try await sink.editMessage(id, in: channel, OutgoingMessage(payload: MessagePayload(content: "note")))
        let message = try #require(await sink.messages(in: channel).first)
        #expect(message.payload.embeds?.first?.title == "CS2")
        #expect(message.payload.content == "note")
    }

    @Test func editOfAnUnknownMessageIsMessageGone() async throws {
        defer { cleanUp() }
        let sink = makeSink()
        await #expect(throws: MessageSinkError.messageGone) {
            try await sink.editMessage("123", in: channel, statusMessage(title: "x"))
        }
        let id = try await sink.createMessage(in: channel, statusMessage(title: "x", graph: nil))
        await #expect(throws: MessageSinkError.messageGone) {
            try await sink.editMessage(id, in: "999", statusMessage(title: "x"))
        }
    }

    @Test func deleteRemovesTheMessageAndItsFiles() async throws {
        defer { cleanUp() }
        let sink = makeSink()
        let kept = try await sink.createMessage(in: channel, statusMessage(title: "Kept server", graph: nil))
        let gone = try await sink.createMessage(in: channel, statusMessage(title: "Gone server"))
        #expect((try page()).contains("Gone server"))
        try await sink.deleteMessage(gone, in: channel)
        let html = try page()
        #expect(!html.contains("Gone server"))
        #expect(!html.contains("message-\(gone.rawValue)"))
        #expect(html.contains("Kept server"))
        #expect(try files() == ["index.html"])
        #expect(await sink.allMessages.map(\.id) == [kept])
        // Deleting what is already gone succeeds, as the protocol asks.
        try await sink.deleteMessage(gone, in: channel)
        try await sink.deleteMessage(kept, in: channel)
        #expect((try page()).contains("No status messages yet."))
    }

    @Test func idsIncreaseEvenWithAFrozenClock() async throws {
        defer { cleanUp() }
        let sink = makeSink()
        var ids: [MessageID] = []
        for index in 0..<5 {
            ids.append(try await sink.createMessage(in: channel, statusMessage(title: "s\(index)", graph: nil)))
        }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == 5)
        // Snowflake-shaped: the timestamp bits give back the clock's time.
        #expect(ids[0].timestampMilliseconds == 1_796_158_245_000)
    }

    @Test func inlineFieldsFillRowsOfThree() async throws {
        defer { cleanUp() }
        let sink = makeSink()
        _ = try await sink.createMessage(in: channel, statusMessage(title: "Grid", graph: nil))
        let columns = (try page()).matches(of: #/style="grid-column: (\d+) / (\d+); grid-row: (\d+)"/#).map {
            "\($0.output.1)-\($0.output.2)@\($0.output.3)"
        }
        // Five inline fields: three, then two; the non-inline address takes a full row.
        #expect(columns == ["1-5@1", "5-9@1", "9-13@1", "1-7@2", "7-13@2", "1-13@3"])
    }

    @Test func channelsGetTheirOwnSections() async throws {
        defer { cleanUp() }
        let sink = makeSink()
        let other: ChannelID = "1100000000000000002"
        _ = try await sink.createMessage(in: channel, statusMessage(title: "First", graph: nil))
        _ = try await sink.createMessage(in: other, statusMessage(title: "Second", graph: nil))
        let html = try page()
        let first = try #require(html.range(of: "id=\"channel-\(channel.rawValue)\""))
        let second = try #require(html.range(of: "id=\"channel-\(other.rawValue)\""))
        #expect(first.lowerBound < second.lowerBound)
        #expect(html.contains("# </span> server-status") || html.contains("</span> server-status"))
        #expect(html.contains("channel \(other.rawValue)"))
        #expect(html.contains("2 messages in 2 channels"))
    }

    @Test func markdownAndTimestampsRenderLikeDiscord() async throws {
        defer { cleanUp() }
        let sink = makeSink()
        var message = statusMessage(title: "Markdown", graph: nil)
        message.payload.embeds?[0].description =
            "__under__ *it* ~~old~~ [panel](https://panel.example.net/server/1a7ce997) up since <t:1796158245:R>\n```\nline <1>\n```"
        _ = try await sink.createMessage(in: channel, message)
        let html = try page()
        #expect(html.contains("<u>under</u> <em>it</em> <s>old</s>"))
        #expect(html.contains("<a href=\"https://panel.example.net/server/1a7ce997\" rel=\"noopener\">panel</a>"))
        #expect(
            html.contains("<time class=\"mention\" datetime=\"2026-12-01T20:50:45Z\">2026-12-01 20:50:45 UTC</time>")
        )
        #expect(html.contains("<pre><code>line &lt;1&gt;\n</code></pre>"))
        expectBalancedTags(html)
    }

    @Test func everyTimestampStyleRendersAsAUTCDate() async throws {
        defer { cleanUp() }
        let sink = makeSink()
        let content = "since <t:1796158245:f> (<t:1796158245:R>), at <t:1796158245:t>, plain <t:1796158245>"
        _ = try await sink.createMessage(in: channel, OutgoingMessage(payload: MessagePayload(content: content)))
        let html = try page()
        let time = "<time class=\"mention\" datetime=\"2026-12-01T20:50:45Z\">2026-12-01 20:50:45 UTC</time>"
        #expect(html.contains("since \(time) (\(time)), at \(time), plain \(time)"))
        #expect(!html.contains("&lt;t:"))
    }

    @Test func mentionsShowAsPillsWithTheirNames() async throws {
        defer { cleanUp() }
        let role: RoleID = "1100000000000000010"
        let sink = HTMLPreviewSink(
            folder: folder,
            autoRefreshSeconds: nil,
            channelNames: [channel: "server-status"],
            roleNames: [role: "on-call <ops>"],
            now: { Self.fixedNow }
        )
        let content = "<@&1100000000000000010> <@&1100000000000000099> see <#1100000000000000001>, <@42> and <@!43>"
        _ = try await sink.createMessage(in: channel, OutgoingMessage(payload: MessagePayload(content: content)))
        let html = try page()
        #expect(
            html.contains("<span class=\"mention role\" title=\"role 1100000000000000010\">@on-call &lt;ops&gt;</span>")
        )
        #expect(
            html.contains("<span class=\"mention role\" title=\"role 1100000000000000099\">@1100000000000000099</span>")
        )
        #expect(
            html.contains("<span class=\"mention channel\" title=\"channel 1100000000000000001\">#server-status</span>")
        )
        #expect(html.contains("<span class=\"mention user\" title=\"user 42\">@42</span>"))
        #expect(html.contains("<span class=\"mention user\" title=\"user 43\">@43</span>"))
        #expect(!html.contains("&lt;@"))
        expectBalancedTags(html)
    }

    @Test func aReplyShowsTheFirstLineOfTheMessageItAnswers() async throws {
        defer { cleanUp() }
        let sink = makeSink()
        let alert = OutgoingMessage(
            payload: MessagePayload(embeds: [Embed(title: "🔴 Server stopped: **CS2**\nsecond line")])
        )
        let alertID = try await sink.createMessage(in: channel, alert)
        let reply = OutgoingMessage(
            payload: MessagePayload(
                content: "✅ **CS2**: server stopped resolved after 40 s",
                messageReference: MessageReferenceRequest(messageID: alertID, channelID: channel)
            )
        )
        let replyID = try await sink.createMessage(in: channel, reply)
        #expect(await sink.messages(in: channel).last?.payload.messageReference?.messageID == alertID)
        let html = try page()
        let line =
            "<div class=\"reply-to\"><span class=\"reply-arrow\" aria-hidden=\"true\">↪</span> replying to "
            + "<a href=\"#message-\(alertID.rawValue)\">🔴 Server stopped: <strong>CS2</strong></a></div>"
        #expect(html.contains(line))
        // Above the reply, not above the message it answers.
        let replyStart = try #require(html.range(of: "id=\"message-\(replyID.rawValue)\""))
        let lineStart = try #require(html.range(of: line))
        #expect(replyStart.lowerBound < lineStart.lowerBound)
        #expect(html.components(separatedBy: "class=\"reply-to\"").count == 2)
        #expect(html.contains("class=\"message reply\""))
        expectBalancedTags(html)

        // The answered message is deleted: the reply says so, as Discord does.
        try await sink.deleteMessage(alertID, in: channel)
        #expect(try page().contains("replying to <em>a message that was deleted</em>"))
    }

    @Test func pageIsWrittenBeforeAnyMessageAndStaleFilesAreRemoved() async throws {
        defer { cleanUp() }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data([1]).write(to: URL(fileURLWithPath: folder + "/msg-1-1-graph.png"))
        try Data([1]).write(to: URL(fileURLWithPath: folder + "/README.txt"))
        let sink = HTMLPreviewSink(folder: folder + "/", autoRefreshSeconds: 5, now: { Self.fixedNow })
        #expect(sink.indexPath == folder + "/index.html")
        try await sink.writePage()
        let html = try page()
        #expect(html.contains("No status messages yet."))
        #expect(html.contains("<meta http-equiv=\"refresh\" content=\"5\">"))
        #expect(try files() == ["README.txt", "index.html"])
    }

    @Test func unwritableFolderFailsCleanly() async throws {
        defer { cleanUp() }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data([1]).write(to: URL(fileURLWithPath: folder + "/blocker"))
        let sink = HTMLPreviewSink(folder: folder + "/blocker/preview", now: { Self.fixedNow })
        await #expect(throws: MessageSinkError.self) {
            try await sink.createMessage(in: channel, statusMessage(title: "x"))
        }
        #expect(await sink.allMessages.isEmpty)
    }
}
