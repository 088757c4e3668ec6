// Process statistics for the benchmarks: the peak resident set size from getrusage, whose unit
// differs between systems (kilobytes on Linux with glibc or musl, bytes on Darwin). In C, so that
// the Swift side needs no per-libc spelling of getrusage's first argument. Also the allocator setting
// of the `rnn` tool (mallopt is not visible from Swift's Glibc module).
#include "CRecurrentKernels.h"

#include <sys/resource.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

long long rnn_max_rss_bytes(void) {
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
#if defined(__APPLE__)
    return (long long)usage.ru_maxrss;
#else
    return (long long)usage.ru_maxrss * 1024;
#endif
}

int rnn_keep_freed_memory(void) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, 256 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 512 << 20) == 1;
#else
    return 0;
#endif
}
