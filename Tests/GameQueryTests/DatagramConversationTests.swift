import Testing

@testable import GameQuery

/// The UDP protocol decisions, reply by reply, without sockets.
@Suite struct DatagramConversationTests {
    @Test func a2sAnswersAChallengeThenFinishes() throws {
        var conversation = A2SConversation()
        #expect(conversation.request == A2SInfoCodec.request())
        let step = try conversation.receive([0xFF, 0xFF, 0xFF, 0xFF, 0x41, 1, 2, 3, 4])
        guard case .send(let resend) = step else {
            Issue.record("expected a resend, got \(step)")
            return
        }
        #expect(resend == A2SInfoCodec.request() + [1, 2, 3, 4])
        #expect(conversation.request == resend)
        guard case .finished(let info) = try conversation.receive(A2SInfoCodecTests.infoBytes) else {
            Issue.record("expected the info")
            return
        }
        #expect(info.humans == 16)
    }

    @Test func a2sGivesUpOnEndlessChallenges() throws {
        var conversation = A2SConversation()
        let challenge: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0x41, 9, 9, 9, 9]
        for _ in 0..<A2SConversation.maxChallenges {
            _ = try conversation.receive(challenge)
        }
        #expect(throws: GameQueryError.malformed("server asked for a challenge 3 times")) {
            try conversation.receive(challenge)
        }
    }

    @Test func bedrockIgnoresAPongForAnotherPing() throws {
        var conversation = BedrockConversation(time: 1, clientGUID: 2)
        #expect(conversation.request == BedrockPingCodec.ping(time: 1, clientGUID: 2))
        let stale = BedrockPingCodecTests.pong(time: [0, 0, 0, 0, 0, 0, 0, 7])
        guard case .ignore = try conversation.receive(stale) else {
            Issue.record("a stale pong must be ignored")
            return
        }
        let ours = BedrockPingCodecTests.pong(time: [0, 0, 0, 0, 0, 0, 0, 1])
        guard case .finished(let pong) = try conversation.receive(ours) else {
            Issue.record("expected the pong")
            return
        }
        #expect(pong.serverID.online == 3)
    }
}
