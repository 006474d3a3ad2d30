import AsyncHTTPClient
import DiscordModels
import DiscordREST
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// The fake itself, driven without the client's limiter: it must answer like Discord.
@Suite struct FakeDiscordRESTTests {
    @Test func enforcesTheMessageBucketWithDiscordStyle429s() async throws {
        let clock = ManualClock()
        let fake = try await FakeDiscordREST.start(clock: clock)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            var statuses: [Int] = []
            var last: HTTPClientResponse?
            var lastBody = ByteBuffer()
            for index in 0..<6 {
                var request = HTTPClientRequest(url: fake.baseURL + "/channels/5/messages")
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: #"{"content":"\#(index)"}"#))
                let response = try await http.execute(request, timeout: .seconds(5))
                lastBody = try await response.body.collect(upTo: 1 << 20)
                statuses.append(Int(response.status.code))
                last = response
                clock.advance(by: .milliseconds(100))
            }
            #expect(statuses == [200, 200, 200, 200, 200, 429])
            let response = try #require(last)
            #expect(response.headers.first(name: "X-RateLimit-Remaining") == "0")
            #expect(response.headers.first(name: "X-RateLimit-Bucket") == "fake-messages")
            #expect(response.headers.first(name: "X-RateLimit-Reset-After") == "4.500")
            #expect(response.headers.first(name: "X-RateLimit-Scope") == "user")
            #expect(response.headers.first(name: "Retry-After") == "5")
            let body = try #require(
                try JSONSerialization.jsonObject(with: Data(lastBody.readableBytesView)) as? [String: Any]
            )
            #expect(body["retry_after"] as? Double == 4.5)
            #expect(body["global"] as? Bool == false)
            #expect(await fake.rateLimitedCount == 1)
            #expect(await fake.messages(in: "5").count == 5)
            #expect(await fake.requests.map(\.arrival).last == .milliseconds(500))
        } catch {
            try await http.shutdown()
            try await fake.shutdown()
            throw error
        }
        try await http.shutdown()
        try await fake.shutdown()
    }

    @Test func unknownChannelsAndMessages() async throws {
        try await RESTHarness.with(
            fake: FakeDiscordRESTConfiguration(expectedToken: RESTHarness.token.exposedValue, acceptsAnyChannel: false)
        ) { h in
            let missing = await #expect(throws: DiscordRESTError.self) {
                _ = try await h.client.createMessage(channelID: "1", payload: MessagePayload(content: "x"))
            }
            #expect(missing?.discordCode == .unknownChannel)
            await h.discord.addChannel("2")
            let message = try await h.client.createMessage(channelID: "2", payload: MessagePayload(content: "x"))
            await h.discord.deleteMessage(message.id, in: "2")
            let gone = await #expect(throws: DiscordRESTError.self) {
                _ = try await h.client.editMessage(
                    channelID: "2",
                    messageID: message.id,
                    payload: MessagePayload(content: "y")
                )
            }
            #expect(gone?.discordCode == .unknownMessage)
            await h.discord.removeChannel("2")
            let removed = await #expect(throws: DiscordRESTError.self) {
                _ = try await h.client.getMessage(channelID: "2", messageID: message.id)
            }
            #expect(removed?.discordCode == .unknownChannel)
        }
    }

    @Test func waitForRequestsAwaitsInsteadOfPolling() async throws {
        try await RESTHarness.with { h in
            let waiter = Task { try await h.discord.waitForRequests(count: 2, where: { $0.method == "POST" }) }
            _ = try await h.client.getGatewayBot()
            _ = try await h.client.createMessage(channelID: "3", payload: MessagePayload(content: "a"))
            _ = try await h.client.createMessage(channelID: "3", payload: MessagePayload(content: "b"))
            let posts = try await waiter.value
            #expect(posts.count == 2)
            #expect(posts.allSatisfy { $0.route == "POST /channels/{channel.id}/messages" })
        }
    }
}
