#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Asks the OS to back large buffers with transparent huge pages.
///
/// On Linux with THP in `madvise` mode (a common default, and the case in many VMs), a fresh
/// multi-megabyte buffer otherwise takes one page fault per 4 KiB page on first write; on a VM
/// that costs about as much as copying the data several times over (a 78 MB design: ~40 ms of
/// faults versus ~8 ms of copying). With 2 MiB pages the faults all but vanish and streaming
/// passes over the buffer also miss the TLB far less. The advice changes no value: it is a
/// hint, ignored where unsupported (and a no-op on other systems).
enum MemoryAdvice {
    /// Buffers smaller than this are left alone (the advice only covers whole 2 MiB pages).
    static let minimumBytes = 4 << 20

    /// Advises huge pages for the whole 2 MiB-aligned pages inside `[start, start + byteCount)`.
    /// Call before the buffer is first written.
    static func hugePages(_ start: UnsafeMutableRawPointer, byteCount: Int) {
        #if os(Linux)
        guard byteCount >= minimumBytes else { return }
        let huge = 2 << 20
        let address = Int(bitPattern: start)
        let first = (address + huge - 1) & ~(huge - 1)
        let last = (address + byteCount) & ~(huge - 1)
        if last > first, let base = UnsafeMutableRawPointer(bitPattern: first) {
            _ = madvise(base, last - first, MADV_HUGEPAGE)
        }
        #endif
    }

    /// An array of `count` doubles whose every entry `initialize` writes (it receives uninitialized
    /// memory and must initialize all `count` entries), in huge pages when large.
    static func doubles(count: Int, _ initialize: (UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        guard count > 0 else { return [] }
        return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            hugePages(UnsafeMutableRawPointer(buffer.baseAddress!), byteCount: count * MemoryLayout<Double>.stride)
            initialize(buffer.baseAddress!)
            initialized = count
        }
    }

    /// An array of `count` floats whose every entry `initialize` writes (it receives uninitialized
    /// memory and must initialize all `count` entries), in huge pages when large.
    /// `initialize` is called even when `count` is 0 (with room for one float it must not write).
    static func floats(count: Int, _ initialize: (UnsafeMutablePointer<Float>) throws -> Void) rethrows -> [Float] {
        try [Float](unsafeUninitializedCapacity: max(count, 1)) { buffer, initialized in
            hugePages(UnsafeMutableRawPointer(buffer.baseAddress!), byteCount: count * MemoryLayout<Float>.stride)
            try initialize(buffer.baseAddress!)
            initialized = count
        }
    }

    /// Returns the whole pages inside `[start, start + byteCount)` to the system
    /// (`madvise(MADV_DONTNEED)`): the process stops counting them, and a page touched again
    /// reads as zeros. Only for memory whose values are never read again before it is freed; the
    /// partial pages at either end, which may hold other data (an array's header), are kept.
    static func release(_ start: UnsafeRawPointer, byteCount: Int) {
        #if os(Linux)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let address = Int(bitPattern: start)
        let first = (address + page - 1) / page * page
        let last = (address + byteCount) / page * page
        if last > first, let base = UnsafeMutableRawPointer(bitPattern: first) {
            _ = madvise(base, last - first, MADV_DONTNEED)
        }
        #endif
    }
}
