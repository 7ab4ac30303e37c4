import ArgumentParser
import Foundation

/// The exit statuses of every `fairuse` command (listed in `fairuse --help` and the README).
enum ExitStatus {
    /// The command did what it was asked. An audit that finds violations still succeeds.
    static let success: Int32 = 0
    /// `fairuse agent check` found a problem (each is printed as a FAIL line).
    static let checkFailed: Int32 = 1
    /// An error: a file, spec, configuration, certificate or connection problem, or a failed
    /// computation. Printed as `fairuse: error: …`.
    static let failure: Int32 = 2
    /// A usage error: an unknown subcommand or option, or a missing or invalid argument.
    static let usage: Int32 = 64

    /// The table shown in `fairuse --help`.
    static let help = """
        Exit status: 0 success (also when an audit finds violations); 1 `agent check` found a problem; \
        2 error (file, spec, configuration, certificate, connection); 64 usage error. \
        Errors are printed to standard error as `fairuse: error: …`.
        """
}

/// A command failure with a message for people: a file that cannot be read or written, a child
/// process that stopped. Unlike `ValidationError`, it is not a usage error, so no usage text follows.
struct CommandError: Error, CustomStringConvertible {
    /// What went wrong and, where it helps, what to do.
    var description: String

    /// Creates an error with `message`.
    init(_ message: String) { description = message }
}

/// The error prefix shared by every message.
let errorPrefix = "fairuse: error: "

/// Prints `error` as `fairuse: error: …` on standard error and returns the exit status to end
/// with: 64 for a usage error, the code itself for an `ExitCode` (already reported), 2 otherwise.
func fail(_ error: Error) -> ExitCode {
    if let code = error as? ExitCode { return code }
    FileHandle.standardError.write(Data((errorPrefix + describe(error) + "\n").utf8))
    return ExitCode(error is ValidationError ? ExitStatus.usage : ExitStatus.failure)
}

/// An error in plain words: a `ValidationError`'s message, a Foundation error's reason and path
/// rather than its domain dump.
func describe(_ error: Error) -> String {
    if let validation = error as? ValidationError { return validation.message }
    if error is CocoaError || type(of: error) is NSError.Type {
        let ns = error as NSError
        let path = (ns.userInfo[NSFilePathErrorKey] as? String).map { "\($0): " } ?? ""
        return path + (ns.localizedFailureReason ?? ns.localizedDescription)
    }
    return "\(error)"
}

/// Checks, before any computation, that every output file can be created: its folder exists and
/// is writable. `nil` entries are skipped.
enum OutputPaths {
    static func check(files: [String?], folders: [String?] = []) throws {
        let manager = FileManager.default
        for case let file? in files {
            var isFolder: ObjCBool = false
            if manager.fileExists(atPath: file, isDirectory: &isFolder), isFolder.boolValue {
                throw CommandError("cannot write \(file): it is a folder")
            }
            let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
            try writableFolder(folder, for: file)
        }
        // A folder of CSV tables is created with its parents: the nearest existing ancestor must be writable.
        for case let folder? in folders {
            var ancestor = URL(fileURLWithPath: folder)
            while !manager.fileExists(atPath: ancestor.path), ancestor.path != "/" { ancestor.deleteLastPathComponent() }
            try writableFolder(ancestor.path, for: folder)
        }
    }

    private static func writableFolder(_ folder: String, for output: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw CommandError("cannot write \(output): the folder \(folder) does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw CommandError("cannot write \(output): the folder \(folder) is not writable")
        }
    }
}
