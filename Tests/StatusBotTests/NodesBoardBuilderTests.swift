import DiscordModels
import Foundation
import Monitoring
import PanelCore
import Testing

@testable import StatusBot

/// The Nodes board: fields, colours, Discord's limits, the failure embed and what counts as a change.
@Suite struct NodesBoardBuilderTests {
    static let listedAt = Date(timeIntervalSince1970: 1_700_000_000)
    static let downSince = Date(timeIntervalSince1970: 1_699_999_400)
    let builder = NodesBoardBuilder()

    static func node(
        _ name: String,
        memory: (allocated: Int, capacity: Int?) = (16384, 32768),
        disk: (allocated: Int, capacity: Int?) = (102_400, 512_000),
        maintenance: Bool = false,
        location: String? = nil,
        cpu: (allocated: Int, capacity: Int?)? = nil,
        freeAllocations: Int? = nil
    ) -> PanelNodeSummary {
        PanelNodeSummary(
            id: name,
            name: name,
            isInMaintenance: maintenance,
            memoryCapacityMiB: memory.capacity,
            memoryAllocatedMiB: memory.allocated,
            diskCapacityMiB: disk.capacity,
            diskAllocatedMiB: disk.allocated,
            freeAllocations: freeAllocations,
            location: location,
            cpuCapacityPercent: cpu?.capacity,
            cpuAllocatedPercent: cpu?.allocated
        )
    }

    /// A snapshot where every node is reachable unless `health` says otherwise.
    static func snapshot(
        _ nodes: [PanelNodeSummary],
        health: [String: NodeHealth] = [:],
        counts: [String: NodeServerCount] = [:],
        listedAt: Date = listedAt
    ) -> NodesBoardSnapshot {
        var allHealth = Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, NodeHealth.reachable) })
        allHealth.merge(health) { $1 }
        return NodesBoardSnapshot(
            panelName: "Example Panel",
            nodes: nodes,
            listedAt: listedAt,
            health: allHealth,
            serverCounts: counts
        )
    }

    // MARK: - Fields

    @Test func fieldShowsEveryValueOfANode() throws {
        let node = Self.node(
            "de-fra-1",
            memory: (24576, 32768),
            disk: (409_600, nil),
            location: "Frankfurt",
            cpu: (800, 1600),
            freeAllocations: 12
        )
        let embed = builder.embed(
            for: Self.snapshot([node], counts: ["de-fra-1": NodeServerCount(running: 3, total: 5)])
        )
        let field = try #require(embed.fields?.first)
        #expect(embed.title == "Nodes")
        #expect(field.name == "🟢 de-fra-1")
        #expect(
            field.value == """
                📍 Frankfurt
                Memory: 24.0 GiB / 32.0 GiB (75.0%)
                Disk: 400 GiB / ∞ (unlimited)
                CPU: 800% / 1600% (50.0%)
                Servers: 3 of 5 running
                Free allocations: 12
                Health: reachable
                """
        )
        #expect(field.inline == true)
        #expect(embed.description == "**1** node · 1 healthy")
        #expect(embed.footer?.text == "Example Panel • nodes listed")
        #expect(embed.timestamp == Self.listedAt.formatted(.iso8601))
    }

    @Test func optionalLinesAreLeftOutWhenThePanelDoesNotSay() throws {
        let embed = builder.embed(for: Self.snapshot([Self.node("n1")]))
        let field = try #require(embed.fields?.first)
        #expect(!field.value.contains("CPU"))
        #expect(!field.value.contains("📍"))
        #expect(!field.value.contains("Free allocations"))
        #expect(field.value.contains("Servers: none seen"))
    }

    @Test func unlimitedCapacityShowsInfinityAndNeverWarns() throws {
        let node = Self.node("n1", memory: (900_000, nil), disk: (900_000, nil), cpu: (2400, nil))
        let embed = builder.embed(for: Self.snapshot([node]))
        let value = try #require(embed.fields?.first?.value)
        #expect(value.contains("Memory: 879 GiB / ∞ (unlimited)"))
        #expect(value.contains("Disk: 879 GiB / ∞ (unlimited)"))
        #expect(value.contains("CPU: 2400% / ∞ (unlimited)"))
        #expect(embed.color == NodesBoardBuilder.healthyColor)
    }

    @Test func healthTexts() {
        let unix = Int(Self.downSince.timeIntervalSince1970)
        #expect(NodesBoardBuilder.healthText(.reachable) == "reachable")
        #expect(
            NodesBoardBuilder.healthText(.unreachable(since: Self.downSince))
                == "unreachable since <t:\(unix):t> (<t:\(unix):R>)"
        )
        #expect(NodesBoardBuilder.healthText(.unknown(.noServers)) == "unknown (the key sees no server there)")
        #expect(NodesBoardBuilder.healthText(.unknown(.panelUnreachable)) == "unknown (the panel cannot be reached)")
        #expect(NodesBoardBuilder.healthText(nil) == "unknown (not checked yet)")
    }

    @Test func nodeNamesAndLocationsAreEscaped() throws {
        let embed = builder.embed(for: Self.snapshot([Self.node("*big*_node", location: "`EU`")]))
        let field = try #require(embed.fields?.first)
        #expect(field.name == #"🟢 \*big\*\_node"#)
        #expect(field.value.hasPrefix(#"📍 \`EU\`"#))
    }

    // MARK: - Colours

    @Test func allHealthyIsGreen() {
        let embed = builder.embed(for: Self.snapshot([Self.node("a"), Self.node("b")]))
        #expect(embed.color == NodesBoardBuilder.healthyColor)
    }

    @Test func maintenanceIsAWarning() throws {
        let embed = builder.embed(for: Self.snapshot([Self.node("a"), Self.node("b", maintenance: true)]))
        #expect(embed.color == NodesBoardBuilder.warningColor)
        let field = try #require(embed.fields?.last)
        #expect(field.name == "🛠️ b")
        #expect(field.value.contains("🛠️ Maintenance mode"))
        #expect(embed.description == "**2** nodes · 1 healthy · 1 with a warning")
    }

    @Test func memoryAboveItsThresholdIsAWarning() throws {
        let atNinety = builder.embed(for: Self.snapshot([Self.node("a", memory: (29491, 32768))]))
        #expect(atNinety.color == NodesBoardBuilder.healthyColor)

        let above = builder.embed(for: Self.snapshot([Self.node("a", memory: (30000, 32768))]))
        #expect(above.color == NodesBoardBuilder.warningColor)
        #expect(try #require(above.fields?.first).value.contains("Memory: 29.3 GiB / 32.0 GiB (91.6%) ⚠️"))
    }

    @Test func diskThresholdIsNinetyFiveByDefaultAndConfigurable() {
        let node = Self.node("a", disk: (93, 100))
        #expect(builder.embed(for: Self.snapshot([node])).color == NodesBoardBuilder.healthyColor)
        #expect(
            builder.embed(for: Self.snapshot([Self.node("a", disk: (96, 100))])).color == NodesBoardBuilder.warningColor
        )

        let strict = NodesBoardBuilder(
            thresholds: NodesBoardThresholds(memoryWarningPercent: 50, diskWarningPercent: 90)
        )
        #expect(strict.embed(for: Self.snapshot([node])).color == NodesBoardBuilder.warningColor)
    }

    @Test func unknownHealthIsAWarningButASpareNodeIsNot() throws {
        let spare = builder.embed(
            for: Self.snapshot([Self.node("a"), Self.node("b")], health: ["b": .unknown(.noServers)])
        )
        #expect(spare.color == NodesBoardBuilder.healthyColor)
        #expect(try #require(spare.fields?.last).value.hasSuffix("Health: unknown (the key sees no server there)"))
        let inconclusive = builder.embed(
            for: Self.snapshot([Self.node("a"), Self.node("b")], health: ["b": .unknown(.inconclusive)])
        )
        #expect(inconclusive.color == NodesBoardBuilder.warningColor)

        let unchecked = NodesBoardSnapshot(panelName: "P", nodes: [Self.node("a")], listedAt: Self.listedAt)
        #expect(builder.embed(for: unchecked).color == NodesBoardBuilder.warningColor)
    }

    @Test func anyNodeDownIsRedAndNamedInTheSummary() throws {
        let embed = builder.embed(
            for: Self.snapshot(
                [Self.node("a", maintenance: true), Self.node("b")],
                health: ["b": .unreachable(since: Self.downSince)]
            )
        )
        #expect(embed.color == NodesBoardBuilder.downColor)
        #expect(try #require(embed.fields?.last).name == "🔴 b")
        #expect(
            embed.description == "**2** nodes · 0 healthy · 1 with a warning · 1 unreachable\n🔴 Unreachable: b"
        )
    }

    @Test func noNodesIsNeutral() {
        let embed = builder.embed(for: Self.snapshot([]))
        #expect(embed.color == NodesBoardBuilder.neutralColor)
        #expect(embed.description == "The panel lists no nodes.")
        #expect(embed.fields?.isEmpty ?? true)
    }

    // MARK: - Limits

    @Test func moreNodesThanFieldsEndWithACountAndKeepTheDownOne() throws {
        let nodes = (1...30).map { Self.node("node-\($0)") }
        let embed = builder.embed(for: Self.snapshot(nodes, health: ["node-30": .unreachable(since: Self.downSince)]))
        let fields = try #require(embed.fields)
        #expect(fields.count == DiscordLimits.embedFields)
        #expect(fields.last == Embed.Field(name: "…", value: "and 6 more nodes", inline: false))
        #expect(fields.contains { $0.name == "🔴 node-30" })
        // Panel order among the shown ones.
        #expect(fields.first?.name == "🟢 node-1")
        #expect(fields[fields.count - 2].name == "🔴 node-30")
    }

    @Test func longNamesStayWithinTheMessageTotal() throws {
        let long = String(repeating: "n", count: 250)
        let nodes = (1...20).map { Self.node("\($0)-\(long)", location: String(repeating: "L", count: 400)) }
        let message = builder.message(for: Self.snapshot(nodes))
        let embed = try #require(message.payload.embeds?.first)
        let fields = try #require(embed.fields)
        #expect(embed.totalLength <= DiscordLimits.embedTotal)
        #expect(fields.count < 20)
        #expect(fields.last?.value == "and \(20 - fields.count + 1) more nodes")
        #expect(fields.allSatisfy { $0.value.unicodeScalars.count <= DiscordLimits.embedFieldValue })
        #expect(fields.allSatisfy { $0.name.unicodeScalars.count <= DiscordLimits.embedFieldName })
    }

    @Test func messageHasNoComponentsAttachmentsOrMentions() {
        let message = builder.message(for: Self.snapshot([Self.node("a")]))
        #expect(message.payload.components == [])
        #expect(message.payload.attachments == [])
        #expect(message.payload.allowedMentions == AllowedMentions(parse: []))
        #expect(message.files.isEmpty)
    }

    // MARK: - Failures

    @Test func refusedKeyNamesTheKeyToCreate() throws {
        let snapshot = NodesBoardSnapshot(
            panelName: "Example Panel",
            nodes: [],
            listedAt: nil,
            listingFailure: PanelFailure(.keyRefused, detail: "application API refused the request (403)")
        )
        let embed = builder.embed(for: snapshot)
        let description = try #require(embed.description)
        #expect(embed.color == NodesBoardBuilder.downColor)
        #expect(embed.fields == nil)
        #expect(embed.timestamp == nil)
        #expect(embed.footer?.text == "Example Panel • node listing failed")
        #expect(description.contains("application API refused the request (403)"))
        #expect(description.contains("**Application API** key"))
        for permission in ["**Nodes**", "**Locations**", "**Servers**", "**Allocations**"] {
            #expect(description.contains(permission))
        }
        #expect(description.contains("PTERODACTYL_APPLICATION_API_KEY"))
    }

    @Test func passingFailureSaysWhyAndIsNeutral() throws {
        let snapshot = NodesBoardSnapshot(
            panelName: "P",
            nodes: [],
            listedAt: nil,
            listingFailure: PanelFailure(.panelUnreachable, detail: "connect timeout")
        )
        let embed = builder.embed(for: snapshot)
        #expect(embed.color == NodesBoardBuilder.neutralColor)
        #expect(try #require(embed.description).contains("the panel cannot be reached (connect timeout)"))
    }

    @Test func failureAfterAListingKeepsTheNodesWithANote() throws {
        var snapshot = Self.snapshot([Self.node("a")])
        snapshot.listingFailure = PanelFailure(.rateLimited, detail: "429")
        let embed = builder.embed(for: snapshot)
        #expect(embed.fields?.count == 1)
        #expect(embed.color == NodesBoardBuilder.healthyColor)
        let unix = Int(Self.listedAt.timeIntervalSince1970)
        #expect(
            embed.description == "**1** node · 1 healthy\n⚠️ The latest node listing failed "
                + "(the panel is rate limiting the bot): capacities are from <t:\(unix):R>; health is current."
        )
    }

    @Test func beforeTheFirstListingTheBoardWaits() {
        let embed = builder.embed(for: NodesBoardSnapshot(panelName: "P", nodes: [], listedAt: nil))
        #expect(embed.description == "Waiting for the first node listing.")
        #expect(embed.color == NodesBoardBuilder.neutralColor)
    }

    // MARK: - Snapshot from an observation

    @Test func snapshotFromACycleObservation() {
        let server = GameServer(id: ServerID("a1"), name: "a1", nodeName: "a")
        let other = GameServer(id: ServerID("b1"), name: "b1", nodeName: "b")
        let failure = PanelFailure(.nodeUnreachable, detail: "504")
        let observation = Observation(
            origin: .cycle(3),
            observedAt: Self.listedAt,
            servers: [
                server.id: ServerObservation(server: server, state: .nodeOffline, failure: failure),
                other.id: ServerObservation(server: other, state: .running),
            ],
            nodes: NodeListing(nodes: [Self.node("a"), Self.node("b")], fetchedAt: Self.downSince)
        )
        var tracker = NodeHealthTracker()
        let snapshot = NodesBoardSnapshot(panelName: "P", observation: observation, tracker: &tracker)
        #expect(snapshot.listedAt == Self.downSince)
        #expect(snapshot.health == ["a": .unreachable(since: Self.listedAt), "b": .reachable])
        #expect(snapshot.serverCounts["b"] == NodeServerCount(running: 1, total: 1))
        #expect(tracker.downSince == ["a": Self.listedAt])
    }

    // MARK: - Change detection

    @Test func firstShowAlwaysEdits() {
        let embed = builder.embed(for: Self.snapshot([Self.node("a")]))
        #expect(NodesBoardChange.between(shown: nil, current: embed) == .firstShow)
    }

    @Test func aNewerListingWithTheSameValuesIsNoChange() {
        let counts = ["a": NodeServerCount(running: 1, total: 2)]
        let shown = builder.embed(for: Self.snapshot([Self.node("a")], counts: counts))
        let later = builder.embed(
            for: Self.snapshot([Self.node("a")], counts: counts, listedAt: Self.listedAt.addingTimeInterval(600))
        )
        #expect(shown.timestamp != later.timestamp)
        #expect(NodesBoardChange.between(shown: shown, current: later) == nil)

        // A value below what the board shows (one MiB) is not a change either.
        let tiny = builder.embed(for: Self.snapshot([Self.node("a", memory: (16385, 32768))], counts: counts))
        #expect(NodesBoardChange.between(shown: shown, current: tiny) == nil)
    }

    @Test func aShownValueChangeEditsTheNode() {
        let shown = builder.embed(
            for: Self.snapshot([Self.node("a"), Self.node("b")], counts: ["a": NodeServerCount(running: 1, total: 2)])
        )
        let current = builder.embed(
            for: Self.snapshot([Self.node("a"), Self.node("b")], counts: ["a": NodeServerCount(running: 2, total: 2)])
        )
        #expect(NodesBoardChange.between(shown: shown, current: current) == .nodesChanged(["🟢 a"]))
    }

    @Test func aNodeGoingDownChangesTheColour() {
        let shown = builder.embed(for: Self.snapshot([Self.node("a")]))
        let current = builder.embed(
            for: Self.snapshot([Self.node("a")], health: ["a": .unreachable(since: Self.downSince)])
        )
        let change = NodesBoardChange.between(shown: shown, current: current)
        #expect(change == .colorChanged(from: NodesBoardBuilder.healthyColor, to: NodesBoardBuilder.downColor))
        #expect(change?.kind == "color")
    }

    @Test func anOngoingOutageIsNoChange() {
        // The outage's start stays the same each cycle, and Discord counts the relative time itself.
        let down: [String: NodeHealth] = ["a": .unreachable(since: Self.downSince)]
        let shown = builder.embed(for: Self.snapshot([Self.node("a"), Self.node("b")], health: down))
        let later = builder.embed(
            for: Self.snapshot(
                [Self.node("a"), Self.node("b")],
                health: down,
                listedAt: Self.listedAt.addingTimeInterval(60)
            )
        )
        #expect(NodesBoardChange.between(shown: shown, current: later) == nil)
    }

    @Test func aFailingListingChangesTheSummary() {
        let shown = builder.embed(for: Self.snapshot([Self.node("a")]))
        var failing = Self.snapshot([Self.node("a")])
        failing.listingFailure = PanelFailure(.panelUnreachable, detail: "timeout")
        let current = builder.embed(for: failing)
        #expect(NodesBoardChange.between(shown: shown, current: current) == .summaryChanged)
    }
}
