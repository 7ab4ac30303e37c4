import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Atomic, permission-exact file writes and bounded reads for certificates and keys (POSIX).
enum SecureFile {
    /// The largest PEM file read (certificates and keys are a few kilobytes).
    static let maximumSize = 1 << 20

    /// Writes `bytes` to `path` atomically with exactly `mode` (not reduced by the umask).
    ///
    /// The bytes go to a temporary file in the same directory, created with `O_EXCL` and `mode` from the start
    /// (a key is never readable by others, even briefly), flushed with `fsync`, then moved into place: with
    /// `rename` when `overwrite` is true, otherwise with `link`, which fails atomically if `path` exists.
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t, overwrite: Bool) throws(PKIError) {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let suffix = (0..<8).map { _ in String(UInt8.random(in: 0...255), radix: 16) }.joined()
        let temporary = (directory as NSString).appendingPathComponent(".\(name).\(suffix).tmp")

        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard descriptor >= 0 else { throw failure("could not create a temporary file", path: temporary) }
        var written = 0
        let ok = bytes.withUnsafeBytes { buffer -> Bool in
            guard fchmod(descriptor, mode) == 0 else { return false }
            while written < buffer.count {
                let count = posixWrite(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return false }
                written += count
            }
            return fsync(descriptor) == 0
        }
        let closed = close(descriptor) == 0
        guard ok, closed else {
            let error = failure("could not write", path: temporary)
            unlink(temporary)
            throw error
        }

        if overwrite {
            guard rename(temporary, path) == 0 else {
                let error = failure("could not move the temporary file into place", path: path)
                unlink(temporary)
                throw error
            }
        } else {
            guard link(temporary, path) == 0 else {
                let code = errno
                unlink(temporary)
                if code == EEXIST {
                    throw PKIError(code: .alreadyExists, message: "expected no existing file (pass overwrite: true to replace it)", path: path)
                }
                errno = code
                throw failure("could not create", path: path)
            }
            unlink(temporary)
        }
        syncDirectory(directory)
    }

    /// Creates `path` as a directory with mode 0700 if it does not exist (parents with default permissions).
    static func ensureDirectory(_ path: String) throws(PKIError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw PKIError(code: .unwritable, message: "expected a directory, found a file", path: path)
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw PKIError(code: .unwritable, message: "could not create the parent directory: \(error)", path: parent)
            }
        }
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw failure("could not create the directory", path: path) }
        guard chmod(path, 0o700) == 0 else { throw failure("could not set mode 0700 on the directory", path: path) }
    }

    /// Whether something (a file, a directory or a symbolic link) exists at `path`.
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// The permission bits of the file at `path`.
    static func mode(of path: String) -> mode_t? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return status.st_mode & 0o7777
    }

    /// The UTF-8 text of a file of at most ``maximumSize`` bytes; ``PKIError/Code/unreadable`` otherwise.
    static func readText(_ path: String) throws(PKIError) -> String {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maximumSize + 1) ?? Data()
        } catch {
            throw PKIError(code: .unreadable, message: "could not read the file: \(error.localizedDescription)", path: path)
        }
        guard data.count <= maximumSize else {
            throw PKIError(code: .unreadable, message: "expected a PEM file of at most \(maximumSize) bytes, found a larger file", path: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PKIError(code: .unreadable, message: "expected a PEM text file, found bytes that are not UTF-8", path: path)
        }
        return text
    }

    private static func syncDirectory(_ directory: String) {
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private static func failure(_ what: String, path: String) -> PKIError {
        PKIError(code: .unwritable, message: "\(what): \(String(cString: strerror(errno)))", path: path)
    }
}

/// `write(2)`, named apart from the many Swift `write` methods in scope.
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
