// Persistent worker pool for large GEMMs and thread-local packing scratch.
//
// Workers are started lazily (thread count - 1 of them) and live for the whole process.
// After finishing a job a worker spins briefly for the next one (RNN time steps call
// GEMM back to back), then sleeps on a condition variable. One caller uses the pool at a
// time; a concurrent caller finds it busy and computes on its own thread instead.
#define _GNU_SOURCE
#include "gemm_internal.h"
#include "CRecurrentKernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if RNN_X86_64
#include <immintrin.h>
#endif
#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__APPLE__)
#include <sys/sysctl.h>
#endif

// Shared counters of the pool each get a line of their own. 128 bytes: the line size of Apple's arm64
// cores, and the pair of 64-byte lines that x86 cores' adjacent-line prefetcher fetches together.
#define RNN_SHARED_LINE 128

// ---------------------------------------------------------------- scratch buffers

typedef struct {
    void *ptr[2];
    size_t cap[2];
} rnn_scratch_set;

static __thread rnn_scratch_set tls_scratch;
static pthread_key_t scratch_key;
static pthread_once_t scratch_key_once = PTHREAD_ONCE_INIT;

static void scratch_destroy(void *p) {
    rnn_scratch_set *s = (rnn_scratch_set *)p;
    for (int i = 0; i < 2; i++) {
        free(s->ptr[i]);
        s->ptr[i] = NULL;
        s->cap[i] = 0;
    }
}

static void scratch_key_init(void) { (void)pthread_key_create(&scratch_key, scratch_destroy); }

void *rnn_scratch(int slot, size_t bytes) {
    rnn_scratch_set *s = &tls_scratch;
    if (bytes <= s->cap[slot]) return s->ptr[slot];
    size_t cap = bytes + bytes / 4 + 4096;
    cap = (cap + 63) & ~(size_t)63;
    void *p = NULL;
    if (posix_memalign(&p, 64, cap) != 0) return NULL;
    if (s->ptr[0] == NULL && s->ptr[1] == NULL) {  // first allocation on this thread
        pthread_once(&scratch_key_once, scratch_key_init);
        (void)pthread_setspecific(scratch_key, s);  // frees the buffers at thread exit
    }
    free(s->ptr[slot]);
    s->ptr[slot] = p;
    s->cap[slot] = cap;
    return p;
}

// ---------------------------------------------------------------- thread count

#define RNN_MAX_THREADS 64

static atomic_int configured_threads;  // 0 = not yet initialised
static int default_threads_value;
static pthread_once_t threads_once = PTHREAD_ONCE_INIT;

// Processors this process may run on: the affinity mask on Linux (taskset, cgroup cpusets, container
// limits set that way), the performance cores on Darwin (the efficiency cores would make every part of a
// split product wait for the slowest), the online processors elsewhere. At least 1.
static long usable_cpus(void) {
    long cpus = 0;
#if defined(__linux__) && defined(CPU_COUNT)
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) cpus = CPU_COUNT(&set);
#elif defined(__APPLE__)
    int count = 0;
    size_t size = sizeof count;
    if (sysctlbyname("hw.perflevel0.physicalcpu", &count, &size, NULL, 0) == 0 && count > 0) cpus = count;
    else {
        size = sizeof count;
        if (sysctlbyname("hw.ncpu", &count, &size, NULL, 0) == 0 && count > 0) cpus = count;
    }
#endif
    if (cpus < 1) cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus < 1 ? 1 : cpus;
}

static void threads_init(void) {
    long cpus = usable_cpus();
    int n = cpus > RNN_MAX_THREADS ? RNN_MAX_THREADS : (int)cpus;
    const char *env = getenv("RNN_NUM_THREADS");
    if (env && *env) {
        char *end = NULL;
        long v = strtol(env, &end, 10);
        if (end != env && v >= 1) n = v > RNN_MAX_THREADS ? RNN_MAX_THREADS : (int)v;
    }
    default_threads_value = n;
    int expected = 0;
    atomic_compare_exchange_strong(&configured_threads, &expected, n);
}

int rnn_thread_count(void) {
    pthread_once(&threads_once, threads_init);
    return atomic_load_explicit(&configured_threads, memory_order_relaxed);
}

void rnn_set_thread_count(int count) {
    pthread_once(&threads_once, threads_init);
    if (count < 1) count = default_threads_value;
    if (count > RNN_MAX_THREADS) count = RNN_MAX_THREADS;
    atomic_store(&configured_threads, count);
}

// ---------------------------------------------------------------- worker pool

// A job is split into `parts` independent parts. The caller and the woken workers claim
// parts one at a time from a shared word holding (generation, parts, next part); a part
// is claimed only while the word still names the current job, so a worker that wakes
// late never touches a finished job, and the caller never waits for a worker that has
// not started: it simply takes the remaining parts itself. Who computes a part does
// not change its result.
#define CLAIM_WORD(gen, parts, next) (((uint64_t)(gen) << 32) | ((uint64_t)(parts) << 16) | (uint64_t)(next))
#define CLAIM_GEN(w) ((uint32_t)((w) >> 32))
#define CLAIM_PARTS(w) ((uint32_t)(((w) >> 16) & 0xFFFF))
#define CLAIM_NEXT(w) ((uint32_t)((w)&0xFFFF))

static pthread_mutex_t pool_run_lock = PTHREAD_MUTEX_INITIALIZER;  // one caller at a time
static pthread_mutex_t pool_sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;
static int pool_sleepers;  // guarded by pool_sleep_lock
static int pool_workers;   // started so far; guarded by pool_run_lock

static _Alignas(RNN_SHARED_LINE) _Atomic uint64_t pool_claim;  // CLAIM_WORD of the current job
static _Alignas(RNN_SHARED_LINE) atomic_uint pool_done;        // parts finished in the current job
static _Alignas(RNN_SHARED_LINE) rnn_task_fn pool_task;        // stable while a part is claimed
static void *pool_ctx;
static unsigned pool_fp_mode;  // the floating-point mode of the thread that started the job (rnn_fp_mode)

static inline void cpu_relax(void) {
#if RNN_X86_64
    _mm_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

// Claims and runs parts of job `gen` until none is left.
static void run_parts(uint32_t gen) {
    uint64_t w = atomic_load_explicit(&pool_claim, memory_order_acquire);
    for (;;) {
        if (CLAIM_GEN(w) != gen || CLAIM_NEXT(w) >= CLAIM_PARTS(w)) return;
        if (!atomic_compare_exchange_weak_explicit(&pool_claim, &w, w + 1, memory_order_acq_rel,
                                                   memory_order_acquire))
            continue;  // w reloaded
        rnn_fp_adopt(pool_fp_mode);  // a no-op on the starting thread
        pool_task(pool_ctx, (int)CLAIM_NEXT(w));
        atomic_fetch_add_explicit(&pool_done, 1, memory_order_release);
        w = atomic_load_explicit(&pool_claim, memory_order_acquire);
    }
}

// How long an idle worker polls before sleeping: RNN steps issue GEMMs back to back.
#define RNN_SPIN_SECONDS 100e-6

static void *worker_main(void *arg) {
    (void)arg;
    uint32_t seen = CLAIM_GEN(atomic_load_explicit(&pool_claim, memory_order_acquire));
    for (;;) {
        uint32_t gen = CLAIM_GEN(atomic_load_explicit(&pool_claim, memory_order_acquire));
        if (gen == seen) {
            double start = now_seconds();
            for (unsigned spins = 1;; spins++) {
                cpu_relax();
                gen = CLAIM_GEN(atomic_load_explicit(&pool_claim, memory_order_acquire));
                if (gen != seen) break;
                if ((spins & 127) == 0 && now_seconds() - start > RNN_SPIN_SECONDS) break;
            }
            if (gen == seen) {
                pthread_mutex_lock(&pool_sleep_lock);
                pool_sleepers++;
                while ((gen = CLAIM_GEN(atomic_load_explicit(&pool_claim, memory_order_acquire))) == seen)
                    pthread_cond_wait(&pool_wake, &pool_sleep_lock);
                pool_sleepers--;
                pthread_mutex_unlock(&pool_sleep_lock);
            }
        }
        seen = gen;
        run_parts(gen);
    }
    return NULL;
}

int rnn_parallel_run(rnn_task_fn task, void *ctx, int parts, int threads) {
    if (parts <= 1 || threads <= 1) {
        for (int p = 0; p < parts; p++) task(ctx, p);
        return 1;
    }
    if (parts > 0xFFFF || threads > RNN_MAX_THREADS) return 0;
    if (pthread_mutex_trylock(&pool_run_lock) != 0) return 0;
    while (pool_workers < threads - 1) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_t thread;
        int failed = pthread_create(&thread, &attr, worker_main, NULL);
        pthread_attr_destroy(&attr);
        if (failed) break;
        pool_workers++;
    }
    if (pool_workers == 0) {
        pthread_mutex_unlock(&pool_run_lock);
        return 0;
    }
    // All parts of the previous job are done (the caller waited), so no thread is
    // reading pool_task / pool_ctx now.
    pool_task = task;
    pool_ctx = ctx;
    pool_fp_mode = rnn_fp_mode();
    atomic_store_explicit(&pool_done, 0, memory_order_relaxed);
    // Part 0 is the caller's, claimed before the job is published: a spinning worker would otherwise often
    // take it while the caller is still waking the sleepers, and which core computes which columns would
    // change from one product to the next. With part 0 fixed to the caller (and, on two threads, part 1 to
    // the worker), a weight split over n (a streaming step's W_hh) stays in the cache of the core that read
    // it at the previous step.
    uint32_t gen = CLAIM_GEN(atomic_load_explicit(&pool_claim, memory_order_relaxed)) + 1;
    atomic_store_explicit(&pool_claim, CLAIM_WORD(gen, parts, 1), memory_order_release);
    pthread_mutex_lock(&pool_sleep_lock);
    if (pool_sleepers > 0) pthread_cond_broadcast(&pool_wake);
    pthread_mutex_unlock(&pool_sleep_lock);

    task(ctx, 0);
    atomic_fetch_add_explicit(&pool_done, 1, memory_order_release);
    run_parts(gen);
    while (atomic_load_explicit(&pool_done, memory_order_acquire) != (unsigned)parts) cpu_relax();
    pthread_mutex_unlock(&pool_run_lock);
    return 1;
}

void rnn_parallel_for(int parts, rnn_task_fn task, void *ctx) {
    if (parts <= 0) return;
    int threads = rnn_thread_count();
    if (threads > parts) threads = parts;
    if (threads > 1 && rnn_parallel_run(task, ctx, parts, threads)) return;
    for (int p = 0; p < parts; p++) task(ctx, p);
}
