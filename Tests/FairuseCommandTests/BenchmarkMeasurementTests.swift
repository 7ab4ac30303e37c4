@testable import fairuse
import Foundation
import Testing

/// What `fairuse benchmark` measures and generates: the child's peak resident set and CPU time
/// (`MeasuredRun`), and the synthetic table's number format (`SyntheticTable`).
@Suite("Benchmark measurement")
struct BenchmarkMeasurementTests {
    /// The oracle: `NumberFormat.fixed(x, 6)`'s rule written independently with strings
    /// (|x|·10⁶ rounded half away from zero, padded, the point inserted, a minus only when non-zero).
    static func fixed6(_ x: Double) -> String {
        let rounded = (abs(x) * 1_000_000).rounded(.toNearestOrAwayFromZero)
        var digits = String(UInt64(rounded))
        if digits.count <= 6 { digits = String(repeating: "0", count: 7 - digits.count) + digits }
        digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -6))
        return (x < 0 && rounded > 0 ? "-" : "") + digits
    }

    @Test("the byte formatter writes what NumberFormat.fixed(x, 6) writes")
    func fixedSixDecimals() {
        var values: [Double] = [0, -0.0, 1, -1, 0.5e-6, -0.5e-6, 0.4e-6, -0.4e-6, 1.5e-6, 2.5e-6, 0.0000005,
                                123.4565, -99.9999995, 4.2949672965e3, 1e12 + 0.25]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let u = Double(state >> 11) * 0x1p-53
            values.append((u - 0.5) * 12)
            values.append((u - 0.5) * 2e-5)
        }
        var mismatches = 0
        for x in values {
            var bytes: [UInt8] = []
            SyntheticTable.appendFixed6(x, to: &bytes)
            if String(decoding: bytes, as: UTF8.self) != Self.fixed6(x) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test("a small synthetic table has the header, the rows and the 6-decimal features asked for")
    func syntheticTableShape() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-synthetic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("t.csv").path
        try SyntheticTable.write(rows: 300, features: 5, seed: 7, to: path)
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "site_type,sex,x0,x1,x2,x3,x4,y")
        #expect(lines.count == 302 && lines.last == "")
        for line in lines.dropFirst().dropLast() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(fields.count == 8)
            #expect(["academic", "community", "rural"].contains(String(fields[0])) && ["female", "male"].contains(String(fields[1])))
            #expect(fields[2...6].allSatisfy { $0.split(separator: ".").last?.count == 6 && Double($0) != nil })
            #expect(fields[7] == "0" || fields[7] == "1")
        }
        // Seeded: the same seed writes the same bytes.
        let again = folder.appendingPathComponent("u.csv").path
        try SyntheticTable.write(rows: 300, features: 5, seed: 7, to: again)
        #expect(FileManager.default.contentsEqual(atPath: path, andPath: again))
    }

    /// This process's peak resident set in bytes (VmHWM), which Linux also credits to a child it spawns.
    static func ownPeak() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])) * 1024
    }

    @Test("the peak resident set is the child's own: a child that touches more than this process ever held reports that much",
          .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/status"), "Linux /proc"))
    func peakResidentSet() throws {
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        // More than this process's own peak, so that only the child's own pages can reach it.
        let bytes = try Self.ownPeak() + (160 << 20)
        let big = try MeasuredRun.run([try #require(python), "-c", "b = b'x' * \(bytes); print(len(b))"])
        #expect(big.peakResidentBytes >= bytes)
        #expect(big.cpuSeconds > 0 && big.wallSeconds > 0)
        // A later, small child is not credited with the earlier child's peak (RUSAGE_CHILDREN would be).
        let small = try MeasuredRun.run(["/bin/sh", "-c", "exit 0"])
        #expect(small.peakResidentBytes < bytes)
    }

    @Test("a failing or missing program is an error naming it and how it ended")
    func failures() {
        #expect(throws: CommandError.self) { try MeasuredRun.run(["/bin/sh", "-c", "exit 3"]) }
        do {
            _ = try MeasuredRun.run(["/bin/sh", "-c", "exit 3"])
        } catch {
            #expect("\(error)".contains("/bin/sh -c exited with status 3"))
        }
        do {
            _ = try MeasuredRun.run(["/bin/sh", "-c", "kill -9 $$"])
            Issue.record("a killed child must be an error")
        } catch {
            #expect("\(error)".contains("signal 9"))
        }
        do {
            _ = try MeasuredRun.run(["fairuse-no-such-program-\(UUID().uuidString.prefix(8))"])
            Issue.record("a missing program must be an error")
        } catch {
            #expect("\(error)".contains("cannot start fairuse-no-such-program"))
        }
    }
}
