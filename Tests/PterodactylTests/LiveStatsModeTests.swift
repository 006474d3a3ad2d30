import Pterodactyl
import Testing

/// The `LiveStats = auto | on | off` rule.
@Suite struct LiveStatsModeTests {
    @Test func onAndOffAreFixed() {
        for servers in [0, 10, 10_000] {
            for alerts in [false, true] {
                #expect(
                    LiveStatsMode.on.wantsLiveStats(
                        watchedServers: servers,
                        updateInterval: .seconds(10),
                        clientRateLimitPerMinute: 720,
                        alertsEnabled: alerts
                    )
                )
                #expect(
                    !LiveStatsMode.off.wantsLiveStats(
                        watchedServers: servers,
                        updateInterval: .seconds(10),
                        clientRateLimitPerMinute: 720,
                        alertsEnabled: alerts
                    )
                )
            }
        }
    }

    /// 720 a minute is a steady 576 (see `TokenBucket`): 90 servers every 10 s need 540, 100 need 600.
    @Test func autoGoesLiveWhenPollingWouldExceedTheBudget() {
        func auto(_ servers: Int, every seconds: Int, limit: Int = 720) -> Bool {
            LiveStatsMode.auto.wantsLiveStats(
                watchedServers: servers,
                updateInterval: .seconds(seconds),
                clientRateLimitPerMinute: limit,
                alertsEnabled: false
            )
        }
        #expect(!auto(90, every: 10))
        #expect(auto(100, every: 10))
        #expect(!auto(100, every: 20))
        // Pelican's 256 a minute is a steady 206: 30 servers every 10 s need 180, 40 need 240.
        #expect(!auto(30, every: 10, limit: 256))
        #expect(auto(40, every: 10, limit: 256))
    }

    @Test func autoGoesLiveWhenAlertsWatchEveryServer() {
        #expect(
            LiveStatsMode.auto.wantsLiveStats(
                watchedServers: 1,
                updateInterval: .seconds(60),
                clientRateLimitPerMinute: 720,
                alertsEnabled: true
            )
        )
    }
}
