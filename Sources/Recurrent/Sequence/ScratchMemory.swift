#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The large buffers of forward and backward passes (projections, cached states and gates,
/// per-step gradients), kept for reuse between passes.
///
/// A training step allocates tens to hundreds of megabytes and frees them at its end. Fresh
/// memory from the operating system costs a page fault and a zeroing per 4 KiB page, which
/// measured ~40% of a small LSTM's training step. Buffers of at least ``minimumPooledBytes``
/// therefore come from a process-wide cache: released buffers are kept (up to ``limitBytes``
/// in total) and handed to the next pass that needs as much, and new ones are 2 MiB-aligned
/// and marked for transparent huge pages on Linux. Results never depend on the cache: every
/// buffer is zeroed, or written in full, before it is read.
///
/// ```swift
/// ScratchMemory.limitBytes = 256 << 20   // keep at most 256 MiB between passes
/// ScratchMemory.purge()                  // give the cached memory back now
/// ```
public enum ScratchMemory {
    /// Buffers smaller than this (1 MiB) are ordinary allocations, never cached.
    public static let minimumPooledBytes = 1 << 20

    /// Most bytes kept cached between passes (default 1 GiB). Lowering it frees cached buffers
    /// beyond the new limit; 0 disables the cache.
    public static var limitBytes: Int {
        get { withLock { $0.limit } }
        set {
            let evicted = withLock { state -> [Block] in
                state.limit = Swift.max(newValue, 0)
                return state.evict()
            }
            for block in evicted { block.deallocate() }
        }
    }

    /// Bytes currently cached (not in use by any pass).
    public static var cachedBytes: Int { withLock { $0.cachedBytes } }

    /// Frees every cached buffer.
    public static func purge() {
        let all = withLock { state -> [Block] in
            let blocks = state.free
            state.free = []
            state.cachedBytes = 0
            return blocks
        }
        for block in all { block.deallocate() }
    }

    @usableFromInline
    struct Block: @unchecked Sendable {
        @usableFromInline let pointer: UnsafeMutableRawPointer
        @usableFromInline let capacity: Int

        func deallocate() { free(pointer) }
    }

    struct PoolState {
        var free: [Block] = []  // most recently released last
        var cachedBytes = 0
        var limit = 1 << 30

        /// Removes the oldest blocks until the cache fits the limit; returns them for freeing.
        mutating func evict() -> [Block] {
            var evicted: [Block] = []
            while cachedBytes > limit, !free.isEmpty {
                let block = free.removeFirst()
                cachedBytes -= block.capacity
                evicted.append(block)
            }
            return evicted
        }
    }

    /// The cache, guarded by `lock` (a pthread mutex: available wherever the library builds, unlike
    /// `Synchronization.Mutex`, which needs macOS 15).
    nonisolated(unsafe) static var state = PoolState()
    nonisolated(unsafe) static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()

    static func withLock<R>(_ body: (inout PoolState) -> R) -> R {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return body(&state)
    }
    static let hugePage = 2 << 20

    /// A block of at least `bytes` bytes (not zeroed), reused from the cache when one fits
    /// without wasting more than half of it.
    @usableFromInline
    static func acquire(bytes: Int) -> Block {
        let reused = withLock { state -> Block? in
            var best: Int? = nil
            for (index, block) in state.free.enumerated()
            where block.capacity >= bytes && block.capacity <= 2 * bytes + hugePage {
                if best == nil || block.capacity < state.free[best!].capacity { best = index }
            }
            guard let best else { return nil }
            let block = state.free.remove(at: best)
            state.cachedBytes -= block.capacity
            return block
        }
        if let reused { return reused }
        // Huge-page aligned, but the size is rounded only to 64 KiB: the kernel backs the whole 2 MiB ranges
        // with huge pages and the tail with small ones, so no block makes a partial huge page resident.
        let capacity = (bytes + (64 << 10) - 1) / (64 << 10) * (64 << 10)
        var raw: UnsafeMutableRawPointer? = nil
        guard posix_memalign(&raw, hugePage, capacity) == 0, let raw else {
            fatalError("ScratchMemory: cannot allocate \(capacity) bytes")
        }
        #if os(Linux)
        _ = madvise(raw, capacity, 14)  // MADV_HUGEPAGE: fewer page faults; ignored where unsupported
        #endif
        return Block(pointer: raw, capacity: capacity)
    }

    @usableFromInline
    static func release(_ block: Block) {
        let evicted = withLock { state -> [Block] in
            state.free.append(block)
            state.cachedBytes += block.capacity
            return state.evict()
        }
        for block in evicted { block.deallocate() }
    }
}

/// An array of scalars for a pass: cached memory for large sizes (see ``ScratchMemory``), an ordinary
/// allocation for small ones. Immutable after the pass that fills it.
@usableFromInline
final class ScalarBuffer<Scalar: RecurrentScalar>: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<Scalar>
    @usableFromInline let count: Int
    @usableFromInline let block: ScratchMemory.Block?

    /// `count` zeros (at least one element is allocated, so `base` is always valid).
    @usableFromInline
    convenience init(zeros count: Int) { self.init(count: count, zeroed: true) }

    /// `count` scalars, zeroed or left with whatever values the memory held (for buffers that are
    /// written in full before they are read). At least one element is allocated, so `base` is always valid.
    @usableFromInline
    init(count: Int, zeroed: Bool) {
        self.count = count
        let elements = Swift.max(count, 1)
        let bytes = elements * MemoryLayout<Scalar>.stride
        if bytes >= ScratchMemory.minimumPooledBytes {
            let block = ScratchMemory.acquire(bytes: bytes)
            self.block = block
            base = block.pointer.bindMemory(to: Scalar.self, capacity: elements)
        } else {
            block = nil
            base = UnsafeMutablePointer<Scalar>.allocate(capacity: elements)
        }
        if zeroed || block == nil { base.initialize(repeating: 0, count: elements) }
    }

    deinit {
        if let block {
            ScratchMemory.release(block)
        } else {
            base.deallocate()
        }
    }

    /// The scalars `range` as an array.
    @usableFromInline
    func array(_ range: Range<Int>) -> [Scalar] {
        Array(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
    }
}
