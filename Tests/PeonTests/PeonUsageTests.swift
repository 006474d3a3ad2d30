import PanelCore
import Peon
import Testing

@Suite struct PeonUsageTests {
    private let running = PeonServer(gameUID: "valheim", serverName: "server01", containerState: .running)

    /// The sample of reference §6: 0.1 s of CPU time over 4 s of host time on 4 CPUs.
    private func referenceStats() -> DockerStats {
        DockerStats(
            cpu: DockerCPUStats(totalUsage: 123_456_789_000, systemCPUUsage: 987_654_321_000_000, onlineCPUs: 4),
            precpu: DockerCPUStats(totalUsage: 123_356_789_000, systemCPUUsage: 987_650_321_000_000, onlineCPUs: 4),
            memory: DockerMemoryStats(usage: 2_147_483_648, limit: 8_589_934_592, inactiveFile: 104_857_600),
            networks: ["eth0": DockerNetworkStats(rxBytes: 123_456, txBytes: 654_321)]
        )
    }

    @Test func cpuIsTheUsageDeltaOverTheSystemDeltaTimesTheCPUs() throws {
        let cpu = try #require(PeonUsage.cpuAbsolute(referenceStats()))
        #expect(abs(cpu - 10) < 1e-9)
    }

    @Test func cpuCanExceedOneHundredPercentOnSeveralCores() throws {
        var stats = referenceStats()
        stats.cpu?.totalUsage = 123_356_789_000 + 3_000_000_000
        let cpu = try #require(PeonUsage.cpuAbsolute(stats))
        #expect(abs(cpu - 300) < 1e-9)
    }

    @Test func anIdleContainerIsAtZeroPercentNotUnknown() {
        var stats = referenceStats()
        stats.cpu?.totalUsage = stats.precpu?.totalUsage
        #expect(PeonUsage.cpuAbsolute(stats) == 0)
    }

    @Test func missingPrecpuMakesTheCPUUnknown() {
        var stats = referenceStats()
        stats.precpu = nil
        #expect(PeonUsage.cpuAbsolute(stats) == nil)
        // Docker's first read: an empty `precpu_stats` with a zero total and no system time.
        stats.precpu = DockerCPUStats(totalUsage: 0)
        #expect(PeonUsage.cpuAbsolute(stats) == nil)
        let resources = PeonUsage.resources(server: running, stats: .docker(stats))
        #expect(resources.unreported.contains(.cpu))
        #expect(!resources.reports(.cpu))
        #expect(resources.cpuAbsolute == 0)
        #expect(resources.reports(.memory))
    }

    @Test func aZeroOrMissingSystemDeltaMakesTheCPUUnknown() {
        var stats = referenceStats()
        stats.cpu?.systemCPUUsage = stats.precpu?.systemCPUUsage
        #expect(PeonUsage.cpuAbsolute(stats) == nil)
        stats = referenceStats()
        stats.precpu?.systemCPUUsage = 0
        #expect(PeonUsage.cpuAbsolute(stats) == nil)
        stats = referenceStats()
        stats.cpu?.systemCPUUsage = nil
        #expect(PeonUsage.cpuAbsolute(stats) == nil)
    }

    @Test func aCounterThatWentBackwardsMakesTheCPUUnknown() {
        var stats = referenceStats()
        stats.cpu?.totalUsage = 1_000
        #expect(PeonUsage.cpuAbsolute(stats) == nil)
    }

    @Test func withoutOnlineCPUsThePerCPUListGivesTheCount() throws {
        var stats = referenceStats()
        stats.cpu?.onlineCPUs = nil
        stats.cpu?.percpuUsage = [1, 2]
        let cpu = try #require(PeonUsage.cpuAbsolute(stats))
        #expect(abs(cpu - 5) < 1e-9)
        stats.cpu?.percpuUsage = nil
        #expect(PeonUsage.cpuAbsolute(stats) == nil)
        stats.cpu?.percpuUsage = []
        #expect(PeonUsage.cpuAbsolute(stats) == nil)
    }

    @Test func memoryLeavesOutTheReclaimablePageCache() {
        // cgroup v2
        #expect(PeonUsage.memoryBytes(DockerMemoryStats(usage: 1_000, inactiveFile: 300)) == 700)
        // cgroup v1, then older Docker with only `cache`
        #expect(PeonUsage.memoryBytes(DockerMemoryStats(usage: 1_000, totalInactiveFile: 200, cache: 900)) == 800)
        #expect(PeonUsage.memoryBytes(DockerMemoryStats(usage: 1_000, cache: 900)) == 100)
        // Nothing to subtract
        #expect(PeonUsage.memoryBytes(DockerMemoryStats(usage: 1_000)) == 1_000)
    }

    @Test func memoryIsNeverNegativeAndUnknownWithoutUsage() {
        #expect(PeonUsage.memoryBytes(DockerMemoryStats(usage: 100, inactiveFile: 5_000)) == 0)
        #expect(PeonUsage.memoryBytes(DockerMemoryStats()) == nil)
        #expect(PeonUsage.memoryBytes(nil) == nil)
    }

    @Test func networkIsSummedOverInterfacesAndUnreportedWithoutThem() throws {
        let sums = try #require(
            PeonUsage.networkBytes([
                "eth0": DockerNetworkStats(rxBytes: 100, txBytes: 10),
                "eth1": DockerNetworkStats(rxBytes: 50, txBytes: 5),
                "lo": DockerNetworkStats(rxBytes: nil, txBytes: 1),
            ])
        )
        #expect(sums.rx == 150)
        #expect(sums.tx == 16)
        #expect(PeonUsage.networkBytes(nil) == nil)
        var stats = referenceStats()
        stats.networks = nil
        let resources = PeonUsage.resources(server: running, stats: .docker(stats))
        #expect(resources.unreported == [.network, .disk, .uptime])
    }

    @Test func absurdCountersSaturateInsteadOfTrapping() throws {
        let sums = try #require(
            PeonUsage.networkBytes([
                "a": DockerNetworkStats(rxBytes: .max, txBytes: 1), "b": DockerNetworkStats(rxBytes: .max, txBytes: 1),
            ])
        )
        #expect(sums.rx == .max)
    }

    @Test func aFullSampleReportsEverythingButDiskAndUptime() {
        let resources = PeonUsage.resources(server: running, stats: .docker(referenceStats()))
        #expect(resources.state == .running)
        #expect(resources.rawState == "running")
        #expect(abs(resources.cpuAbsolute - 10) < 1e-9)
        #expect(resources.memoryBytes == 2_147_483_648 - 104_857_600)
        #expect(resources.networkRxBytes == 123_456)
        #expect(resources.networkTxBytes == 654_321)
        #expect(resources.unreported == [.disk, .uptime])
        #expect(resources.diskBytes == 0)
        #expect(resources.uptimeMilliseconds == 0)
    }

    @Test func notAvailableStatsKeepTheStateAndReportNothingElse() {
        let paused = PeonServer(gameUID: "valheim", serverName: "server01", containerState: .paused)
        let resources = PeonUsage.resources(server: paused, stats: .notAvailable)
        #expect(resources.state == .offline)
        #expect(resources.rawState == "paused")
        #expect(resources.unreported == [.cpu, .memory, .network, .disk, .uptime])
        #expect(resources.cpuAbsolute == 0)
        #expect(resources.memoryBytes == 0)
    }

    @Test func aStoppedContainersZeroedStatsReportNoFigures() throws {
        // Docker's answer for a stopped container (reference §6): zero counters, empty memory, no networks.
        let answer = try decode(
            PeonServerStats.self,
            """
            {"game_uid": "valheim", "servername": "server02", "container_state": "exited", "server_state": "exited",
             "server_config": {}, "description": "x", "time": null,
             "stats": {"read": "0001-01-01T00:00:00Z", "cpu_stats": {"cpu_usage": {"total_usage": 0}},
                       "precpu_stats": {"cpu_usage": {"total_usage": 0}}, "memory_stats": {}}}
            """
        )
        let resources = PeonUsage.resources(of: answer)
        #expect(resources.state == .offline)
        #expect(resources.unreported == [.cpu, .memory, .network, .disk, .uptime])
    }
}
