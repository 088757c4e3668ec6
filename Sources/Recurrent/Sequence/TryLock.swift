#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex taken only with a try: the kept preparations of streaming (``RecurrentModel/step(_:state:)``'s plan,
/// a layer's one-step plan) serve one pass at a time, and a pass that finds one busy makes its own instead of
/// waiting.
@usableFromInline
final class TryLock: @unchecked Sendable {
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>

    @usableFromInline
    init() {
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Takes the lock; false when another thread holds it.
    @inlinable func tryAcquire() -> Bool { pthread_mutex_trylock(mutex) == 0 }
    /// Gives back a lock taken by ``tryAcquire()``.
    @inlinable func release() { pthread_mutex_unlock(mutex) }
}
