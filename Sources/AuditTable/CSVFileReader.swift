#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Gives the parser a whole file's bytes as cheaply as the system allows.
///
/// Regular files are memory-mapped read-only (no copy, no page zeroing: about 20 ms instead of
/// 140 ms for 235 MB). The mapping lives only while `body` runs; nothing keeps pointers into it.
/// Files up to ``populateLimit`` are mapped with `MAP_POPULATE` (read in one go); larger ones
/// page in as they are parsed, and `body` is told (its second argument) that it may drop pages
/// it has read (see `CSVChunkParser.parse`), so a file of gigabytes is never resident whole.
/// Other files (pipes, devices) or a failed mapping fall back to `read(2)` into an array.
/// Caveat of mapping: truncating the file from another process while it is being read would
/// raise SIGBUS; data files are not expected to change under an audit.
enum CSVFileReader {
    /// The largest file read in one go when mapped; larger files are read, and released, as parsed.
    static let populateLimit = 256 << 20

    /// Calls `body` with the file's bytes, or throws `fileUnreadable` naming the system's reason.
    /// `populateLimit` is ``populateLimit`` unless a test asks for the large-file path on a small file.
    static func withContents<R>(path: String, populateLimit: Int = CSVFileReader.populateLimit,
                                _ body: (UnsafeBufferPointer<UInt8>, _ releasable: Bool) throws(DataError) -> R) throws(DataError) -> R {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw unreadable(path, errno) }
        defer { close(fd) }

        var info = stat()
        guard fstat(fd, &info) == 0 else { throw unreadable(path, errno) }
        let type = info.st_mode & S_IFMT
        if type == S_IFDIR { throw unreadable(path, EISDIR) }
        // (Size 0 may be a truly empty file or a /proc-like file: read(2) handles both.)
        if type == S_IFREG && info.st_size > 0 {
            let size = Int(info.st_size)
            #if os(Linux)
            let flags = size <= populateLimit ? MAP_PRIVATE | MAP_POPULATE : MAP_PRIVATE
            #else
            let flags = MAP_PRIVATE
            #endif
            if let map = mmap(nil, size, PROT_READ, flags, fd, 0), map != MAP_FAILED {
                defer { munmap(map, size) }
                return try body(UnsafeBufferPointer(start: map.assumingMemoryBound(to: UInt8.self), count: size),
                                size > populateLimit)
            }
        }
        let bytes = try readAll(fd: fd, path: path, sizeHint: type == S_IFREG ? Int(info.st_size) : 0)
        let result: Result<R, DataError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(DataError) -> R in try body(buffer, false) }
        }
        return try result.get()
    }

    /// Reads an open file to its end with `read(2)`.
    private static func readAll(fd: Int32, path: String, sizeHint: Int) throws(DataError) -> [UInt8] {
        var bytes: [UInt8] = []
        var capacity = max(sizeHint + 1, 64 * 1024)
        while true {
            var failure: Int32 = 0
            var filled = bytes.count
            let grown = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                bytes.withUnsafeBufferPointer { old in
                    if let source = old.baseAddress { buffer.baseAddress!.update(from: source, count: filled) }
                }
                while filled < capacity {
                    let n = read(fd, buffer.baseAddress! + filled, capacity - filled)
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        break
                    }
                    if n == 0 { break }
                    filled += n
                }
                initialized = filled
            }
            if failure != 0 { throw unreadable(path, failure) }
            if grown.count < capacity { return grown }
            // Buffer full: the file is larger than its size hint (or is a stream); grow and go on.
            bytes = grown
            capacity *= 2
        }
    }

    private static func unreadable(_ path: String, _ code: Int32) -> DataError {
        let reason = String(cString: strerror(code))
        return DataError(code: .fileUnreadable, file: path, message: "cannot read the file (\(reason))")
    }
}
