import GameQuery
import Testing

/// Server List Ping framing and status JSON (`game-queries.md` §1).
@Suite struct JavaStatusCodecTests {
    @Test func handshakeFollowsTheReference() {
        // length 0x13 | id 0x00 | VarInt −1 | String "localhost" | port 25565 big-endian | next state 1
        let expected: [UInt8] =
            [0x13, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x09] + Array("localhost".utf8) + [0x63, 0xDD, 0x01]
        #expect(JavaStatusCodec.handshake(host: "localhost", port: 25_565) == expected)
        #expect(JavaStatusCodec.statusRequest == [0x01, 0x00])
    }

    @Test func readsAPacketOnlyWhenComplete() throws {
        let json = Array(#"{"players":{"max":1,"online":0}}"#.utf8)
        let frame = JavaStatusCodec.frame(id: 0x00, payload: [UInt8(json.count)] + json)
        for end in 0..<frame.count {
            #expect(try JavaStatusCodec.packet(in: Array(frame[..<end]), maxFrameLength: 1024) == nil)
        }
        let packet = try #require(try JavaStatusCodec.packet(in: frame + [0x99], maxFrameLength: 1024))
        #expect(packet.id == 0x00)
        #expect(packet.frameLength == frame.count)
        let status = try JavaStatusCodec.decodeStatusResponse(packet)
        #expect(status.online == 0)
        #expect(status.max == 1)
        #expect(status.versionName == nil)
        #expect(status.motd == "")
    }

    @Test func rejectsBadLengthPrefixes() {
        #expect(throws: GameQueryError.tooLarge(limit: 100)) {
            try JavaStatusCodec.packet(in: [0x80, 0x01], maxFrameLength: 100)
        }
        #expect(throws: GameQueryError.malformed("packet length 0")) {
            try JavaStatusCodec.packet(in: [0x00, 0x00], maxFrameLength: 100)
        }
        #expect(throws: GameQueryError.malformed("packet length -1")) {
            try JavaStatusCodec.packet(in: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], maxFrameLength: 100)
        }
        #expect(throws: GameQueryError.self) {
            try JavaStatusCodec.packet(in: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], maxFrameLength: 100)
        }
    }

    @Test func rejectsAStringLongerThanItsPacket() throws {
        let packet = try #require(try JavaStatusCodec.packet(in: [0x03, 0x00, 0x7F, 0x7B], maxFrameLength: 100))
        #expect(throws: GameQueryError.truncated("missing status JSON (127 bytes announced)")) {
            try JavaStatusCodec.decodeStatusResponse(packet)
        }
        let wrongID = try #require(try JavaStatusCodec.packet(in: [0x02, 0x01, 0x00], maxFrameLength: 100))
        #expect(throws: GameQueryError.malformed("status response has packet id 1")) {
            try JavaStatusCodec.decodeStatusResponse(wrongID)
        }
    }

    @Test func decodesTheReferenceStatus() throws {
        let json = #"""
            {"version":{"name":"1.21.4","protocol":769},"players":{"max":40,"online":12,"sample":[{"name":"Alex",
            "id":"4566e69f-c907-48ee-8d71-d7ba5aa00d20"},{"name":"§cSteve","id":"x"},{"name":"","id":"y"}]},
            "description":{"text":"§6A ","extra":[{"text":"Minecraft","bold":true}," Server",
            {"text":"","extra":[{"text":" §lhere"}]}]},"favicon":"data:image/png;base64,AAAA",
            "enforcesSecureChat":false}
            """#
        let status = try JavaStatusCodec.decodeStatusJSON(Array(json.utf8))
        #expect(
            status
                == JavaStatus(
                    versionName: "1.21.4",
                    protocolVersion: 769,
                    online: 12,
                    max: 40,
                    sample: ["Alex", "Steve"],
                    motd: "A Minecraft Server here"
                )
        )
    }

    @Test func flattensEveryShapeOfDescription() throws {
        func motd(_ description: String) throws -> String {
            let json = #"{"players":{"max":5,"online":1},"description":"# + description + "}"
            return try JavaStatusCodec.decodeStatusJSON(Array(json.utf8)).motd
        }
        #expect(try motd(#""§aPlain §r§kstring""#) == "Plain string")
        #expect(try motd(#"["One ",{"text":"two"},[" three"]]"#) == "One two three")
        #expect(try motd(#"{"extra":["only ","extra"]}"#) == "only extra")
        #expect(try motd(#"{"text":"Line 1\nLine 2","color":"gold"}"#) == "Line 1\nLine 2")
        // An odd MOTD never hides the count.
        #expect(try motd("42") == "")
        #expect(try motd(#"{"text":7,"extra":"x"}"#) == "")
    }

    @Test func survivesDeeplyNestedComponents() throws {
        func status(depth: Int) throws -> JavaStatus {
            let arrays = String(repeating: "[", count: depth) + #""x""# + String(repeating: "]", count: depth)
            let json = #"{"players":{"max":5,"online":1},"description":"# + arrays + "}"
            return try JavaStatusCodec.decodeStatusJSON(Array(json.utf8))
        }
        #expect(try status(depth: 100).motd == "x")
        // Within the 64 KiB cap a hostile server can nest thousands deep: a typed error, not a stack overflow.
        #expect(throws: GameQueryError.self) { try status(depth: 20_000) }
    }

    @Test func stripsLegacyCodes() {
        #expect(MinecraftText.strippingLegacyCodes("§4§lRed bold§r normal§") == "Red bold normal")
        #expect(MinecraftText.strippingLegacyCodes("no codes") == "no codes")
    }

    @Test func rejectsStatusWithoutCounts() {
        for json in [
            "", "not json", "{}", #"{"players":{"online":3}}"#, #"{"players":{"max":"many","online":3}}"#,
            #"{"players":{"max":3,"online":-1}}"#,
        ] {
            #expect(throws: GameQueryError.self, "\(json)") {
                try JavaStatusCodec.decodeStatusJSON(Array(json.utf8))
            }
        }
        #expect(throws: GameQueryError.self) {
            try JavaStatusCodec.decodeStatusJSON([0x7B, 0xFF, 0xFE, 0x7D])
        }
    }
}
