@testable import AuditTable
import Foundation
import Testing

/// A file larger than `CSVFileReader.populateLimit` is mapped without being read in one go, and
/// the parser drops the pages it has read. Dropping pages of a private read-only mapping must
/// change nothing: the same table, bit for bit, as the in-memory read, even when a column turns
/// text near the end (its backfill re-reads every earlier, already dropped, row from the file).
@Suite("Page release while reading large files")
struct PageReleaseTests {
    /// Writes `text` to a temporary file, reads it on the large-file path (mapped, pages dropped
    /// every `step` bytes) and removes the file.
    static func readReleasing(_ text: String, step: Int) throws -> DataTable {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-release-\(UUID().uuidString).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var sawReleasable = false
        let table = try CSVFileReader.withContents(path: path, populateLimit: 0) { (bytes, releasable) throws(DataError) -> DataTable in
            sawReleasable = releasable
            var reader = CSVTableReader(source: path, kinds: [:])
            reader.releasesPages = releasable
            reader.releaseStep = step
            return try reader.read(bytes)
        }
        #expect(sawReleasable, "a mapped file above the populate limit must be offered for release")
        return table
    }

    @Test("dropping read pages every 4 KiB or every 1 MiB gives the in-memory table", arguments: [4096, 1 << 20])
    func sameTable(step: Int) throws {
        let text = ParallelReadTests.bigCSV()
        let released = try Self.readReleasing(text, step: step)
        #expect(ParallelReadTests.identical(released, try ParallelReadTests.read(text, workers: 1)))
        #expect(csvNumbers(released, "id") == (0..<120_000).map(Double.init))
    }

    @Test("a column turning text late is backfilled from dropped pages")
    func backfillAfterRelease() throws {
        let text = ParallelReadTests.bigCSV(lateText: true)
        let released = try Self.readReleasing(text, step: 4096)
        #expect(ParallelReadTests.identical(released, try ParallelReadTests.read(text, workers: 1)))
        let late = csvTexts(released, "late")
        #expect(late[0] == "0" && late[8] == "1" && late[119_990] == "unknown")
    }

    @Test("errors found after pages were dropped name the same line and column")
    func errorsAfterRelease() throws {
        var text = ParallelReadTests.bigCSV()
        text += "120000,x,1.5,2.5,3,4.0\n"  // one field short, on the last line
        let expected = ParallelReadTests.error(text, workers: 1)
        #expect(expected?.code == .raggedRow)
        do {
            _ = try Self.readReleasing(text, step: 4096)
            Issue.record("a ragged last row must fail")
        } catch let error as DataError {
            #expect(error.code == expected?.code && error.line == expected?.line)
        }
    }

    @Test("small files and non-regular files are never offered for release")
    func smallFilesAreNotReleasable() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-small-\(UUID().uuidString).csv").path
        try Data("a,b\n1,2\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let releasable = try CSVFileReader.withContents(path: path) { (_, releasable) throws(DataError) -> Bool in releasable }
        #expect(!releasable)
        let fromPipe = try CSVFileReader.withContents(path: "/dev/null", populateLimit: 0) { (_, releasable) throws(DataError) -> Bool in releasable }
        #expect(!fromPipe)
    }
}
