import ClientSupport
import DiscordModels
import DiscordREST
import MetricsTestKit
import TestSupport
import Testing

/// The client against the fake's real buckets (5 message requests per 5 s per channel) on a manual clock.
@Suite struct RateLimitIntegrationTests {
    let channel: ChannelID = "900000000000000001"
    let other: ChannelID = "900000000000000002"

    func create(_ h: RESTHarness, _ content: String, in channel: ChannelID) -> Task<Message, any Error> {
        Task { try await h.client.createMessage(channelID: channel, payload: MessagePayload(content: content)) }
    }

    @Test func waitsForTheResetInFIFOOrderWhileOtherBucketsProceed() async throws {
        try await RESTHarness.with { h in
            for index in 1...5 {
                _ = try await h.client.createMessage(channelID: channel, payload: MessagePayload(content: "\(index)"))
            }
            // The fifth answer said Remaining 0, Reset-After 5 s: the sixth waits on the clock.
            let sixth = create(h, "6", in: channel)
            await h.clock.waitForSleepers(count: 1)
            let seventh = create(h, "7", in: channel)
            await h.client.waitForQueuedRequests(count: 1)
            let eighth = create(h, "8", in: channel)
            await h.client.waitForQueuedRequests(count: 2)
            // Another channel's bucket is not held up.
            _ = try await create(h, "elsewhere", in: other).value
            #expect(await h.discord.requests.count == 6)

            h.clock.advance(by: .milliseconds(4_999))
            #expect(h.clock.sleeperCount == 1)
            h.clock.advance(by: .milliseconds(1))
            _ = try await (sixth.value, seventh.value, eighth.value)

            let requests = await h.discord.requests.filter { $0.path == "/channels/\(channel)/messages" }
            let contents = try requests.map { try $0.decodePayload(MessagePayload.self).content ?? "" }
            #expect(contents == ["1", "2", "3", "4", "5", "6", "7", "8"])
            #expect(requests.suffix(3).allSatisfy { $0.arrival >= .seconds(5) })
            #expect(await h.discord.rateLimitedCount == 0)
            #expect(await h.discord.messages(in: channel).count == 8)
        }
    }

    @Test func learnsASharedBucketFromHeaders() async throws {
        try await RESTHarness.with { h in
            // Create and edit in one channel share the fake's "fake-messages" bucket.
            let first = try await h.client.createMessage(channelID: channel, payload: MessagePayload(content: "a"))
            _ = try await h.client.editMessage(
                channelID: channel,
                messageID: first.id,
                payload: MessagePayload(content: "b")
            )
            #expect(await h.client.rateLimiter.bucketHash(for: .createMessage(channelID: channel)) == "fake-messages")
            #expect(
                await h.client.rateLimiter.bucketHash(for: .editMessage(channelID: channel, messageID: first.id))
                    == "fake-messages"
            )
            for index in 0..<3 {
                _ = try await h.client.createMessage(channelID: channel, payload: MessagePayload(content: "\(index)"))
            }
            // Five used across both routes: the edit waits although the edit route itself sent only one request.
            let edit = Task {
                try await h.client.editMessage(
                    channelID: channel,
                    messageID: first.id,
                    payload: MessagePayload(content: "c")
                )
            }
            await h.clock.waitForSleepers(count: 1)
            #expect(await h.discord.requests.count == 5)
            h.clock.advance(by: .seconds(5))
            #expect(try await edit.value.content == "c")
            #expect(await h.discord.rateLimitedCount == 0)
        }
    }

    @Test func honoursRetryAfterAndNeverRetriesEarly() async throws {
        try await RESTHarness.with { h in
            await h.discord.failNext(.rateLimited(retryAfter: .milliseconds(2_500)), method: "POST")
            let task = create(h, "x", in: channel)
            await h.clock.waitForSleepers(count: 1)
            h.clock.advance(by: .milliseconds(2_499))
            #expect(h.clock.sleeperCount == 1)
            #expect(await h.discord.requests.count == 1)
            h.clock.advance(by: .milliseconds(1))
            _ = try await task.value
            let arrivals = await h.discord.requests.map(\.arrival)
            #expect(arrivals == [.zero, .milliseconds(2_500)])
            #expect(await h.client.statistics().rateLimited == 1)
            // The metrics: one 429 of the user scope, then one success, and the wait counted.
            let route = ("route", "POST /channels/{channel.id}/messages")
            let tooMany = try h.metrics.expectCounter(
                "pterodisbot_discord_requests_total",
                [route, ("status_class", "4xx")]
            )
            #expect(tooMany.totalValue == 1)
            let ok = try h.metrics.expectCounter(
                "pterodisbot_discord_requests_total",
                [route, ("status_class", "2xx")]
            )
            #expect(ok.totalValue == 1)
            #expect(
                try h.metrics.expectCounter("pterodisbot_discord_rate_limited_total", [("scope", "user")]).totalValue
                    == 1
            )
            // Whole seconds: swift-metrics accumulates the fractions of a floating-point counter.
            let waited = try h.metrics.expectCounter("pterodisbot_discord_bucket_wait_seconds_total").totalValue
            #expect((2...3).contains(waited))
        }
    }

    @Test func globalRateLimitPausesEveryRouteButInteractionCallbacks() async throws {
        try await RESTHarness.with { h in
            await h.discord.failNext(.rateLimited(retryAfter: .seconds(3), global: true), method: "POST")
            let first = create(h, "one", in: channel)
            await h.clock.waitForSleepers(count: 1)
            let second = create(h, "two", in: other)
            await h.clock.waitForSleepers(count: 2)
            #expect(await h.discord.requests.count == 1)
            // Interaction callbacks are not bound by the global limit.
            try await h.client.createInteractionResponse(
                interactionID: "5",
                token: Secret("interaction-token-abcdefghijklmnop"),
                response: .deferredMessage(ephemeral: true)
            )
            #expect(await h.discord.requests.count == 2)
            h.clock.advance(by: .seconds(3))
            _ = try await (first.value, second.value)
            let late = await h.discord.requests.filter { $0.route.hasPrefix("POST /channels") && $0.status == 200 }
            #expect(late.count == 2)
            #expect(late.allSatisfy { $0.arrival == .seconds(3) })
            #expect(await h.client.statistics().globallyRateLimited == 1)
            #expect(
                try h.metrics.expectCounter("pterodisbot_discord_rate_limited_total", [("scope", "global")]).totalValue
                    == 1
            )
        }
    }

    @Test func givesUpAfterRepeatedTooManyRequests() async throws {
        try await RESTHarness.with(retry: RetryPolicy(maxAttempts: 1), maxRateLimitRetries: 1) { h in
            await h.discord.failNext(.rateLimited(retryAfter: .seconds(1)), count: 2)
            let task = create(h, "x", in: channel)
            await h.clock.waitForSleepers(count: 1)
            h.clock.advance(by: .seconds(1))
            let error = await #expect(throws: DiscordRESTError.self) { _ = try await task.value }
            #expect(error?.status == 429)
            #expect(await h.discord.requests.count == 2)
        }
    }
}

@Suite struct EditBurstTests {
    @Test func aBurstOfEditsOnOneChannelGetsNoTooManyRequests() async throws {
        try await RESTHarness.with { h in
            let channel: ChannelID = "900000000000000003"
            let message = try await h.client.createMessage(channelID: channel, payload: MessagePayload(content: "0"))
            let edits = 40
            let burst = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 1...edits {
                        group.addTask {
                            _ = try await h.client.editMessage(
                                channelID: channel,
                                messageID: message.id,
                                payload: MessagePayload(content: "\(index)")
                            )
                        }
                    }
                    try await group.waitForAll()
                }
            }
            // Drive the manual clock: each time the head of the queue parks on a reset, jump to it. The create and
            // the edits share the 5-per-5-s bucket, so 41 requests need exactly 8 further windows.
            let windows = (edits + 1 + 4) / 5 - 1
            for _ in 0..<windows {
                await h.clock.waitForSleepers(count: 1)
                h.clock.advanceToNextDeadline()
            }
            try await burst.value
            #expect(await h.discord.rateLimitedCount == 0)
            #expect(await h.discord.requests.count == edits + 1)
            #expect(h.clock.now.offset == .seconds(5 * windows))
        }
    }
}
