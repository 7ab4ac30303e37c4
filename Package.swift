// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "fairuse",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fairuse", targets: ["fairuse"]),
        .library(name: "AuditStats", targets: ["AuditStats"]),
        .library(name: "AuditSpec", targets: ["AuditSpec"]),
        .library(name: "AuditModels", targets: ["AuditModels"]),
        .library(name: "AuditReport", targets: ["AuditReport"]),
        .library(name: "AuditCoordinator", targets: ["AuditCoordinator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // Pure statistics on sufficient statistics. Imports nothing from the project.
        .target(name: "AuditStats"),
        // The audit specification (YAML) and its validation.
        .target(name: "AuditSpec", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Tables, encodings, models, split, and site-side statistic extraction.
        .target(name: "AuditModels", dependencies: ["AuditStats", "AuditSpec"]),
        // Renders audit results: terminal tables, JSON.
        .target(name: "AuditReport", dependencies: ["AuditStats", "AuditModels", "AuditSpec"]),
        // The coordinator: durable state (GRDB/SQLite) and the audit lifecycle.
        .target(name: "AuditCoordinator", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        .executableTarget(
            name: "fairuse",
            dependencies: [
                "AuditStats", "AuditSpec", "AuditModels", "AuditReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "AuditStatsTests", dependencies: ["AuditStats"]),
        .testTarget(name: "AuditSpecTests", dependencies: ["AuditSpec"]),
        .testTarget(name: "AuditModelsTests", dependencies: ["AuditModels", "AuditStats", "AuditSpec"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "AuditReportTests", dependencies: ["AuditReport", "AuditModels", "AuditStats", "AuditSpec"]),
        .testTarget(name: "AuditCoordinatorTests",
                    dependencies: ["AuditCoordinator", .product(name: "GRDB", package: "GRDB.swift")]),
    ],
    swiftLanguageModes: [.v6]
)
