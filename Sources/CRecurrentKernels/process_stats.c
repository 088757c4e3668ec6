// Process statistics for the benchmarks: the peak resident set size from getrusage, whose unit
// differs between systems (kilobytes on Linux with glibc or musl, bytes on Darwin). In C, so that
// the Swift side needs no per-libc spelling of getrusage's first argument.
#include "CRecurrentKernels.h"

#include <sys/resource.h>

long long rnn_max_rss_bytes(void) {
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
#if defined(__APPLE__)
    return (long long)usage.ru_maxrss;
#else
    return (long long)usage.ru_maxrss * 1024;
#endif
}
