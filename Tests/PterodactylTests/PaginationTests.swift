import ClientSupport
import Logging
import TestSupport
import Testing

@testable import Pterodactyl

/// Listings end whatever the pagination says: step by step on ``PageWalk``, then against the loopback fake panel.
@Suite struct PaginationTests {
    @Test func honestPaginationWalksEveryPage() {
        var walk = PageWalk(perPage: 100)
        #expect(walk.received(currentPage: 1, totalPages: 3, itemCount: 100) == .next(page: 2))
        #expect(walk.received(currentPage: 2, totalPages: 3, itemCount: 100) == .next(page: 3))
        #expect(walk.received(currentPage: 3, totalPages: 3, itemCount: 50) == .done)
    }

    @Test func aPageThatDoesNotAdvanceStops() {
        var walk = PageWalk(perPage: 100)
        #expect(walk.received(currentPage: 1, totalPages: 3, itemCount: 100) == .next(page: 2))
        #expect(
            walk.received(currentPage: 1, totalPages: 3, itemCount: 100)
                == .stop(.pageDidNotAdvance(requested: 2, answered: 1))
        )
    }

    @Test func missingTotalPagesGoesOnWhilePagesAreFullAndAdvance() {
        var walk = PageWalk(perPage: 100)
        #expect(walk.received(currentPage: 1, totalPages: nil, itemCount: 100) == .next(page: 2))
        #expect(walk.received(currentPage: 2, totalPages: nil, itemCount: 40) == .done)
        // Without current_page nothing proves the answers advance: one page only.
        var blind = PageWalk(perPage: 100)
        #expect(blind.received(currentPage: nil, totalPages: nil, itemCount: 100) == .done)
    }

    @Test func emptyPageEnds() {
        var walk = PageWalk(perPage: 100)
        #expect(walk.received(currentPage: 1, totalPages: 9, itemCount: 0) == .done)
    }

    @Test func theBoundStopsAListingThatNeverEnds() {
        var walk = PageWalk(perPage: 1, maxPages: 1_000)
        for page in 1..<1_000 {
            #expect(walk.received(currentPage: page, totalPages: Int.max, itemCount: 1) == .next(page: page + 1))
        }
        #expect(walk.received(currentPage: 1_000, totalPages: Int.max, itemCount: 1) == .stop(.pageLimit(1_000)))
    }

    @Test func proxyIgnoringPageStopsAfterTwoRequestsWithOneWarning() async throws {
        let servers = (1...250).map { FakePanel.Server.numbered($0) }
        let logs = LevelLogCapture()
        try await withPanel(servers: servers, logger: logs.logger()) { fake, client in
            fake.setPaginationQuirk(.ignoresPageParameter)
            let listed = try await client.servers(forceRefresh: true)
            #expect(listed.map(\.id) == servers.prefix(100).map(\.id))
            #expect(fake.requests.filter { $0.path == "/api/client" }.map { $0.query["page"] } == ["1", "2"])
            #expect(logs.messages(at: .warning) == ["panel listing stopped early"])
        }
    }

    @Test func missingTotalPagesStillReadsEveryServer() async throws {
        let servers = (1...250).map { FakePanel.Server.numbered($0) }
        let logs = LevelLogCapture()
        try await withPanel(servers: servers, logger: logs.logger()) { fake, client in
            fake.setPaginationQuirk(.omitsTotalPages)
            let listed = try await client.servers(forceRefresh: true)
            #expect(listed.map(\.id) == servers.map(\.id))
            #expect(fake.requestCount(path: "/api/client") == 3)
            #expect(logs.messages(at: .warning).isEmpty)
        }
    }

    @Test func pageBoundIsConfigurable() async throws {
        let servers = (1...250).map { FakePanel.Server.numbered($0) }
        let logs = LevelLogCapture()
        let configuration = PanelClientConfiguration(retryPolicy: .none, maxPagesPerListing: 2)
        try await withPanel(servers: servers, configuration: configuration, logger: logs.logger()) { fake, client in
            let listed = try await client.servers(forceRefresh: true)
            #expect(listed.count == 200)
            #expect(fake.requestCount(path: "/api/client") == 2)
            #expect(logs.messages(at: .warning).count == 1)
        }
    }
}
