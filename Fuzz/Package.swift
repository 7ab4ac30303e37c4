// swift-tools-version: 6.2
// libFuzzer targets for what a coordinator or an agent reads from outside: the payload decoder and
// validator (AuditWire), the CSV reader (AuditTable) and the audit spec reader (AuditSpec).
// Build and run with `bash Fuzz/run` (see Fuzz/README.md); not part of the main package so that
// `swift build` and `swift test` never need the fuzzer runtime.
import PackageDescription

let package = Package(
    name: "fairuse-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "fairuse", path: "..")],
    targets: [
        .executableTarget(name: "FuzzPayload", dependencies: [
            .product(name: "AuditCore", package: "fairuse"),
            .product(name: "AuditSpec", package: "fairuse"),
            .product(name: "AuditStats", package: "fairuse"),
            .product(name: "AuditWire", package: "fairuse"),
        ]),
        .executableTarget(name: "FuzzCSV", dependencies: [.product(name: "AuditTable", package: "fairuse")]),
        .executableTarget(name: "FuzzSpec", dependencies: [.product(name: "AuditSpec", package: "fairuse")]),
    ]
)
