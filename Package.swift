// swift-tools-version:6.1
import PackageDescription

/// Compiler settings every target uses, as Hummingbird does: `any` spelled out for existentials,
/// and a module's members visible only where that module is imported. Every source target also
/// imports internally by default, so a dependency appears in a module's interface only where a
/// file says `public import` (products) or `package import` (SignetStore, SignetServer).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Signet",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "signet", targets: ["SignetCLI"]),
        .library(name: "SignetAPI", targets: ["SignetAPI"]),
        .library(name: "SignetCore", targets: ["SignetCore"]),
        .library(name: "SignetClient", targets: ["SignetClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Wire types (Codable requests and responses) shared by the server, the SDK and the command line.
        .target(name: "SignetAPI", swiftSettings: strictSettings + [.enableUpcomingFeature("InternalImportsByDefault")]),
        // The security-critical core: keys, signatures, tokens, permissions. No web framework, no database.
        .target(
            name: "SignetCore",
            dependencies: [
                "SignetAPI",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strictSettings + [.enableUpcomingFeature("InternalImportsByDefault")]
        ),
        // One C function: Swift cannot call SQLite's variadic sqlite3_db_config (SignetStore's SQLiteSession).
        .target(name: "CSignetSQLite"),
        // Persistence: repository protocols and their SQL implementation (SQLite and PostgreSQL).
        .target(
            name: "SignetStore",
            dependencies: [
                "SignetCore", "CSignetSQLite",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings + [.enableUpcomingFeature("InternalImportsByDefault")]
        ),
        // The HTTP server: Hummingbird application, controllers, authentication, user-action checks.
        .target(
            name: "SignetServer",
            dependencies: [
                "SignetAPI", "SignetCore", "SignetStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The dashboard's pages, script and style sheet, compiled into the binary (no files to ship beside it).
            resources: [.embedInCode("Dashboard/Assets")],
            swiftSettings: strictSettings + [.enableUpcomingFeature("InternalImportsByDefault")]
        ),
        // The Swift SDK: a typed client that signs user actions transparently.
        .target(
            name: "SignetClient",
            dependencies: [
                "SignetAPI", "SignetCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings + [.enableUpcomingFeature("InternalImportsByDefault")]
        ),
        // The `signet` executable: serve, init, and the everyday commands on top of the SDK.
        .executableTarget(
            name: "SignetCLI",
            dependencies: [
                "SignetAPI", "SignetCore", "SignetStore", "SignetServer", "SignetClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings + [.enableUpcomingFeature("InternalImportsByDefault")]
        ),
        // openssl-made keys shared by the test targets.
        .target(
            name: "SignetTestFixtures",
            dependencies: [
                "SignetAPI", "SignetCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Tests/SignetTestFixtures",
            exclude: ["webauthn-sample.json"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SignetMultiNodeTests",
            dependencies: [
                "SignetAPI", "SignetCore", "SignetClient", "SignetTestFixtures", "SignetCLI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SignetStoreTests",
            dependencies: [
                "SignetAPI", "SignetCore", "SignetStore", "SignetTestFixtures",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SignetCoreTests",
            dependencies: [
                "SignetAPI", "SignetCore", "SignetTestFixtures",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SignetClientTests",
            dependencies: [
                "SignetAPI", "SignetCore", "SignetStore", "SignetServer", "SignetClient", "SignetTestFixtures",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SignetCLITests",
            dependencies: [
                "SignetServer", "SignetStore", "SignetCLI", "SignetTestFixtures",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SignetServerTests",
            dependencies: [
                "SignetAPI", "SignetCore", "SignetStore", "SignetServer", "SignetTestFixtures",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)

// Benchmarks (`Benchmarks/`) build only when asked for, so a normal build does not pay for them:
//   SIGNET_BENCHMARKS=1 swift run -c release signet-bench micro
if Context.environment["SIGNET_BENCHMARKS"] == "1" {
    package.products.append(.executable(name: "signet-bench", targets: ["SignetBenchmarks"]))
    package.targets.append(
        .executableTarget(
            name: "SignetBenchmarks",
            dependencies: [
                "SignetAPI", "SignetCore", "SignetStore", "SignetServer", "SignetClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            path: "Benchmarks/Sources/SignetBenchmarks",
            swiftSettings: strictSettings
        )
    )
}

// The fuzzer of the parsers of untrusted input (`Fuzz/`, seven targets), built only when asked for,
// with libFuzzer instrumentation on SignetCore and the harness:   Fuzz/run.sh --seconds 10 [--target NAME]
if Context.environment["SIGNET_FUZZ"] == "1" {
    let fuzzFlags: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer"])]
    for index in package.targets.indices where package.targets[index].name == "SignetCore" {
        package.targets[index].swiftSettings = (package.targets[index].swiftSettings ?? []) + fuzzFlags
    }
    package.products.append(.executable(name: "signet-fuzz", targets: ["SignetFuzz"]))
    package.targets.append(
        .executableTarget(
            name: "SignetFuzz",
            dependencies: ["SignetCore", "SignetAPI"],
            path: "Fuzz/Sources/SignetFuzz",
            swiftSettings: fuzzFlags + [.unsafeFlags(["-parse-as-library"])],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer"])]
        )
    )
}
