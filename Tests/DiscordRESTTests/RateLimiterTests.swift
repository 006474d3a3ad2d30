import ClientSupport
import DiscordModels
import DiscordREST
import Testing

@Suite struct RateLimiterTests {
    let channelA = Route.editMessage(channelID: "1", messageID: "10")
    let createA = Route.createMessage(channelID: "1")
    let channelB = Route.editMessage(channelID: "2", messageID: "20")

    func headers(bucket: String = "abc", limit: Int = 5, remaining: Int, resetAfter: Duration) -> RateLimitInfo {
        RateLimitInfo(status: 200, bucket: bucket, limit: limit, remaining: remaining, resetAfter: resetAfter)
    }

    @Test func unknownRouteGoesImmediately() async {
        let limiter = RateLimiter()
        #expect(await limiter.decide(route: channelA, now: .zero) == .go)
    }

    @Test func waitsUntilResetWhenRemainingIsZero() async {
        let limiter = RateLimiter()
        #expect(await limiter.decide(route: channelA, now: .zero) == .go)
        await limiter.record(route: channelA, info: headers(remaining: 0, resetAfter: .seconds(2)), now: .zero)
        #expect(await limiter.decide(route: channelA, now: .zero) == .wait(.seconds(2)))
        #expect(await limiter.decide(route: channelA, now: .milliseconds(1_999)) == .wait(.milliseconds(1)))
        #expect(await limiter.decide(route: channelA, now: .seconds(2)) == .go)
    }

    @Test func countsDownRemainingBeforeTheNextResponse() async {
        let limiter = RateLimiter()
        await limiter.record(route: channelA, info: headers(remaining: 2, resetAfter: .seconds(5)), now: .zero)
        #expect(await limiter.decide(route: channelA, now: .zero) == .go)
        #expect(await limiter.decide(route: channelA, now: .zero) == .go)
        #expect(await limiter.decide(route: channelA, now: .seconds(1)) == .wait(.seconds(4)))
        // After the reset the full limit is available again.
        for _ in 0..<5 { #expect(await limiter.decide(route: channelA, now: .seconds(5)) == .go) }
        #expect(await limiter.decide(route: channelA, now: .seconds(5)) == .wait(.seconds(5)))
    }

    @Test func routesSharingABucketShareItsBudget() async {
        let limiter = RateLimiter()
        await limiter.record(
            route: channelA,
            info: headers(bucket: "shared", remaining: 3, resetAfter: .seconds(5)),
            now: .zero
        )
        await limiter.record(
            route: createA,
            info: headers(bucket: "shared", remaining: 1, resetAfter: .seconds(5)),
            now: .zero
        )
        #expect(await limiter.bucketHash(for: createA) == "shared")
        #expect(await limiter.decide(route: channelA, now: .zero) == .go)
        // The edit used the last slot of the shared bucket, so the create waits too.
        #expect(await limiter.decide(route: createA, now: .zero) == .wait(.seconds(5)))
        #expect(await limiter.decide(route: channelA, now: .zero) == .wait(.seconds(5)))
    }

    @Test func oldMessageEditLimitDoesNotBlockTheBucket() async {
        let limiter = RateLimiter()
        let info = RateLimitInfo(
            status: 429,
            header: { _ in nil },
            body: Array(#"{"message":"Maximum number of edits","code":30046,"retry_after":30.0,"global":false}"#.utf8)
        )
        #expect(info.isOldMessageEditLimit)
        #expect(info.retryAfter == .seconds(30))
        #expect(await limiter.decide(route: channelA, now: .zero) == .go)
        await limiter.record(route: channelA, info: info, now: .zero)
        #expect(await limiter.decide(route: channelA, now: .zero) == .go)
        #expect(await limiter.decide(route: createA, now: .zero) == .go)
        // A plain 429 on the same route still blocks it.
        await limiter.record(route: channelA, info: RateLimitInfo(status: 429, retryAfter: .seconds(3)), now: .zero)
        #expect(await limiter.decide(route: channelA, now: .zero) == .wait(.seconds(3)))
    }

    @Test func perInteractionEntriesExpireSoMemoryStaysFlat() async {
        let limiter = RateLimiter()
        let token = Secret("interaction-token-for-pruning-test")
        var now = Duration.zero
        var largest = 0
        // One interaction per second for 20,000 s: each has its own callback route and bucket.
        for id in 0..<20_000 {
            let route = Route.createInteractionResponse(interactionID: InteractionID(UInt64(id)), token: token)
            #expect(await limiter.decide(route: route, now: now) == .go)
            let info = RateLimitInfo(status: 204, bucket: "cb", limit: 1, remaining: 0, resetAfter: .seconds(1))
            await limiter.record(route: route, info: info, now: now)
            largest = max(largest, await limiter.trackedEntryCount)
            now += .seconds(1)
        }
        // Entries live at most staleEntryAge (600 s) plus the one-minute prune spacing: two per interaction.
        #expect(largest <= 2 * 661)
        #expect(await limiter.trackedEntryCount <= 2 * 661)
        // A route used again after pruning is learned afresh.
        let old = Route.createInteractionResponse(interactionID: "0", token: token)
        #expect(await limiter.bucketHash(for: old) == nil)
        #expect(await limiter.decide(route: old, now: now) == .go)
    }

    @Test func activeBucketsAreNotPruned() async {
        let limiter = RateLimiter()
        await limiter.record(route: channelA, info: headers(remaining: 0, resetAfter: .seconds(750)), now: .zero)
        // Unused for 700 s, but its reset is still ahead: it must keep blocking.
        #expect(await limiter.decide(route: createA, now: .seconds(700)) == .go)
        #expect(await limiter.decide(route: channelA, now: .seconds(700)) == .wait(.seconds(50)))
        #expect(await limiter.bucketHash(for: channelA) == "abc")
    }

    @Test func otherMajorParametersAreIndependent() async {
        let limiter = RateLimiter()
        await limiter.record(route: channelA, info: headers(remaining: 0, resetAfter: .seconds(5)), now: .zero)
        await limiter.record(route: channelB, info: headers(remaining: 4, resetAfter: .seconds(5)), now: .zero)
        #expect(await limiter.decide(route: channelA, now: .zero) == .wait(.seconds(5)))
        #expect(await limiter.decide(route: channelB, now: .zero) == .go)
    }

    @Test func tooManyRequestsIsHonouredAndNeverShortened() async {
        let limiter = RateLimiter()
        var info = RateLimitInfo(status: 429, retryAfter: .milliseconds(3_500))
        info.bucket = "abc"
        info.remaining = 0
        info.resetAfter = .seconds(1)  // shorter than retry_after: the longer wait wins
        await limiter.record(route: channelA, info: info, now: .seconds(10))
        #expect(await limiter.decide(route: channelA, now: .seconds(10)) == .wait(.milliseconds(3_500)))
        #expect(await limiter.decide(route: channelA, now: .milliseconds(13_499)) == .wait(.milliseconds(1)))
        #expect(await limiter.decide(route: channelA, now: .milliseconds(13_500)) == .go)
    }

    @Test func globalTooManyRequestsPausesEverythingButInteractions() async {
        let limiter = RateLimiter()
        await limiter.record(
            route: channelA,
            info: RateLimitInfo(status: 429, retryAfter: .seconds(2), isGlobal: true, scope: "global"),
            now: .zero
        )
        #expect(await limiter.decide(route: channelB, now: .zero) == .wait(.seconds(2)))
        #expect(await limiter.decide(route: .getGatewayBot, now: .seconds(1)) == .wait(.seconds(1)))
        let callback = Route.createInteractionResponse(interactionID: "5", token: Secret("tok"))
        #expect(await limiter.decide(route: callback, now: .zero) == .go)
        #expect(await limiter.decide(route: channelB, now: .seconds(2)) == .go)
    }

    @Test func proactiveGlobalBudgetIsFiftyPerSecondAndSparesInteractions() async {
        let limiter = RateLimiter()
        for index in 0..<50 {
            let route = Route.getMessage(channelID: ChannelID(UInt64(index)), messageID: "1")
            #expect(await limiter.decide(route: route, now: .milliseconds(index)) == .go)
        }
        #expect(await limiter.decide(route: channelA, now: .milliseconds(100)) == .wait(.milliseconds(900)))
        let followup = Route.createFollowupMessage(applicationID: "1", token: Secret("tok"))
        #expect(await limiter.decide(route: followup, now: .milliseconds(100)) == .go)
        // The first slot frees one second after it was used.
        #expect(await limiter.decide(route: channelA, now: .milliseconds(1_000)) == .go)
        #expect(await limiter.decide(route: channelB, now: .milliseconds(1_000)) == .wait(.milliseconds(1)))
    }

    @Test func invalidRequestsAreCountedAndStopRequestsNearTheBanThreshold() async {
        let limiter = RateLimiter(configuration: .init(invalidRequestBudget: 3))
        await limiter.record(route: channelA, info: RateLimitInfo(status: 403), now: .zero)
        await limiter.record(route: channelA, info: RateLimitInfo(status: 401), now: .seconds(1))
        await limiter.record(route: channelB, info: RateLimitInfo(status: 404), now: .seconds(1))
        await limiter.record(route: channelB, info: RateLimitInfo(status: 429, scope: "shared"), now: .seconds(1))
        #expect(await limiter.invalidRequestCount(now: .seconds(2)) == 2)
        await limiter.record(route: channelB, info: RateLimitInfo(status: 429, retryAfter: .zero), now: .seconds(2))
        #expect(await limiter.decide(route: .getGatewayBot, now: .seconds(3)) == .fail(.invalidRequestBudgetExhausted))
        // Ten minutes after the first one it has left the window.
        #expect(await limiter.invalidRequestCount(now: .seconds(600)) == 2)
        #expect(await limiter.decide(route: .getGatewayBot, now: .seconds(600)) == .go)
    }

    @Test func excessiveWaitsFail() async {
        let limiter = RateLimiter(configuration: .init(maximumWait: .seconds(30)))
        await limiter.record(route: channelA, info: RateLimitInfo(status: 429, retryAfter: .seconds(60)), now: .zero)
        #expect(await limiter.decide(route: channelA, now: .zero) == .fail(.waitTooLong(.seconds(60), global: false)))
    }

    @Test func parsesHeadersAndTooManyRequestsBody() {
        let headers = [
            "x-ratelimit-bucket": "abcd1234",
            "x-ratelimit-limit": "5",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset-after": "1.234",
            "retry-after": "2",
            "x-ratelimit-scope": "user",
        ]
        let body = Array(#"{"message":"You are being rate limited.","retry_after":2.5,"global":false}"#.utf8)
        let info = RateLimitInfo(status: 429, header: { headers[$0.lowercased()] }, body: body)
        #expect(info.bucket == "abcd1234")
        #expect(info.limit == 5)
        #expect(info.remaining == 0)
        #expect(info.resetAfter == .milliseconds(1_234))
        #expect(info.retryAfter == .milliseconds(2_500))
        #expect(info.isGlobal == false)
        let global = RateLimitInfo(
            status: 429,
            header: { $0 == "Retry-After" ? "7" : nil },
            body: Array(#"{"retry_after":0.5,"global":true}"#.utf8)
        )
        #expect(global.isGlobal)
        #expect(global.retryAfter == .milliseconds(500))
        let headerOnly = RateLimitInfo(status: 429, header: { $0 == "Retry-After" ? "7" : nil }, body: [])
        #expect(headerOnly.retryAfter == .seconds(7))
    }

    @Test func retryDelaysGrowExponentiallyWithBoundedJitter() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(500), maxDelay: .seconds(4))
        #expect(policy.delay(beforeRetry: 1, unitRandom: 0) == .milliseconds(250))
        #expect(policy.delay(beforeRetry: 1, unitRandom: 0.999_999_9) < .milliseconds(500))
        #expect(policy.delay(beforeRetry: 2, unitRandom: 0) == .milliseconds(500))
        #expect(policy.delay(beforeRetry: 3, unitRandom: 0) == .seconds(1))
        #expect(policy.delay(beforeRetry: 10, unitRandom: 0) == .seconds(2))
        #expect(policy.delay(beforeRetry: 10, unitRandom: 0.5) == .seconds(3))
    }
}
