import DiscordModels
import PanelCore
import StatusBot

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A ``StatusEmbedControlling`` double: records what the interaction handler asked of the status updates and
/// answers as scripted.
public actor FakeStatusUpdates: StatusEmbedControlling {
    /// One recorded call.
    public enum Call: Equatable, Sendable {
        case track(ServerID, ChannelID)
        case refresh(ServerID)
        case refreshAll
        case purgeAll
    }

    /// Every call, in order.
    public private(set) var calls: [Call] = []
    private var trackError: (any Error)?
    private var refreshAllReport = CycleReport()
    private var purgeResult = (deleted: 0, failed: 0)
    private var cycles: [CycleReport] = []
    /// Where `track` records its result, like the updater does (so buttons validate afterwards).
    public let store: EmbedStore

    /// Creates the double.
    public init(store: EmbedStore) {
        self.store = store
    }

    /// Scripts the answers.
    public func script(
        trackError: (any Error)? = nil,
        refreshAll: CycleReport = CycleReport(),
        purge: (Int, Int) = (0, 0),
        cycles: [CycleReport] = []
    ) {
        self.trackError = trackError
        self.refreshAllReport = refreshAll
        self.purgeResult = purge
        self.cycles = cycles
    }

    public func track(_ server: ServerID, in channel: ChannelID) async throws -> MessageID {
        calls.append(.track(server, channel))
        if let trackError { throw trackError }
        let id = MessageID("7000000000000000\(calls.count)")
        try await store.set(EmbedLocation(channelID: channel, messageID: id), for: server)
        return id
    }

    public func refresh(_ server: ServerID) async -> CycleReport {
        calls.append(.refresh(server))
        return CycleReport.counts(tracked: 1, edited: 1)
    }

    public func refreshAll() async -> CycleReport {
        calls.append(.refreshAll)
        return refreshAllReport
    }

    public func purgeAll() async -> (deleted: Int, failed: Int) {
        calls.append(.purgeAll)
        return purgeResult
    }

    public var recentCycles: [CycleReport] { cycles }
}

extension CycleReport {
    /// A report with these counts.
    public static func counts(tracked: Int = 0, edited: Int = 0, reposted: Int = 0, dropped: Int = 0, failed: Int = 0)
        -> CycleReport
    {
        var report = CycleReport()
        report.tracked = tracked
        report.edited = edited
        report.reposted = reposted
        report.dropped = dropped
        report.failed = failed
        return report
    }
}

/// A ``StatusGraphing`` that records nothing and draws nothing, for tests where graphs are not under test.
public struct NoGraphs: StatusGraphing {
    /// Creates the double.
    public init() {}
    public func record(_ resources: ServerResources, for server: GameServer, at time: Date) async {}
    public func hasEnoughData(for server: ServerID) async -> Bool { false }
    public func graph(for server: GameServer) async -> [UInt8]? { nil }
    public func forget(_ server: ServerID) async {}
}
