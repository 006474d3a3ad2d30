/// What a UDP query does after a datagram arrives.
enum DatagramStep<Answer: Sendable> {
    /// The query has its answer.
    case finished(Answer)
    /// Send this datagram (it becomes the one resent on silence).
    case send([UInt8])
    /// Not for this query (a stale reply); keep waiting.
    case ignore
}

/// The protocol logic of one UDP query, free of I/O: the first datagram, and what each reply leads to.
protocol DatagramConversation: Sendable {
    associatedtype Answer: Sendable
    /// The datagram to send now, and to resend when the server stays silent.
    var request: [UInt8] { get }
    /// Interprets one received datagram.
    mutating func receive(_ datagram: [UInt8]) throws(GameQueryError) -> DatagramStep<Answer>
}

/// A Bedrock unconnected ping (`game-queries.md` §2): one ping, one pong that echoes our time.
struct BedrockConversation: DatagramConversation {
    let time: Int64
    let clientGUID: Int64

    var request: [UInt8] { BedrockPingCodec.ping(time: time, clientGUID: clientGUID) }

    mutating func receive(_ datagram: [UInt8]) throws(GameQueryError) -> DatagramStep<BedrockPong> {
        let pong = try BedrockPingCodec.parsePong(datagram)
        // A pong that does not echo our time answers someone else's ping.
        return pong.time == time ? .finished(pong) : .ignore
    }
}

/// An A2S_INFO query (`game-queries.md` §3): request, maybe a challenge to echo, then the info.
struct A2SConversation: DatagramConversation {
    /// How many challenges are answered before giving up: a server that keeps asking is broken.
    static let maxChallenges = 2

    private(set) var request: [UInt8] = A2SInfoCodec.request()
    private(set) var challengesAnswered = 0

    mutating func receive(_ datagram: [UInt8]) throws(GameQueryError) -> DatagramStep<A2SInfo> {
        switch try A2SInfoCodec.parseReply(datagram) {
        case .info(let info):
            return .finished(info)
        case .challenge(let challenge):
            guard challengesAnswered < Self.maxChallenges else {
                throw .malformed("server asked for a challenge \(challengesAnswered + 1) times")
            }
            challengesAnswered += 1
            request = A2SInfoCodec.request(challenge: challenge)
            return .send(request)
        }
    }
}
