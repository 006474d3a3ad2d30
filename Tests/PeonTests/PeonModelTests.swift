import PanelCore
import Peon
import Testing

/// A server object of reference §5 whose configuration holds a password.
private let secretConfig = "SERVER_PASSWORD=hunter2-valheim"
private let currentObject = """
    {"game_uid": "valheim", "servername": "server01", "container_type": "game", "build_version": "1.4.2",
     "container_state": "running", "server_state": "running",
     "server_config": {"settings.env": "\(secretConfig)", "nested": {"deep": ["\(secretConfig)"]}},
     "description": "A valheim PEON server", "time": 1733500000}
    """

@Suite struct PeonDecodingTests {
    @Test func decodesACurrentServerObject() throws {
        let server = try decode(PeonServer.self, currentObject)
        #expect(server.uid == "valheim.server01")
        #expect(server.gameUID == "valheim")
        #expect(server.serverName == "server01")
        #expect(server.containerType == "game")
        #expect(server.buildVersion == "1.4.2")
        #expect(server.containerState == .running)
        #expect(server.serverState == "running")
        #expect(server.serverDescription == "A valheim PEON server")
        #expect(server.scheduledStop == 1_733_500_000)
    }

    @Test func decodesAOnePointZeroEraObjectWithoutTypeAndVersion() throws {
        let server = try decode(
            PeonServer.self,
            """
            {"game_uid": "csgo", "servername": "dust", "container_state": "exited", "server_state": "exited",
             "server_config": {}, "description": "old", "time": null}
            """
        )
        #expect(server.containerType == nil)
        #expect(server.buildVersion == nil)
        #expect(server.scheduledStop == nil)
        #expect(server.state == .offline)
    }

    @Test func unknownAndOddFieldsNeverFailTheObject() throws {
        let server = try decode(
            PeonServer.self,
            """
            {"game_uid": "valheim", "servername": "s", "container_state": "frozen", "server_state": 7,
             "description": null, "time": "1733500000", "container_type": ["x"], "added_later": {"a": 1}}
            """
        )
        #expect(server.containerState == .unknown("frozen"))
        #expect(server.state == .unknown)
        #expect(server.rawState == "frozen")
        #expect(server.serverState == nil)
        #expect(server.serverDescription == nil)
        #expect(server.containerType == nil)
        // A stop scheduled with `epoch_time` is stored as the string the client sent.
        #expect(server.scheduledStop == 1_733_500_000)
    }

    @Test func aBrokenElementLeavesTheRestOfTheList() async throws {
        let answer = "[\(currentObject), {\"servername\": \"no game\"}, {\"game_uid\": \"a\", \"servername\": \"b\"}]"
        let servers = try await StaticPeonClient(body: answer).servers()
        #expect(servers.map(\.uid) == ["valheim.server01", "a.b"])
        #expect(servers.last?.containerState == .unknown(""))
    }

    @Test func statsAsTheStringNotAvailable() throws {
        let answer = try decode(
            PeonServerStats.self,
            String(currentObject.dropLast()) + #", "stats": "Not available"}"#
        )
        #expect(answer.stats == .notAvailable)
        #expect(answer.server.uid == "valheim.server01")
        let missing = try decode(PeonServerStats.self, currentObject)
        #expect(missing.stats == .notAvailable)
    }

    @Test func statsAsDockersObject() throws {
        let answer = try decode(
            PeonServerStats.self,
            String(currentObject.dropLast())
                + """
                , "stats": {"read": "2026-12-07T10:00:10.5Z",
                  "cpu_stats": {"cpu_usage": {"total_usage": 123456789000, "percpu_usage": [1, 2, 3, 4]},
                                "system_cpu_usage": 987654321000000, "online_cpus": 4},
                  "precpu_stats": {"cpu_usage": {"total_usage": 123356789000}, "system_cpu_usage": 987650321000000},
                  "memory_stats": {"usage": 2147483648, "limit": 8589934592,
                                   "stats": {"inactive_file": 104857600, "odd": "text"}},
                  "networks": {"eth0": {"rx_bytes": 123456, "tx_bytes": 654321}}}}
                """
        )
        guard case .docker(let stats) = answer.stats else {
            Issue.record("expected Docker stats")
            return
        }
        #expect(stats.cpu?.percpuUsage?.count == 4)
        #expect(stats.precpu?.onlineCPUs == nil)
        #expect(stats.memory?.inactiveFile == 104_857_600)
        #expect(stats.networks?["eth0"]?.txBytes == 654_321)
        #expect(PeonUsage.resources(of: answer).unreported == [.disk, .uptime])
    }

    @Test func serverConfigIsNeverKeptOrPrinted() throws {
        let server = try decode(PeonServer.self, currentObject)
        let answer = try decode(
            PeonServerStats.self,
            String(currentObject.dropLast()) + #", "stats": "Not available"}"#
        )
        let texts = [
            String(describing: server), String(reflecting: server), dumped(server),
            String(describing: answer), String(reflecting: answer), dumped(answer),
            String(describing: [server]), dumped(GameServer(peon: server)),
            String(describing: PeonUsage.resources(of: answer)),
        ]
        for text in texts {
            #expect(!text.contains("hunter2"))
            #expect(!text.contains("settings.env"))
            #expect(!text.contains("server_config"))
        }
    }

    @Test func aDecodingFailureNamesThePlaceNotTheContent() async throws {
        // `game_uid` of the wrong type next to a configuration with a password.
        let body = currentObject.replacingFirst(#""game_uid": "valheim""#, with: #""game_uid": ["\#(secretConfig)"]"#)
        let error = await peonError { _ = try await StaticPeonClient(body: body).server(try uid("valheim.server01")) }
        guard case .malformedAnswer(let detail)? = error else {
            Issue.record("expected a malformed answer, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("game_uid"))
        #expect(!detail.contains("hunter2"))
    }
}

@Suite struct PeonStateMappingTests {
    @Test(arguments: [
        ("running", ServerState.running),
        ("restarting", .starting),
        ("exited", .offline),
        ("dead", .offline),
        ("created", .offline),
        ("paused", .offline),
        ("removing", .stopping),
        ("frozen", .unknown),
        ("", .unknown),
    ])
    func dockerStatesMapAsReferenceFiveSays(raw: String, expected: ServerState) {
        let server = PeonServer(gameUID: "g", serverName: "s", containerState: PeonContainerState(rawValue: raw))
        #expect(server.state == expected)
        #expect(server.rawState == raw)
        #expect(server.containerState.rawValue == raw)
    }

    @Test func pausedIsOfflineWithItsRawState() {
        let resources = PeonUsage.resources(
            server: PeonServer(gameUID: "g", serverName: "s", containerState: .paused, serverState: "paused"),
            stats: .notAvailable
        )
        #expect(resources.state == .offline)
        #expect(resources.rawState == "paused")
    }

    @Test func anUnreadableRunningContainerIsUnknown() {
        let server = PeonServer(gameUID: "g", serverName: "s", containerState: .running, serverState: "UNKNOWN")
        #expect(server.state == .unknown)
        #expect(server.rawState == "UNKNOWN")
    }
}

@Suite struct PeonServerUIDTests {
    @Test(arguments: ["valheim.server01", "a-b_c.D9", "valheim", "x.y.z", "..a", "a..b"])
    func acceptsSafeUIDs(text: String) throws {
        #expect(try PeonServerUID(validating: text).rawValue == text)
        #expect(PeonServerUID.problem(with: text) == nil)
    }

    @Test(arguments: [
        "", ".", "..", "a/b", "../etc", "a b", "a%2Fb", "ä.b", "a?b", "a#b", "a:b", "a\nb", "a\\b", "a;rm -rf",
    ])
    func rejectsEverythingElse(text: String) {
        #expect(throws: PeonError.self) { try PeonServerUID(validating: text) }
        #expect(PeonServerUID.problem(with: text) != nil)
    }

    @Test func powerNeedsAWarcampName() throws {
        let bare = try PeonServerUID(validating: "valheim")
        #expect(!bare.hasWarcampName)
        #expect(throws: PeonError.self) { try PeonRoute.power(.start, bare).validate() }
        try PeonRoute.stats(bare).validate()
        try PeonRoute.power(.start, try PeonServerUID(gameUID: "valheim", serverName: "s1")).validate()
    }

    @Test func routesPutTheUIDIntoOnePathSegment() throws {
        let id = try PeonServerUID(validating: "valheim.server01")
        #expect(PeonRoute.listServers.path == "/servers")
        #expect(PeonRoute.server(id).path == "/server/get/valheim.server01")
        #expect(PeonRoute.stats(id).path == "/server/stats/valheim.server01")
        #expect(PeonRoute.power(.restart, id).path == "/server/restart/valheim.server01")
        #expect(PeonRoute.power(.restart, id).isPower)
        #expect(PeonRoute.orchestrator.path == "/orchestrator")
        #expect(PeonPowerAction(.kill) == nil)
        #expect(PeonPowerAction(.stop) == .stop)
    }

    @Test func anInvalidUIDIsShownEscapedAndShort() {
        let long = String(repeating: "x", count: 100) + "\n"
        do {
            _ = try PeonServerUID(validating: long)
            Issue.record("expected a failure")
        } catch {
            #expect(!error.description.contains("\n"))
            #expect(error.description.count < 300)
        }
    }
}

@Suite struct PeonAPIKeyTests {
    @Test(arguments: ["Zu88Zu88", "my-super-secret-api-key", "  Zu88Zu88\n"])
    func recognisesThePublishedDefaults(text: String) throws {
        let key = PeonAPIKey(text)
        #expect(key.isPublishedDefault)
        let warning = try #require(key.publishedDefaultWarning)
        #expect(warning.contains("anyone"))
        #expect(!warning.contains("Zu88"))
        #expect(key.verdict() == .acceptedWithWarning(warning))
    }

    @Test func aRandomKeyIsAcceptedAndEmptyOrBrokenOnesAreNot() {
        #expect(!PeonAPIKey("e4f1c0d2a9b84c77").isPublishedDefault)
        #expect(PeonAPIKey("e4f1c0d2a9b84c77").verdict() == .accepted)
        #expect(PeonAPIKey("zu88zu88").verdict() == .accepted)
        guard case .rejected = PeonAPIKey("  ").verdict() else {
            Issue.record("an empty key must be rejected")
            return
        }
        guard case .rejected = PeonAPIKey("abc\ndef").verdict() else {
            Issue.record("a key with a line break must be rejected")
            return
        }
    }

    @Test func theKeyNeverPrintsItself() {
        let key = PeonAPIKey("e4f1c0d2a9b84c77-very-secret")
        for text in [String(describing: key), String(reflecting: key), dumped(key), "\(key)"] {
            #expect(!text.contains("very-secret"))
        }
        #expect(key.exposedValue == "e4f1c0d2a9b84c77-very-secret")
    }
}

@Suite struct PeonConfigurationTests {
    @Test(arguments: [
        ("/api/v1", "/api/v1"), ("v1", "/api/v1"), ("1.0", "/api/1.0"), ("/api/1.0/", "/api/1.0"),
        ("api/v1", "/api/v1"), ("", "/api/v1"), (" /peon/api/v1/ ", "/peon/api/v1"),
    ])
    func prefixesAreNormalized(text: String, expected: String) {
        #expect(PeonConfiguration(apiPrefix: text).apiPrefix == expected)
    }

    @Test func defaultsFollowTheReference() {
        let configuration = PeonConfiguration()
        #expect(configuration.apiPrefix == "/api/v1")
        #expect(configuration.pollTimeout == .seconds(5))
        #expect(configuration.powerTimeout == .seconds(60))
        #expect(configuration.maxConcurrentRequests == 3)
        #expect(configuration.serverListRefreshInterval == .seconds(60))
        #expect(PeonConfiguration(maxConcurrentRequests: 0).maxConcurrentRequests == 1)
    }
}

@Suite struct PeonErrorClassificationTests {
    private func classify(_ status: Int, _ body: String) -> PeonError {
        PeonError.classify(status: status, body: Array(body.utf8), path: "/api/v1/servers")
    }

    @Test func theAnswersOfReferenceFourBecomeOneCaseEach() {
        #expect(classify(401, "\"Not authorized\"\n") == .keyRefused)
        #expect(
            classify(404, #"{"status": "error", "info": "There was an issue getting the server."}"#)
                == .notFound(info: "There was an issue getting the server.")
        )
        #expect(classify(404, "<!doctype html><title>404 Not Found</title>") == .routeNotFound(path: "/api/v1/servers"))
        #expect(
            classify(400, #"{"status": "error", "info": "ports used", "exception": "x", "err_code": "srv.portsused"}"#)
                == .rejected(status: 400, info: "ports used", errorCode: "srv.portsused")
        )
        #expect(classify(400, "<html>") == .rejected(status: 400, info: nil, errorCode: nil))
        #expect(classify(500, "<!doctype html><title>500 Internal Server Error</title>") == .serverError(status: 500))
        #expect(classify(500, #"{"message": "Internal Server Error"}"#) == .serverError(status: 500))
        #expect(classify(302, "") == .unexpectedStatus(302))
    }

    @Test func panelFailuresKeepARemovedServerApartFromAConfigurationMistake() {
        #expect(PanelFailure(peonError: .keyRefused).kind == .keyRefused)
        #expect(PanelFailure(peonError: .notFound(info: nil)).kind == .notFound)
        #expect(PanelFailure(peonError: .routeNotFound(path: "/x")).kind == .other)
        #expect(PanelFailure(peonError: .rejected(status: 400, info: "i", errorCode: nil)).kind == .rejected)
        #expect(PanelFailure(peonError: .serverError(status: 500)).kind == .other)
        #expect(PanelFailure(peonError: .serverError(status: 502)).kind == .panelUnreachable)
        #expect(PanelFailure(peonError: .unreachable(reason: "r")).kind == .panelUnreachable)
        #expect(PanelFailure(peonError: .malformedAnswer(detail: "d")).kind == .malformedAnswer)
        #expect(PanelFailure(peonError: .invalidServerUID("\"x\"", reason: "r")).kind == .rejected)
    }

    @Test func peonsInfoIsKeptOnOneShortLine() {
        let info = "line one\nline two " + String(repeating: "x", count: 500)
        guard
            case .rejected(_, let kept?, _) = classify(400, #"{"info": "\#(info.replacingFirst("\n", with: "\\n"))"}"#)
        else {
            Issue.record("expected a rejection with info")
            return
        }
        #expect(!kept.contains("\n"))
        #expect(kept.count <= 301)
    }
}

/// A client that answers every request with one body.
private struct StaticPeonClient: PeonClient {
    var body: String

    func send(_ route: PeonRoute) async throws -> [UInt8] { Array(body.utf8) }
}

private func uid(_ text: String) throws -> PeonServerUID { try PeonServerUID(validating: text) }

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        replacing(target, with: replacement, maxReplacements: 1)
    }
}
