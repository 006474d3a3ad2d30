// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "pterodisbot",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pterodisbot", targets: ["pterodisbot"]),
        .executable(name: "pterodisbot-bench", targets: ["pterodisbot-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.25.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
    ],
    targets: [
        // Thin module map over the system zlib (PNG deflate, gateway zlib-stream inflate).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        // glibc's mallopt, for MemoryTuning (header only: libc is linked anyway).
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "DiscordModels",
            swiftSettings: swiftSettings
        ),
        // What the HTTP clients share: the HTTP client's settings, the retry policy and Duration in seconds.
        .target(
            name: "ClientSupport",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DiscordREST",
            dependencies: [
                "ClientSupport",
                "DiscordModels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DiscordGateway",
            dependencies: [
                "ClientSupport",
                "DiscordModels",
                "CZlib",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Backend-neutral panel interface: models, failure classification, capabilities. No I/O.
        .target(
            name: "PanelCore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Pterodactyl",
            dependencies: [
                "ClientSupport",
                "PanelCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // The Wings websocket (live stats): its own small client, so the upgrade carries exactly one Origin.
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                // Live stats: LiveStatsBackend is a Service that owns the sockets.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The PEON orchestrator (the-peon-project/peon-orc) as a panel backend: client, models, Docker usage math.
        .target(
            name: "Peon",
            dependencies: [
                "ClientSupport",
                "PanelCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Polls the panels and publishes observations to consumers. Knows nothing of Discord.
        .target(
            name: "Monitoring",
            dependencies: [
                "PanelCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Alert rules as a pure engine: sustained conditions, hysteresis, grouping, inhibition. No I/O.
        .target(
            name: "Alerting",
            dependencies: ["PanelCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PNGRaster",
            dependencies: ["CZlib"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ServerMetrics",
            dependencies: [
                "PNGRaster",
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP listener for Prometheus scrapes and health probes.
        .target(
            name: "Observability",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Player counts straight from game servers: Minecraft Java/Bedrock and Steam A2S codecs and clients.
        .target(
            name: "GameQuery",
            dependencies: [
                "ClientSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StatusBot",
            dependencies: [
                "Alerting",
                "ClientSupport",
                "CMalloc",
                "GameQuery",
                "DiscordModels",
                "DiscordREST",
                "DiscordGateway",
                "PanelCore",
                "Monitoring",
                "Peon",
                "Pterodactyl",
                "PNGRaster",
                "ServerMetrics",
                "Observability",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "pterodisbot",
            dependencies: [
                "StatusBot",
                "ServerMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "pterodisbot-bench",
            dependencies: [
                "GameQuery",
                "ClientSupport",
                "DiscordGateway",
                "StatusBot",
                "TestSupport",
                "DiscordModels",
                "DiscordREST",
                "PanelCore",
                "Monitoring",
                "Pterodactyl",
                "PNGRaster",
                "ServerMetrics",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Fakes and a manual clock shared by tests and the benchmark; imports no test framework.
        .target(
            name: "TestSupport",
            dependencies: [
                "GameQuery",
                "ClientSupport",
                "DiscordModels",
                "DiscordREST",
                "PanelCore",
                "Pterodactyl",
                "StatusBot",
                "CZlib",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DiscordModelsTests",
            dependencies: ["DiscordModels", "TestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DiscordRESTTests",
            dependencies: [
                "ClientSupport", "DiscordREST", "DiscordModels", "TestSupport",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DiscordGatewayTests",
            dependencies: [
                "DiscordGateway", "DiscordModels", "TestSupport",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PterodactylTests",
            dependencies: [
                "ClientSupport", "Pterodactyl", "PanelCore", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PeonTests",
            dependencies: [
                "ClientSupport", "Peon", "PanelCore", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MonitoringTests",
            dependencies: ["Monitoring", "PanelCore", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AlertingTests",
            dependencies: ["Alerting", "PanelCore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PNGRasterTests",
            dependencies: ["PNGRaster", "CZlib"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServerMetricsTests",
            dependencies: ["ServerMetrics", "PNGRaster"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ObservabilityTests",
            dependencies: ["Observability", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GameQueryTests",
            dependencies: [
                "ClientSupport", "GameQuery", "TestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StatusBotTests",
            dependencies: [
                "Alerting", "ClientSupport", "StatusBot", "TestSupport", "DiscordModels", "DiscordREST", "PanelCore",
                "Monitoring", "Peon",
                "Pterodactyl", "Observability", "GameQuery",
                "ServerMetrics",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "pterodisbotTests",
            dependencies: ["pterodisbot", "StatusBot", "TestSupport", "DiscordModels", "PanelCore", "Pterodactyl"],
            swiftSettings: swiftSettings
        ),
    ]
)
