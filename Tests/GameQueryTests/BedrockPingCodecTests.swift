import GameQuery
import Testing

/// RakNet unconnected ping and pong (`game-queries.md` §2).
@Suite struct BedrockPingCodecTests {
    static let magic: [UInt8] = [
        0x00, 0xFF, 0xFF, 0x00, 0xFE, 0xFE, 0xFE, 0xFE, 0xFD, 0xFD, 0xFD, 0xFD, 0x12, 0x34, 0x56, 0x78,
    ]
    static let serverID =
        "MCPE;§aDedicated Server;766;1.21.50;3;10;13253860892328930865;Bedrock level;Survival;1;19132;19133;"

    /// `0x1C | time | server GUID | magic | uint16 BE length | string`.
    static func pong(time: [UInt8], id: String = serverID) -> [UInt8] {
        let utf8 = Array(id.utf8)
        var bytes: [UInt8] = [0x1C] + time
        bytes += [0, 0, 0, 0, 0, 0, 0, 9]
        bytes += magic
        bytes += [UInt8(utf8.count >> 8), UInt8(utf8.count & 0xFF)]
        return bytes + utf8
    }

    @Test func pingFollowsTheReference() {
        let ping = BedrockPingCodec.ping(time: 0x0102_0304_0506_0708, clientGUID: 0x1122)
        #expect(ping == [0x01, 1, 2, 3, 4, 5, 6, 7, 8] + Self.magic + [0, 0, 0, 0, 0, 0, 0x11, 0x22])
        #expect(ping.count == 33)
    }

    @Test func parsesAPong() throws {
        let pong = try BedrockPingCodec.parsePong(Self.pong(time: [0, 0, 0, 0, 0, 0, 1, 0]))
        #expect(pong.time == 256)
        #expect(pong.serverGUID == 9)
        #expect(
            pong.serverID
                == BedrockServerID(
                    edition: "MCPE",
                    motd: "Dedicated Server",
                    protocolVersion: 766,
                    version: "1.21.50",
                    online: 3,
                    max: 10,
                    subMOTD: "Bedrock level",
                    gameMode: "Survival"
                )
        )
    }

    @Test func acceptsOldServersWithSixFields() throws {
        let server = try BedrockPingCodec.parseServerID("MCEE;Class;390;1.14.0;0;30")
        #expect(server.edition == "MCEE")
        #expect(server.online == 0)
        #expect(server.max == 30)
        #expect(server.subMOTD == nil)
        #expect(server.gameMode == nil)
    }

    @Test func rejectsBadServerIDs() {
        for text in ["", "MCPE;motd;766;1.21;3", "MCPE;m;x;1.21;3;10", "MCPE;m;766;1.21;three;10", "MCPE;m;1;v;-1;10"] {
            #expect(throws: GameQueryError.self, "\(text)") { try BedrockPingCodec.parseServerID(text) }
        }
    }

    @Test func rejectsEveryTruncation() {
        let full = Self.pong(time: [0, 0, 0, 0, 0, 0, 0, 1])
        for end in 0..<full.count {
            #expect(throws: GameQueryError.self, "\(end) bytes") {
                try BedrockPingCodec.parsePong(Array(full[..<end]))
            }
        }
    }

    @Test func rejectsGarbledPongs() {
        var wrongID = Self.pong(time: [0, 0, 0, 0, 0, 0, 0, 1])
        wrongID[0] = 0x1D
        #expect(throws: GameQueryError.malformed("packet id 29, expected 0x1C")) {
            try BedrockPingCodec.parsePong(wrongID)
        }
        var wrongMagic = Self.pong(time: [0, 0, 0, 0, 0, 0, 0, 1])
        wrongMagic[18] = 0x00  // the magic starts at byte 17: 00 FF FF 00 ...
        #expect(throws: GameQueryError.malformed("RakNet magic does not match")) {
            try BedrockPingCodec.parsePong(wrongMagic)
        }
        let overlong = [0x1C] + [UInt8](repeating: 0, count: 16) + Self.magic + [0xFF, 0xFF] + Array("MCPE;".utf8)
        #expect(throws: GameQueryError.truncated("missing server ID (65535 bytes announced)")) {
            try BedrockPingCodec.parsePong(overlong)
        }
    }
}
