import Foundation
import Testing
@testable import AuditReport

/// Headless Chromium (Debian's `chromium`, installed by `.ci/run`), when present.
enum Browser {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs the browser headless on `url` with extra arguments; returns standard output.
    static func run(_ url: String, _ arguments: [String]) throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-chromium-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["90", path!, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                             "--user-data-dir=\(profile)"] + arguments + [url]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

/// The HTML report as a real browser sees it: the DOM Chromium builds from the file, and a
/// screenshot. Runs where Chromium is installed (CI installs it).
@Suite("HTML report in a browser", .enabled(if: Browser.path != nil, "needs Debian's chromium"))
struct BrowserTests {
    @Test func chromiumParsesEveryFigureAndRendersThePage() throws {
        let html = HTMLReport.render(federatedDocument(), alpha: 0.1, correction: .holm)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-browser-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try html.write(toFile: folder + "/report.html", atomically: true, encoding: .utf8)

        let dom = try Browser.run("file://\(folder)/report.html", ["--dump-dom"])
        let svgInSource = html.components(separatedBy: "<svg ").count - 1
        #expect(svgInSource > 10)
        #expect(dom.components(separatedBy: "<svg ").count - 1 == svgInSource, "the browser kept every SVG figure")
        #expect(dom.components(separatedBy: "<circle ").count == html.components(separatedBy: "<circle ").count)
        #expect(dom.contains("<section id=\"findings\">") && dom.contains("<section id=\"reproduce\">"))
        #expect(!dom.contains("parsererror"))

        _ = try Browser.run("file://\(folder)/report.html", ["--window-size=1200,2400", "--screenshot=\(folder)/report.png"])
        let png = try Data(contentsOf: URL(fileURLWithPath: folder + "/report.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(png.count > 50_000, "a page with tables and figures, not a blank one")
    }
}
