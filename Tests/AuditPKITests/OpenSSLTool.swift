import Foundation

/// The `openssl` command line tool as an independent oracle: it makes requests and lists the certificates
/// and revocation lists that fairuse reads, and checks the ones fairuse writes.
enum OpenSSLTool {
    struct Output {
        var status: Int32
        var text: String
    }

    /// Runs `openssl arguments…` in `directory`; standard output and error together in `text`.
    @discardableResult
    static func run(_ arguments: [String], in directory: String) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let log = (directory as NSString).appendingPathComponent(".openssl-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: log) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return Output(status: process.terminationStatus, text: try String(contentsOfFile: log, encoding: .utf8))
    }
}
