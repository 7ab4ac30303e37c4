import Foundation

/// A coordinator started as a child process (`fairuse coordinator serve --config …`), so the
/// memory read from `/proc/PID/status` is the coordinator's alone, not the load generator's.
/// Always stopped with SIGTERM by ``stop()``; its output goes to a log file in the work folder.
final class CoordinatorProcess: Sendable {
    /// The child.
    let process: Process
    /// Its log file.
    let log: String

    /// Starts `executable coordinator serve --config <config>`, output to `log`.
    init(executable: String, config: String, log: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["coordinator", "serve", "--config", config]
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        self.process = process
        self.log = log
    }

    /// The child's process id.
    var pid: Int32 { process.processIdentifier }

    /// Waits for the port the coordinator writes to `path` once it listens (up to `seconds`).
    func waitForPort(file path: String, seconds: Int = 120) async throws -> Int {
        for _ in 0..<(seconds * 10) {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
               let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return port
            }
            guard process.isRunning else {
                throw BenchmarkError("the coordinator stopped during start-up (status \(process.terminationStatus)); see \(log)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchmarkError("the coordinator did not write its port within \(seconds) s; see \(log)")
    }

    /// Resident memory now (VmRSS) and its high-water mark (VmHWM), in bytes, from `/proc/PID/status`.
    func memory() throws -> (resident: Int, peak: Int) {
        let path = "/proc/\(pid)/status"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BenchmarkError("cannot read \(path): the coordinator's memory is unknown")
        }
        func kilobytes(_ key: String) throws -> Int {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }),
                  let value = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Int($0) }) else {
                throw BenchmarkError("\(path) has no \(key) line")
            }
            return value * 1024
        }
        return (try kilobytes("VmRSS"), try kilobytes("VmHWM"))
    }

    /// Stops the coordinator (SIGTERM, graceful) and waits for it.
    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
