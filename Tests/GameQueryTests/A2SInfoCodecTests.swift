import GameQuery
import Testing

/// A2S_INFO request, challenge and reply (`game-queries.md` §3, little-endian).
@Suite struct A2SInfoCodecTests {
    static let requestBytes: [UInt8] = [
        0xFF, 0xFF, 0xFF, 0xFF, 0x54, 0x53, 0x6F, 0x75, 0x72, 0x63, 0x65, 0x20, 0x45, 0x6E, 0x67, 0x69, 0x6E, 0x65,
        0x20, 0x51, 0x75, 0x65, 0x72, 0x79, 0x00,
    ]

    /// An info reply up to and including the version string.
    static let infoBytes: [UInt8] = {
        // Header, type 0x49, protocol 17, then name, map, folder, game.
        var bytes: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0x49, 0x11]
        bytes += Array("My Server\0de_dust2\0cstrike\0Counter-Strike\0".utf8)
        // App id 10, players 20, max 32, bots 4, type 'd', environment 'l', public, VAC, version.
        bytes += [0x0A, 0x00, 20, 32, 4, 0x64, 0x6C, 0x00, 0x01]
        bytes += Array("1.0.0.1\0".utf8)
        return bytes
    }()

    @Test func requestIs25BytesAnd29WithAChallenge() {
        #expect(A2SInfoCodec.request() == Self.requestBytes)
        #expect(A2SInfoCodec.request(challenge: 0x0D0C_0B0A) == Self.requestBytes + [0x0A, 0x0B, 0x0C, 0x0D])
    }

    @Test func parsesAChallenge() throws {
        let reply = try A2SInfoCodec.parseReply([0xFF, 0xFF, 0xFF, 0xFF, 0x41, 0x0A, 0x0B, 0x0C, 0x0D])
        #expect(reply == .challenge(0x0D0C_0B0A))
        #expect(throws: GameQueryError.truncated("missing challenge")) {
            try A2SInfoCodec.parseReply([0xFF, 0xFF, 0xFF, 0xFF, 0x41, 0x0A, 0x0B])
        }
    }

    @Test func parsesTheInfo() throws {
        guard case .info(let info) = try A2SInfoCodec.parseReply(Self.infoBytes) else {
            Issue.record("not an info reply")
            return
        }
        #expect(info.protocolVersion == 17)
        #expect(info.name == "My Server")
        #expect(info.map == "de_dust2")
        #expect(info.folder == "cstrike")
        #expect(info.game == "Counter-Strike")
        #expect(info.appID == 10)
        #expect(info.players == 20)
        #expect(info.maxPlayers == 32)
        #expect(info.bots == 4)
        #expect(info.humans == 16)
        #expect(info.serverType == UInt8(ascii: "d"))
        #expect(info.environment == UInt8(ascii: "l"))
        #expect(info.vac == 1)
        #expect(info.version == "1.0.0.1")
        #expect(info.gamePort == nil)
    }

    @Test func parsesExtraData() throws {
        // Flag 0xF1, then in order: game port 27015, SteamID 1, SourceTV port and name, keywords, game id 10.
        var extra: [UInt8] = [0xF1, 0x87, 0x69]
        extra += [1, 0, 0, 0, 0, 0, 0, 0]
        extra += [0x88, 0x69]
        extra += Array("tv\0".utf8)
        extra += Array("pvp,eu\0".utf8)
        extra += [0x0A, 0, 0, 0, 0, 0, 0, 0]
        guard case .info(let info) = try A2SInfoCodec.parseReply(Self.infoBytes + extra) else {
            Issue.record("not an info reply")
            return
        }
        #expect(info.gamePort == 27_015)
        #expect(info.steamID == 1)
        #expect(info.keywords == "pvp,eu")
        #expect(info.gameID == 10)
    }

    @Test func humansNeverGoNegative() throws {
        var bytes = Self.infoBytes
        // bots sit before server type, environment, visibility, VAC and "1.0.0.1\0".
        let botsIndex = bytes.count - 13
        bytes[botsIndex] = 30
        guard case .info(let info) = try A2SInfoCodec.parseReply(bytes) else {
            Issue.record("not an info reply")
            return
        }
        #expect(info.bots == 30)
        #expect(info.humans == 0)
    }

    @Test func rejectsEveryTruncation() {
        for end in 0..<Self.infoBytes.count {
            #expect(throws: GameQueryError.self, "\(end) bytes") {
                try A2SInfoCodec.parseReply(Array(Self.infoBytes[..<end]))
            }
        }
        // Extra data announced but cut short.
        #expect(throws: GameQueryError.truncated("missing game port")) {
            try A2SInfoCodec.parseReply(Self.infoBytes + [0x80, 0x87])
        }
    }

    @Test func rejectsGarbledReplies() {
        #expect(throws: GameQueryError.malformed("split multi-packet reply is not supported")) {
            try A2SInfoCodec.parseReply([0xFF, 0xFF, 0xFF, 0xFE, 0x01, 0x02])
        }
        #expect(throws: GameQueryError.malformed("reply type 109, expected 0x41 or 0x49")) {
            try A2SInfoCodec.parseReply([0xFF, 0xFF, 0xFF, 0xFF, 0x6D])
        }
        #expect(throws: GameQueryError.self) {
            try A2SInfoCodec.parseReply(Array("HTTP/1.1 400".utf8))
        }
    }
}
