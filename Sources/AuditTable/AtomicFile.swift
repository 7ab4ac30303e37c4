import Foundation

/// Writes files so that readers see either the old file or the complete new one.
public enum AtomicFile {
    /// Writes `data` to a temporary sibling and renames it over `path` (POSIX `rename` replaces
    /// atomically); on failure the temporary file is removed and `path` is untouched.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UInt32.random(in: 0...UInt32.max)).tmp")
        do {
            try data.write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
