import CRecurrentKernels

/// Process-wide settings of the compute kernels.
///
/// ```swift
/// KernelSettings.threadCount = 1     // deterministic either way; 1 leaves a core free
/// print(KernelSettings.kernelName)   // "avx512" on a recent x86-64 CPU
/// ```
public enum KernelSettings {
    /// Threads the GEMM kernels may use (default min(2, CPUs), or `RNN_NUM_THREADS`).
    /// Results are bit-identical for every thread count: work is split by output blocks, never inside a dot product.
    public static var threadCount: Int {
        get { Int(rnn_thread_count()) }
        set { rnn_set_thread_count(Int32(clamping: newValue)) }
    }

    /// The instruction set of the kernels in use: `avx512`, `avx2`, or `portable`.
    public static var kernelName: String {
        switch rnn_kernel_level() {
        case 2: return "avx512"
        case 1: return "avx2"
        default: return "portable"
        }
    }
}
