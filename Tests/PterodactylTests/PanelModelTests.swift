import ClientSupport
import PanelCore
import Pterodactyl
import TestSupport
import Testing

@Suite struct PanelAPIKeyTests {
    @Test func detectsKindFromPrefix() {
        #expect(PanelAPIKey("ptlc_abcdefghijk0123456789012345678901234567890ab").kind == .client)
        #expect(PanelAPIKey("pacc_abcdefghijk0123456789012345678901234567890ab").kind == .client)
        #expect(PanelAPIKey("ptla_abcdefghijk0123456789012345678901234567890ab").kind == .application)
        #expect(PanelAPIKey("papp_abcdefghijk0123456789012345678901234567890ab").kind == .application)
        #expect(PanelAPIKey("abcdefghijklmnop0123456789012345678901234567890a").kind == .legacyUnprefixed)
        #expect(PanelAPIKey("  ptlc_trimmed0000000000000000000000000000000wxyz \n").exposedValue.hasSuffix("wxyz"))
    }

    @Test func descriptionsNeverShowTheSecret() {
        let secret = "ptlc_Abc123Def45SECRETsecretSECRETsecret0000abcd"
        let key = PanelAPIKey(secret)
        #expect(key.redacted == "ptlc_****abcd")
        #expect("\(key)" == "ptlc_****abcd")
        #expect(!String(reflecting: key).contains("SECRET"))
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains("SECRET"))
        #expect(PanelAPIKey("legacykey0000000000000000000wxyz").redacted == "****wxyz")
        #expect(PanelAPIKey("ptla_short").redacted == "ptla_****")
    }
}

@Suite struct PanelModelTests {
    @Test func unknownPowerStateIsOffline() {
        #expect(ServerState(powerState: "running") == .running)
        #expect(ServerState(powerState: "starting") == .starting)
        #expect(ServerState(powerState: "stopping") == .stopping)
        #expect(ServerState(powerState: "offline") == .offline)
        #expect(ServerState(powerState: "stopped") == .offline)
        #expect(ServerState(powerState: "exploded") == .offline)
    }

    @Test func conflictStateFollowsPanelPriority() {
        var server = PanelServer(id: ServerID("abcd1234"), uuid: "abcd1234-x", name: "A")
        #expect(server.conflictState == nil)
        server.isTransferring = true
        #expect(server.conflictState == .transferring)
        server.status = .restoringBackup
        #expect(server.conflictState == .restoringBackup)
        server.status = .installFailed
        #expect(server.conflictState == .installing)
        server.isNodeUnderMaintenance = true
        #expect(server.conflictState == .nodeMaintenance)
        server.status = .suspended
        #expect(server.conflictState == .suspended)
        server = PanelServer(id: ServerID("abcd1234"), uuid: "abcd1234-x", name: "A", status: .reinstallFailed)
        #expect(server.conflictState == nil)
        #expect(PanelStatus(raw: "brand_new") == .unknown("brand_new"))
    }

    @Test func addressUsesAliasAndListsAdditionalPorts() {
        let server = PanelServer(
            id: ServerID("abcd1234"),
            uuid: "abcd1234-x",
            name: "A",
            allocations: [
                ServerAllocation(id: 2, ip: "203.0.113.10", port: 25575, isDefault: false),
                ServerAllocation(id: 1, ip: "203.0.113.10", alias: "play.example.com", port: 25565, isDefault: true),
                ServerAllocation(id: 3, ip: "203.0.113.10", port: 19132, isDefault: false),
            ]
        )
        #expect(server.address == "play.example.com:25565")
        #expect(server.additionalPorts == [19132, 25575])
        #expect(
            ServerAllocation(id: 9, ip: "2001:db8::1", port: 27015, isDefault: true).address == "[2001:db8::1]:27015"
        )
    }

    @Test func unitsAndUnlimitedLimits() {
        let usage = ServerResources(
            state: .running,
            memoryBytes: 2_147_483_648,
            cpuAbsolute: 250,
            uptimeMilliseconds: 90_000
        )
        #expect(usage.cpuCores == 2.5)
        #expect(usage.uptime == .seconds(90))
        let limited = ServerLimits(memoryMiB: 4096, diskMiB: 0, cpuPercent: 200)
        #expect(usage.cpuFraction(of: limited) == 1.25)
        #expect(usage.memoryFraction(of: limited) == 0.5)
        #expect(limited.diskBytes == nil)
        let unlimited = ServerLimits()
        #expect(usage.cpuFraction(of: unlimited) == nil)
        #expect(usage.memoryFraction(of: unlimited) == nil)
        #expect(unlimited.cpuCores == nil)
    }

    @Test func sameSampleMeansTheCachedAnswer() {
        let first = ServerResources(state: .running, memoryBytes: 10, cpuAbsolute: 1.5, uptimeMilliseconds: 1000)
        let cached = first
        var next = first
        next.uptimeMilliseconds = 21_000
        #expect(cached.isSameSample(as: first))
        #expect(!next.isSameSample(as: first))
    }

    @Test func errorsDeriveStatesAndNameTheConfigKey() {
        #expect(PanelError.stateConflict(.suspended, detail: "x").derivedState == .suspended)
        #expect(PanelError.nodeUnreachable(detail: "x").derivedState == .nodeOffline)
        #expect(PanelError.notFound(detail: "x").derivedState == .removed)
        #expect(PanelError.panelUnreachable(reason: "x").derivedState == .panelUnreachable)
        #expect(PanelError.panelUnavailable(status: 502, detail: "x").derivedState == .panelUnreachable)
        #expect(PanelError.authenticationFailed(.client, reason: "x").derivedState == nil)
        #expect(
            PanelError.authenticationFailed(.client, reason: "Unauthenticated.").description
                .hasPrefix("client key rejected (check [Pterodactyl] ClientAPIKey)")
        )
        #expect(
            PanelError.authenticationFailed(.application, reason: "Unauthenticated.").description
                .hasPrefix("application key rejected (check [Pterodactyl] ApplicationAPIKey)")
        )
        let result: Result<ServerResources, PanelError> = .failure(.stateConflict(.installing, detail: ""))
        #expect(result.serverState == .installing)
    }

    @Test func retryDelayIsExponentialBoundedAndJittered() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(500), maxDelay: .seconds(4))
        #expect(policy.delay(beforeRetry: 1, unitRandom: 0) == .milliseconds(250))
        #expect(policy.delay(beforeRetry: 1, unitRandom: 0.999_999) <= .milliseconds(500))
        #expect(policy.delay(beforeRetry: 3, unitRandom: 0) == .seconds(1))
        #expect(policy.delay(beforeRetry: 10, unitRandom: 1) == .seconds(4))
        #expect(policy.delay(beforeRetry: 60, unitRandom: 0) == .seconds(2))
        #expect(RetryPolicy.none.maxAttempts == 1)
    }
}

@Suite struct TokenBucketTests {
    private typealias Instant = ManualClock.Instant

    /// Grants for `count` requests that all arrive at time zero.
    private func grants(count: Int, limit: Int) -> [Instant] {
        var bucket = TokenBucket<Instant>(limitPerMinute: limit)
        let now = Instant(offset: .zero)
        return (0..<count).map { _ in bucket.reserve(now: now) }
    }

    private func maxInAnyMinute(_ grants: [Instant]) -> Int {
        let sorted = grants.sorted()
        var best = 0
        var low = 0
        for high in sorted.indices {
            while sorted[low].duration(to: sorted[high]) >= .seconds(60) { low += 1 }
            best = max(best, high - low + 1)
        }
        return best
    }

    @Test(arguments: [720, 240, 60])
    func burstOf500StaysUnderTheLimitInEveryMinute(limit: Int) {
        let granted = grants(count: 500, limit: limit)
        #expect(maxInAnyMinute(granted) <= limit)
        // Grants are in arrival order (FIFO) and the bucket does not over-throttle: about 80 % of the limit is the rate.
        #expect(granted == granted.sorted())
        let bucket = TokenBucket<Instant>(limitPerMinute: limit)
        let expectedLast = Double(500 - Int(bucket.capacity)) / bucket.refillPerSecond
        let last = granted.last!.offset
        let lastSeconds = Double(last.components.seconds) + Double(last.components.attoseconds) / 1e18
        #expect(abs(lastSeconds - expectedLast) < 0.01)
    }

    @Test func retryAfterBlockIsNeverShortened() {
        var bucket = TokenBucket<Instant>(limitPerMinute: 720)
        let t0 = Instant(offset: .seconds(10))
        bucket.block(until: t0.advanced(by: .seconds(7)), now: t0)
        #expect(bucket.reserve(now: t0.advanced(by: .milliseconds(6900))) >= t0.advanced(by: .seconds(7)))
        bucket.block(until: t0.advanced(by: .seconds(2)), now: t0)
        #expect(bucket.blocked(after: t0.advanced(by: .seconds(5))) == t0.advanced(by: .seconds(7)))
        #expect(bucket.blocked(after: t0.advanced(by: .seconds(7))) == nil)
    }

    @Test func remainingHeaderLowersTheBucket() {
        var bucket = TokenBucket<Instant>(limitPerMinute: 720)
        let t0 = Instant(offset: .zero)
        bucket.observe(remaining: 1, now: t0)
        #expect(bucket.reserve(now: t0) == t0)
        #expect(bucket.reserve(now: t0) > t0)
    }
}
