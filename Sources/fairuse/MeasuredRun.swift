import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One child process run to completion, with what `fairuse benchmark` reports of it: the wall
/// time, the CPU time and the peak resident set size. On a machine shared with other jobs the
/// wall time mostly measures the others; the CPU time (user + system, all threads) much less so.
///
/// The peak comes from `wait4(2)`'s resource usage of that one child (`ru_maxrss`), not from
/// `RUSAGE_CHILDREN`, which is the largest over every child waited for so far and so would credit
/// the Python reference's peak to a later Swift run or the other way round. Foundation's `Process`
/// reaps its children itself, so the child is started with `posix_spawn` and reaped here.
/// On Linux a child's `ru_maxrss` also covers the spawning process's resident set at the moment
/// of the spawn (the kernel records the old address space's high-water mark at `exec`, and a
/// spawned child starts from the parent's), so the figure is the larger of the child's own peak
/// and `fairuse benchmark`'s resident set, about 20 MiB: negligible beside an audit's peak.
struct MeasuredRun {
    /// Seconds from spawn to exit.
    var wallSeconds: Double
    /// User plus system CPU seconds of the child, summed over its threads.
    var cpuSeconds: Double
    /// Peak resident set size of the child in bytes (Linux reports KiB; macOS bytes).
    var peakResidentBytes: Int

    /// Runs `arguments` (the first is the program: a path, or a name looked up in `PATH`) with
    /// standard output discarded; throws naming the program when it cannot start or exits non-zero.
    static func run(_ arguments: [String]) throws -> MeasuredRun {
        precondition(!arguments.isEmpty, "MeasuredRun.run: no program")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid = pid_t()
        let start = Date()
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw CommandError("cannot start \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else {
                throw CommandError("cannot wait for \(arguments[0]): \(String(cString: strerror(errno)))")
            }
        }
        let elapsed = Date().timeIntervalSince(start)
        // WIFEXITED / WEXITSTATUS, spelled out (the C macros are not imported).
        let exited = status & 0x7f == 0, code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            let how = exited ? "exited with status \(code)" : "was stopped by signal \(status & 0x7f)"
            throw CommandError("\(arguments.prefix(2).joined(separator: " ")) \(how)")
        }
        #if canImport(Darwin)
        let peak = Int(usage.ru_maxrss)
        #else
        let peak = Int(usage.ru_maxrss) * 1024
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return MeasuredRun(wallSeconds: elapsed, cpuSeconds: seconds(usage.ru_utime) + seconds(usage.ru_stime),
                           peakResidentBytes: peak)
    }
}
