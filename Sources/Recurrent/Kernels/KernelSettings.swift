import CRecurrentKernels

/// Process-wide settings of the compute kernels behind
/// ``RecurrentScalar/gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``: which instruction-set
/// level runs, and how many threads large products may use.
///
/// Results never depend on the thread count (work is split across output blocks only, never inside a dot
/// product); they may differ in the last bits between levels.
///
/// ```swift
/// KernelSettings.threadCount = 1     // deterministic either way; 1 leaves a core free
/// print(KernelSettings.kernelName)   // "avx512" on a recent x86-64 CPU
/// ```
public enum KernelSettings {
    /// Instruction-set level of the GEMM micro-kernels.
    public enum Level: Int, Sendable, Comparable, CustomStringConvertible {
        /// Plain C, any CPU.
        case portable = 0
        /// AVX2 with FMA (x86-64).
        case avx2 = 1
        /// AVX-512F (x86-64).
        case avx512 = 2

        /// Whether `lhs` is a lower level than `rhs`: ``portable`` < ``avx2`` < ``avx512``.
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        /// A short name of the level: "portable C", "AVX2+FMA" or "AVX-512F".
        public var description: String {
            switch self {
            case .portable: return "portable C"
            case .avx2: return "AVX2+FMA"
            case .avx512: return "AVX-512F"
            }
        }
    }

    /// Threads (the caller included) that a large GEMM may use. Default: the processors this process may run on (its affinity mask on Linux, the performance cores on Darwin), or the
    /// environment variable `RNN_NUM_THREADS`. Setting a value < 1 restores the default.
    public static var threadCount: Int {
        get { Int(rnn_thread_count()) }
        set { rnn_set_thread_count(Int32(clamping: newValue)) }
    }

    /// Whether subnormal numbers (|x| < 2⁻¹²⁶ in `Float`, 2⁻¹⁰²² in `Double`) are flushed to zero while the
    /// layers, the matrix products and the gate kernels run. Default `true`, or `false` when the environment
    /// variable `RNN_FLUSH_SUBNORMALS` is `0`. Process-wide.
    ///
    /// On x86-64 an operation on a subnormal value takes a microcode assist of about a hundred cycles on many
    /// Intel cores, and backpropagation through a long sequence produces such values as the gradients of the
    /// early steps decay: on one such machine a training step of an LSTM over 784 steps ran 8× slower without
    /// flushing. With flushing on, the kernels set the SSE control register's flush-to-zero and
    /// denormals-are-zero bits (the mode TensorFlow's compute threads run in; PyTorch offers it as
    /// `torch.set_flush_denormal(True)`) and restore the caller's mode on return, so code outside the library
    /// is not affected. Only values below the smallest normal number change: they become ±0. Results stay
    /// independent of the thread count. On other architectures this setting changes nothing.
    public static var flushesSubnormals: Bool {
        get { rnn_flush_subnormals() != 0 }
        set { rnn_set_flush_subnormals(newValue ? 1 : 0) }
    }

    /// The level in use: the best supported one unless ``force(_:)`` chose another.
    public static var level: Level { Level(rawValue: Int(rnn_kernel_level())) ?? .portable }

    /// The best level this CPU and operating system support.
    public static var supportedLevel: Level {
        Level(rawValue: Int(rnn_kernel_level_supported())) ?? .portable
    }

    /// Forces a level (clamped to ``supportedLevel``); `nil` restores the automatic choice. Process-wide.
    public static func force(_ level: Level?) {
        rnn_kernel_force_level(Int32(level?.rawValue ?? -1))
    }

    /// The instruction set of the kernels in use, as a short identifier: `avx512`, `avx2`, or `portable`.
    public static var kernelName: String {
        switch level {
        case .avx512: return "avx512"
        case .avx2: return "avx2"
        case .portable: return "portable"
        }
    }
}

/// The former name of ``KernelSettings``, which now holds both the level and the thread count.
@available(*, deprecated, renamed: "KernelSettings")
public typealias KernelInfo = KernelSettings
