import DiscordModels
import Testing

/// Gateway wire types: the tolerant envelope, outbound JSON and redaction.
struct GatewayWireTests {
    func decode(_ json: String) throws -> GatewayInbound {
        try GatewayInbound.decode(Array(json.utf8))
    }

    @Test func helloDecodesTheInterval() throws {
        let payload = try decode(#"{"op":10,"d":{"heartbeat_interval":41250},"s":null,"t":null}"#)
        guard case .hello(let hello) = payload.body else {
            Issue.record("expected hello")
            return
        }
        #expect(hello.heartbeatInterval == .milliseconds(41_250))
    }

    @Test func sequenceSurvivesAnUndecodableDispatch() throws {
        let payload = try decode(#"{"op":0,"s":42,"t":"GUILD_CREATE","d":{"name":"no id"}}"#)
        #expect(payload.opcode == .dispatch)
        #expect(payload.sequence == 42)
        #expect(payload.eventName == "GUILD_CREATE")
        guard case .undecodable(let reason) = payload.body else {
            Issue.record("expected undecodable")
            return
        }
        #expect(reason.contains("id"))
    }

    @Test func undecodableReasonNeverQuotesValues() throws {
        let payload = try decode(
            #"{"op":0,"s":7,"t":"INTERACTION_CREATE","d":{"id":"1","application_id":"2","type":2,"token":5}}"#
        )
        guard case .undecodable(let reason) = payload.body else {
            Issue.record("expected undecodable")
            return
        }
        #expect(payload.sequence == 7)
        #expect(reason.contains("token"))
        #expect(!reason.contains("5"))
    }

    @Test func unknownEventAndOpcodeAreTolerated() throws {
        let unknownEvent = try decode(#"{"op":0,"s":3,"t":"SOMETHING_NEW","d":{"x":1}}"#)
        guard case .dispatch(.other(let name)) = unknownEvent.body else {
            Issue.record("expected .other")
            return
        }
        #expect(name == "SOMETHING_NEW")
        let unknownOpcode = try decode(#"{"op":99,"d":null}"#)
        #expect(unknownOpcode.opcode == .unknown(99))
        guard case .unhandled = unknownOpcode.body else {
            Issue.record("expected unhandled")
            return
        }
    }

    @Test func controlOpcodesDecode() throws {
        guard case .invalidSession(resumable: true) = try decode(#"{"op":9,"d":true}"#).body,
            case .invalidSession(resumable: false) = try decode(#"{"op":9,"d":false}"#).body,
            case .reconnect = try decode(#"{"op":7,"d":null}"#).body,
            case .heartbeatRequest = try decode(#"{"d":null,"op":1}"#).body,
            case .heartbeatAck = try decode(#"{"op":11}"#).body,
            case .dispatch(.resumed) = try decode(#"{"op":0,"s":5,"t":"RESUMED","d":{}}"#).body
        else {
            Issue.record("a control opcode did not decode")
            return
        }
    }

    @Test func readyKeepsSessionAndResumeURL() throws {
        let payload = try decode(
            #"{"op":0,"s":1,"t":"READY","d":{"v":10,"user":{"id":"1","username":"bot"},"session_id":"abc","#
                + #""resume_gateway_url":"wss://r.discord.gg","guilds":[{"id":"5","unavailable":true}],"#
                + #""application":{"id":"9","flags":0}}}"#
        )
        guard case .dispatch(.ready(let ready)) = payload.body else {
            Issue.record("expected READY")
            return
        }
        #expect(ready.sessionID == "abc")
        #expect(ready.resumeGatewayURL == "wss://r.discord.gg")
        #expect(ready.guilds.map(\.id) == ["5"])
        #expect(ready.applicationID == "9")
    }

    @Test func roleEventsDecodeTolerantly() throws {
        // Shapes from https://discord.com/developers/docs/events/gateway-events#guild-role-create, with an unknown
        // field, a role missing most fields, and a numeric snowflake.
        let created = try decode(
            #"{"op":0,"s":5,"t":"GUILD_ROLE_CREATE","d":{"guild_id":"200","role":{"id":"201","name":"Game Admin","#
                + #""permissions":"8","colors":{"primary_color":0},"new_field":true}}}"#
        )
        guard case .dispatch(.guildRoleCreate(let create)) = created.body else {
            Issue.record("not GUILD_ROLE_CREATE: \(created.body)")
            return
        }
        #expect(create.guildID == "200")
        #expect(create.role.id == "201")
        #expect(create.role.name == "Game Admin")
        let updated = try decode(#"{"op":0,"s":6,"t":"GUILD_ROLE_UPDATE","d":{"guild_id":200,"role":{"id":"201"}}}"#)
        guard case .dispatch(.guildRoleUpdate(let update)) = updated.body else {
            Issue.record("not GUILD_ROLE_UPDATE: \(updated.body)")
            return
        }
        #expect(update.guildID == "200")
        #expect(update.role.name == "")
        let deleted = try decode(
            #"{"op":0,"s":7,"t":"GUILD_ROLE_DELETE","d":{"guild_id":"200","role_id":"201","extra":1}}"#
        )
        guard case .dispatch(.guildRoleDelete(let delete)) = deleted.body else {
            Issue.record("not GUILD_ROLE_DELETE: \(deleted.body)")
            return
        }
        #expect(delete == GuildRoleDeleteEvent(guildID: "200", roleID: "201"))
        #expect(deleted.sequence == 7)
        // A role event without its role keeps the sequence and becomes undecodable, not a thrown envelope.
        let broken = try decode(#"{"op":0,"s":8,"t":"GUILD_ROLE_UPDATE","d":{"guild_id":"200"}}"#)
        #expect(broken.sequence == 8)
        guard case .undecodable = broken.body else {
            Issue.record("expected undecodable, got \(broken.body)")
            return
        }
    }

    @Test func missingOpcodeIsAnError() {
        #expect(throws: (any Error).self) { try decode(#"{"d":{}}"#) }
    }

    @Test func heartbeatEncodesNullBeforeAnyDispatch() throws {
        #expect(try GatewayCommand.heartbeat(sequence: nil).jsonText() == #"{"d":null,"op":1}"#)
        #expect(try GatewayCommand.heartbeat(sequence: 12).jsonText() == #"{"d":12,"op":1}"#)
    }

    @Test func identifyCarriesIntentsPropertiesPresenceAndTheTokenLast() throws {
        let identify = GatewayIdentify(
            token: "secret-token",
            intents: .guilds,
            properties: .init(os: "linux"),
            presence: .watching(serverCount: 1)
        )
        let json = try GatewayCommand.identify(identify).jsonText()
        #expect(json.hasPrefix(#"{"d":{"compress":false,"intents":1,"#))
        #expect(json.hasSuffix(#""token":"secret-token"},"op":2}"#))
        #expect(json.contains(#""browser":"pterodisbot""#))
        #expect(json.contains(#""name":"1 server""#))
        #expect(json.contains(#""type":3"#))
        #expect(json.contains(#""since":null"#))
    }

    @Test func identifyAndResumeDescriptionsRedactTheToken() {
        let identify = GatewayIdentify(token: "secret-token", intents: .guilds)
        let resume = GatewayResume(token: "secret-token", sessionID: "s", sequence: 3)
        for text in [
            "\(identify)", "\(resume)", String(reflecting: identify), "\(GatewayCommand.identify(identify))",
            "\(GatewayCommand.resume(resume))",
        ] {
            #expect(!text.contains("secret-token"))
        }
        var dumped = ""
        dump(identify, to: &dumped)
        dump(resume, to: &dumped)
        #expect(!dumped.contains("secret-token"))
    }

    @Test func resumeEncodesSessionAndSequence() throws {
        let json = try GatewayCommand.resume(GatewayResume(token: "t", sessionID: "abc", sequence: nil)).jsonText()
        #expect(json == #"{"d":{"seq":null,"session_id":"abc","token":"t"},"op":6}"#)
    }

    @Test func closeCodesAreClassifiedInOnePlace() {
        let fatal: [UInt16] = [4004, 4010, 4011, 4012, 4013, 4014]
        let identify: [UInt16] = [4007, 4009]
        for code in UInt16(4000)...4020 {
            let recovery = GatewayCloseCode(rawValue: code).recovery
            if fatal.contains(code) {
                #expect(recovery == .fatal)
            } else if identify.contains(code) {
                #expect(recovery == .identify)
            } else {
                #expect(recovery == .resume)
            }
            #expect(GatewayCloseCode(rawValue: code).rawValue == code)
        }
        #expect(GatewayCloseCode(rawValue: 1000).recovery == .resume)
    }

    @Test func intentsNameThemselvesAndTheirPortalSwitches() {
        let intents: GatewayIntents = [.guilds, .guildPresences, .messageContent]
        #expect(intents.description == "GUILDS|GUILD_PRESENCES|MESSAGE_CONTENT")
        #expect(
            intents.privilegedPortalNames == [
                "Presence Intent (GUILD_PRESENCES)", "Message Content Intent (MESSAGE_CONTENT)",
            ]
        )
        #expect(GatewayIntents(rawValue: 1 << 40).names == ["bit 40"])
    }
}
