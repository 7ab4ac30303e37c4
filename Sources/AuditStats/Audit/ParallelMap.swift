import Foundation
import Synchronization

/// Runs independent jobs on all cores and returns their results in index order, so a result never
/// depends on scheduling. Public for the coordinator, which decodes the sites' payloads with it.
/// Blocks the calling thread until every job has run (`DispatchQueue.concurrentPerform`).
public enum ParallelMap {
    /// `body(0) … body(count − 1)`, run concurrently, in index order.
    public static func run<T: Sendable>(count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let box = ResultBox<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in box.set(i, body(i)) }
        return box.values()
    }
}

/// Slots written once each by `concurrentPerform` iterations, read after it has returned.
private final class ResultBox<T: Sendable>: Sendable {
    private let slots: Mutex<[T?]>
    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }
    func set(_ i: Int, _ value: T) { slots.withLock { $0[i] = value } }
    func values() -> [T] { slots.withLock { $0.map { $0! } } }
}
