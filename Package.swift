// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "fairuse",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fairuse", targets: ["fairuse"]),
        .library(name: "AuditCore", targets: ["AuditCore"]),
        .library(name: "AuditStats", targets: ["AuditStats"]),
        .library(name: "AuditSpec", targets: ["AuditSpec"]),
        .library(name: "AuditTable", targets: ["AuditTable"]),
        .library(name: "AuditModelTypes", targets: ["AuditModelTypes"]),
        .library(name: "AuditModels", targets: ["AuditModels"]),
        .library(name: "AuditReport", targets: ["AuditReport"]),
        .library(name: "AuditWire", targets: ["AuditWire"]),
        .library(name: "AuditPKI", targets: ["AuditPKI"]),
        .library(name: "AuditCoordinator", targets: ["AuditCoordinator"]),
        .library(name: "AuditClient", targets: ["AuditClient"]),
        .library(name: "AuditAgent", targets: ["AuditAgent"]),
        .library(name: "AuditLogging", targets: ["AuditLogging"]),
        .library(name: "AuditPostgres", targets: ["AuditPostgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // The shared vocabulary: ids, metric, correction, technique, audit and task states, group key,
        // version. Imports nothing; every other module may import it.
        .target(name: "AuditCore"),
        // Pure statistics on sufficient statistics. Imports only the vocabulary.
        .target(name: "AuditStats", dependencies: ["AuditCore"]),
        // The audit specification (YAML) and its validation.
        .target(name: "AuditSpec", dependencies: ["AuditCore", .product(name: "Yams", package: "Yams")]),
        // Data files: the streaming CSV engine (typed columns, level interning, exact decimal parsing)
        // and the atomic file writer every writer of reports, plans and port files shares. Imports only
        // Foundation, so the coordinator can write files without linking the trainers.
        .target(name: "AuditTable"),
        // What a local audit fits and finds, as Codable values: model parameters (logistic, ridge),
        // preprocessing, model summaries, group sizes, fallbacks, and the results of the interventions
        // and explanations. The report stores them; fitting and predicting stay in AuditModels.
        .target(name: "AuditModelTypes", dependencies: ["AuditCore", "AuditStats"]),
        // Renders audit results: terminal tables, JSON, Markdown, HTML, CSV. Links no trainers: the
        // documents of local audits that fit models are built in AuditModels (`ReportDocument+Local`).
        .target(name: "AuditReport", dependencies: ["AuditCore", "AuditStats", "AuditModelTypes", "AuditSpec"]),
        // The trainers and the local pipeline: encodings, models, split, interventions, explanations,
        // site-side statistic extraction, and the report documents of local audits. Imports point one
        // way: AuditModels → AuditReport → AuditModelTypes, so the coordinator (→ AuditReport) never
        // links AuditModels.
        .target(name: "AuditModels", dependencies: [
            "AuditCore", "AuditStats", "AuditSpec", "AuditTable", "AuditModelTypes", "AuditReport",
        ]),
        // zlib, through the system library (zlib1g-dev).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Certificate revocation lists (create, verify, look up a serial) through the system OpenSSL's
        // libcrypto (libssl-dev), because swift-certificates has no CRL support. A C target rather than a
        // module map over <openssl/…>, so no libcrypto declaration reaches Swift beside swift-nio-ssl's
        // BoringSSL (whose symbols are prefixed CNIOBoringSSL_, so both link into one binary).
        .target(name: "COpenSSLShim", linkerSettings: [.linkedLibrary("crypto")]),
        // Wire messages, payload codec (JSON + zlib), validation and error codes.
        .target(name: "AuditWire", dependencies: ["AuditCore", "AuditStats", "AuditSpec", "CZlib"]),
        // Log output shared by the coordinator and the agent: the `logging:` configuration section
        // and the JSON-lines handler. Only `main` bootstraps; libraries take a `Logger`.
        .target(name: "AuditLogging", dependencies: ["AuditSpec", .product(name: "Logging", package: "swift-log")]),
        // Federation PKI: CA, certificates, certificate requests, revocation lists, principals, fingerprints,
        // chain verification.
        .target(name: "AuditPKI", dependencies: [
            "AuditCore", "COpenSSLShim",
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ]),
        // Where a PostgreSQL database is and how to log in (`PostgresLocation`): the URL, the password from a
        // file or the environment (never inline), TLS to the database, and connecting with errors that name
        // the key and `user@host:port/db`, never the password. Shared by the coordinator's store, its
        // replicas and the agent's warehouse sources; knows nothing of audits.
        .target(name: "AuditPostgres", dependencies: [
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The coordinator: HTTPS API (mutual TLS), durable state (SQLite through GRDB, or PostgreSQL through
        // postgres-nio), audit lifecycle, combiner.
        .target(name: "AuditCoordinator", dependencies: [
            "AuditCore", "AuditWire", "AuditPKI", "AuditStats", "AuditSpec", "AuditTable", "AuditReport", "AuditLogging",
            "AuditPostgres",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdHTTP2", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        // The HTTPS clients of the coordinator API (mutual TLS 1.3): the agent's and the operator's.
        .target(name: "AuditClient", dependencies: [
            "AuditCore", "AuditWire", "AuditPKI",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
        ]),
        // The site agent: outbound-only client, site policy, egress ledger, task runner.
        .target(name: "AuditAgent", dependencies: [
            "AuditClient", "AuditCore", "AuditWire", "AuditModels", "AuditStats", "AuditSpec", "AuditTable", "AuditPKI", "AuditLogging",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "GRDB", package: "GRDB.swift"),
            "AuditPostgres",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // Test-only (depended on by test targets alone): a throwaway CA, an in-process coordinator on
        // loopback with mutual TLS, scoped agents and clients, a manual clock, the bundled sites.
        .target(name: "AuditTestSupport", dependencies: [
            "AuditClient", "AuditCore", "AuditCoordinator", "AuditAgent", "AuditPKI", "AuditWire", "AuditSpec", "AuditPostgres",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // The federation benchmarks behind `fairuse benchmark load|combine` (Deploy/BENCHMARK.md): simulated
        // mutual-TLS agents against a coordinator process, and the coordinator's combine on synthetic sites.
        // A library rather than code in `fairuse`, so the executable stays thin; not test-only, unlike AuditTestSupport.
        .target(name: "AuditBenchmark", dependencies: [
            "AuditAgent", "AuditClient", "AuditCoordinator", "AuditCore", "AuditPKI", "AuditPostgres", "AuditSpec", "AuditStats", "AuditWire",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        .executableTarget(
            name: "fairuse",
            dependencies: [
                "AuditCore", "AuditStats", "AuditSpec", "AuditTable", "AuditModelTypes", "AuditModels", "AuditReport",
                "AuditWire", "AuditPKI", "AuditCoordinator", "AuditAgent", "AuditClient", "AuditLogging", "AuditBenchmark", "AuditPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "AuditStatsTests", dependencies: ["AuditCore", "AuditStats"]),
        .testTarget(name: "AuditSpecTests", dependencies: ["AuditCore", "AuditSpec"]),
        .testTarget(name: "AuditTableTests", dependencies: ["AuditTable"]),
        .testTarget(name: "AuditModelsTests", dependencies: [
                        "AuditCore", "AuditModels", "AuditModelTypes", "AuditStats", "AuditSpec", "AuditTable",
                    ],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "AuditReportTests", dependencies: [
            "AuditCore", "AuditReport", "AuditModels", "AuditModelTypes", "AuditStats", "AuditSpec",
        ]),
        .testTarget(name: "AuditCoordinatorTests", dependencies: [
            "AuditCoordinator", "AuditCore", "AuditSpec", "AuditStats", "AuditTestSupport", "AuditPKI", "AuditWire", "AuditLogging",
            "AuditPostgres",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "AuditPostgresTests", dependencies: [
            "AuditPostgres",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "AuditLoggingTests", dependencies: ["AuditLogging", "AuditSpec", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "AuditWireTests", dependencies: ["AuditCore", "AuditWire", "AuditStats", "AuditSpec", "CZlib"]),
        .testTarget(name: "AuditPKITests", dependencies: [
            "AuditCore", "AuditPKI",
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ]),
        .testTarget(name: "AuditAgentTests", dependencies: ["AuditCore", "AuditAgent", "AuditStats", "AuditWire", "AuditSpec", "AuditModels",
                                                           "AuditTable", "AuditTestSupport", "AuditPostgres",
                                                           .product(name: "GRDB", package: "GRDB.swift"),
                                                           .product(name: "PostgresNIO", package: "postgres-nio"),
                                                           .product(name: "Logging", package: "swift-log")]),
        // The command line as people meet it: help, errors, exit statuses (runs the built executable).
        .testTarget(name: "FairuseCommandTests", dependencies: ["fairuse", "AuditCoordinator", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "FederationTests", dependencies: [
            "AuditCoordinator", "AuditAgent", "AuditClient", "AuditCore", "AuditPKI", "AuditWire", "AuditModels", "AuditStats",
            "AuditSpec", "AuditReport", "AuditTestSupport", "AuditPostgres",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
