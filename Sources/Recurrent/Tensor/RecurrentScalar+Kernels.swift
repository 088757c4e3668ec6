import CRecurrentKernels

// `Float` and `Double` run the gate kernels and vector element functions in the dispatched C
// kernels of CRecurrentKernels (activations*.c: AVX-512F, AVX2+FMA or portable C, at the level
// of `rnn_kernel_level()`); the plain Swift loops of PortableGateKernels.swift are the reference.
// Generated from the requirement list in RecurrentScalar.swift (same order and labels as the C
// declarations).

extension Float {
    /// Runs the C kernel `rnn_s_exp` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func vectorExp(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        rnn_s_exp(count, x, y)
    }
    /// Runs the C kernel `rnn_s_sigmoid` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func vectorSigmoid(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        rnn_s_sigmoid(count, x, y)
    }
    /// Runs the C kernel `rnn_s_tanh` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func vectorTanh(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        rnn_s_tanh(count, x, y)
    }
    /// Runs the C kernel `rnn_s_srnn_forward` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func srnnForward(relu: Bool, batch: Int, hidden: Int, projected: UnsafePointer<Float>, ldp: Int,
        bias: UnsafePointer<Float>, next: UnsafeMutablePointer<Float>, ldn: Int) {
        rnn_s_srnn_forward(relu ? 1 : 0, batch, hidden, projected, ldp, bias, next, ldn)
    }
    /// Runs the C kernel `rnn_s_srnn_backward` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func srnnBackward(relu: Bool, batch: Int, hidden: Int, dNext: UnsafePointer<Float>, lddn: Int,
        next: UnsafePointer<Float>, ldn: Int, dProjected: UnsafeMutablePointer<Float>, lddp: Int) {
        rnn_s_srnn_backward(relu ? 1 : 0, batch, hidden, dNext, lddn, next, ldn, dProjected, lddp)
    }
    /// Runs the C kernel `rnn_s_lstm_forward` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func lstmForward(batch: Int, hidden: Int, projected: UnsafePointer<Float>, ldp: Int,
        bias: UnsafePointer<Float>, gates: UnsafeMutablePointer<Float>, ldg: Int, previous: UnsafePointer<Float>,
        ldprev: Int, next: UnsafeMutablePointer<Float>, ldn: Int) {
        rnn_s_lstm_forward(batch, hidden, projected, ldp, bias, gates, ldg, previous, ldprev, next, ldn)
    }
    /// Runs the C kernel `rnn_s_lstm_backward` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func lstmBackward(batch: Int, hidden: Int, gates: UnsafePointer<Float>, ldg: Int,
        previous: UnsafePointer<Float>, ldprev: Int, dNext: UnsafePointer<Float>, lddn: Int,
        dGates: UnsafeMutablePointer<Float>, lddg: Int, dPrevious: UnsafeMutablePointer<Float>, lddprev: Int) {
        rnn_s_lstm_backward(batch, hidden, gates, ldg, previous, ldprev, dNext, lddn, dGates, lddg, dPrevious, lddprev)
    }
    /// Runs the C kernel `rnn_s_gru_forward_after` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func gruForwardAfter(batch: Int, hidden: Int, projected: UnsafePointer<Float>, ldp: Int,
        hiddenProducts: UnsafePointer<Float>, ldh: Int, bias: UnsafePointer<Float>, previous: UnsafePointer<Float>,
        ldprev: Int, cache: UnsafeMutablePointer<Float>, ldc: Int, next: UnsafeMutablePointer<Float>, ldn: Int) {
        rnn_s_gru_forward_after(batch, hidden, projected, ldp, hiddenProducts, ldh, bias, previous, ldprev, cache,
            ldc, next, ldn)
    }
    /// Runs the C kernel `rnn_s_gru_backward_after` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func gruBackwardAfter(batch: Int, hidden: Int, cache: UnsafePointer<Float>, ldc: Int,
        previous: UnsafePointer<Float>, ldprev: Int, dNext: UnsafePointer<Float>, lddn: Int,
        dProjected: UnsafeMutablePointer<Float>, lddp: Int, dRecurrent: UnsafeMutablePointer<Float>, lddr: Int,
        dPrevious: UnsafeMutablePointer<Float>, lddprev: Int) {
        rnn_s_gru_backward_after(batch, hidden, cache, ldc, previous, ldprev, dNext, lddn, dProjected, lddp,
            dRecurrent, lddr, dPrevious, lddprev)
    }
    /// Runs the C kernel `rnn_s_gru_forward_before_gates` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func gruForwardBeforeGates(batch: Int, hidden: Int, projected: UnsafePointer<Float>, ldp: Int,
        hiddenProducts: UnsafePointer<Float>, ldh: Int, bias: UnsafePointer<Float>, previous: UnsafePointer<Float>,
        ldprev: Int, cache: UnsafeMutablePointer<Float>, ldc: Int) {
        rnn_s_gru_forward_before_gates(batch, hidden, projected, ldp, hiddenProducts, ldh, bias, previous, ldprev,
            cache, ldc)
    }
    /// Runs the C kernel `rnn_s_gru_forward_before_state` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func gruForwardBeforeState(batch: Int, hidden: Int, projected: UnsafePointer<Float>, ldp: Int,
        hiddenProducts: UnsafePointer<Float>, ldh: Int, bias: UnsafePointer<Float>, previous: UnsafePointer<Float>,
        ldprev: Int, cache: UnsafeMutablePointer<Float>, ldc: Int, next: UnsafeMutablePointer<Float>, ldn: Int) {
        rnn_s_gru_forward_before_state(batch, hidden, projected, ldp, hiddenProducts, ldh, bias, previous, ldprev,
            cache, ldc, next, ldn)
    }
    /// Runs the C kernel `rnn_s_gru_backward_before_state` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func gruBackwardBeforeState(batch: Int, hidden: Int, cache: UnsafePointer<Float>, ldc: Int,
        previous: UnsafePointer<Float>, ldprev: Int, dNext: UnsafePointer<Float>, lddn: Int,
        dProjected: UnsafeMutablePointer<Float>, lddp: Int, dRecurrent: UnsafeMutablePointer<Float>, lddr: Int) {
        rnn_s_gru_backward_before_state(batch, hidden, cache, ldc, previous, ldprev, dNext, lddn, dProjected, lddp,
            dRecurrent, lddr)
    }
    /// Runs the C kernel `rnn_s_gru_backward_before_gates` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func gruBackwardBeforeGates(batch: Int, hidden: Int, cache: UnsafePointer<Float>, ldc: Int,
        previous: UnsafePointer<Float>, ldprev: Int, dNext: UnsafePointer<Float>, lddn: Int,
        dReset: UnsafePointer<Float>, lddreset: Int, dProjected: UnsafeMutablePointer<Float>, lddp: Int,
        dRecurrent: UnsafeMutablePointer<Float>, lddr: Int, dPrevious: UnsafeMutablePointer<Float>, lddprev: Int) {
        rnn_s_gru_backward_before_gates(batch, hidden, cache, ldc, previous, ldprev, dNext, lddn, dReset, lddreset,
            dProjected, lddp, dRecurrent, lddr, dPrevious, lddprev)
    }
    /// Runs the C kernel `rnn_s_scrn_forward_context` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func scrnForwardContext(batch: Int, hidden: Int, context: Int, alpha: Float,
        projected: UnsafePointer<Float>, ldp: Int, previous: UnsafePointer<Float>, ldprev: Int,
        next: UnsafeMutablePointer<Float>, ldn: Int, cache: UnsafeMutablePointer<Float>, ldc: Int) {
        rnn_s_scrn_forward_context(batch, hidden, context, alpha, projected, ldp, previous, ldprev, next, ldn, cache,
            ldc)
    }
    /// Runs the C kernel `rnn_s_scrn_backward_hidden` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func scrnBackwardHidden(batch: Int, hidden: Int, context: Int, dNext: UnsafePointer<Float>,
        lddn: Int, next: UnsafePointer<Float>, ldn: Int, dRecurrent: UnsafeMutablePointer<Float>, lddr: Int) {
        rnn_s_scrn_backward_hidden(batch, hidden, context, dNext, lddn, next, ldn, dRecurrent, lddr)
    }
    /// Runs the C kernel `rnn_s_scrn_backward_context` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func scrnBackwardContext(batch: Int, hidden: Int, context: Int, alpha: Float,
        dRecurrent: UnsafePointer<Float>, lddr: Int, dProjected: UnsafeMutablePointer<Float>, lddp: Int,
        dPrevious: UnsafeMutablePointer<Float>, lddprev: Int) {
        rnn_s_scrn_backward_context(batch, hidden, context, alpha, dRecurrent, lddr, dProjected, lddp, dPrevious,
            lddprev)
    }
    /// Runs the C kernel `rnn_s_add_column_sums` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func addColumnSums(_ m: UnsafePointer<Float>, ld: Int, rows: Int, width: Int,
        into sums: UnsafeMutablePointer<Float>) {
        rnn_s_add_column_sums(rows, width, m, ld, sums)
    }
}

extension Double {
    /// Runs the C kernel `rnn_d_exp` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func vectorExp(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        rnn_d_exp(count, x, y)
    }
    /// Runs the C kernel `rnn_d_sigmoid` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func vectorSigmoid(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        rnn_d_sigmoid(count, x, y)
    }
    /// Runs the C kernel `rnn_d_tanh` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func vectorTanh(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        rnn_d_tanh(count, x, y)
    }
    /// Runs the C kernel `rnn_d_srnn_forward` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func srnnForward(relu: Bool, batch: Int, hidden: Int, projected: UnsafePointer<Double>, ldp: Int,
        bias: UnsafePointer<Double>, next: UnsafeMutablePointer<Double>, ldn: Int) {
        rnn_d_srnn_forward(relu ? 1 : 0, batch, hidden, projected, ldp, bias, next, ldn)
    }
    /// Runs the C kernel `rnn_d_srnn_backward` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func srnnBackward(relu: Bool, batch: Int, hidden: Int, dNext: UnsafePointer<Double>, lddn: Int,
        next: UnsafePointer<Double>, ldn: Int, dProjected: UnsafeMutablePointer<Double>, lddp: Int) {
        rnn_d_srnn_backward(relu ? 1 : 0, batch, hidden, dNext, lddn, next, ldn, dProjected, lddp)
    }
    /// Runs the C kernel `rnn_d_lstm_forward` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func lstmForward(batch: Int, hidden: Int, projected: UnsafePointer<Double>, ldp: Int,
        bias: UnsafePointer<Double>, gates: UnsafeMutablePointer<Double>, ldg: Int, previous: UnsafePointer<Double>,
        ldprev: Int, next: UnsafeMutablePointer<Double>, ldn: Int) {
        rnn_d_lstm_forward(batch, hidden, projected, ldp, bias, gates, ldg, previous, ldprev, next, ldn)
    }
    /// Runs the C kernel `rnn_d_lstm_backward` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func lstmBackward(batch: Int, hidden: Int, gates: UnsafePointer<Double>, ldg: Int,
        previous: UnsafePointer<Double>, ldprev: Int, dNext: UnsafePointer<Double>, lddn: Int,
        dGates: UnsafeMutablePointer<Double>, lddg: Int, dPrevious: UnsafeMutablePointer<Double>, lddprev: Int) {
        rnn_d_lstm_backward(batch, hidden, gates, ldg, previous, ldprev, dNext, lddn, dGates, lddg, dPrevious, lddprev)
    }
    /// Runs the C kernel `rnn_d_gru_forward_after` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func gruForwardAfter(batch: Int, hidden: Int, projected: UnsafePointer<Double>, ldp: Int,
        hiddenProducts: UnsafePointer<Double>, ldh: Int, bias: UnsafePointer<Double>, previous: UnsafePointer<Double>,
        ldprev: Int, cache: UnsafeMutablePointer<Double>, ldc: Int, next: UnsafeMutablePointer<Double>, ldn: Int) {
        rnn_d_gru_forward_after(batch, hidden, projected, ldp, hiddenProducts, ldh, bias, previous, ldprev, cache,
            ldc, next, ldn)
    }
    /// Runs the C kernel `rnn_d_gru_backward_after` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func gruBackwardAfter(batch: Int, hidden: Int, cache: UnsafePointer<Double>, ldc: Int,
        previous: UnsafePointer<Double>, ldprev: Int, dNext: UnsafePointer<Double>, lddn: Int,
        dProjected: UnsafeMutablePointer<Double>, lddp: Int, dRecurrent: UnsafeMutablePointer<Double>, lddr: Int,
        dPrevious: UnsafeMutablePointer<Double>, lddprev: Int) {
        rnn_d_gru_backward_after(batch, hidden, cache, ldc, previous, ldprev, dNext, lddn, dProjected, lddp,
            dRecurrent, lddr, dPrevious, lddprev)
    }
    /// Runs the C kernel `rnn_d_gru_forward_before_gates` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func gruForwardBeforeGates(batch: Int, hidden: Int, projected: UnsafePointer<Double>, ldp: Int,
        hiddenProducts: UnsafePointer<Double>, ldh: Int, bias: UnsafePointer<Double>, previous: UnsafePointer<Double>,
        ldprev: Int, cache: UnsafeMutablePointer<Double>, ldc: Int) {
        rnn_d_gru_forward_before_gates(batch, hidden, projected, ldp, hiddenProducts, ldh, bias, previous, ldprev,
            cache, ldc)
    }
    /// Runs the C kernel `rnn_d_gru_forward_before_state` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func gruForwardBeforeState(batch: Int, hidden: Int, projected: UnsafePointer<Double>, ldp: Int,
        hiddenProducts: UnsafePointer<Double>, ldh: Int, bias: UnsafePointer<Double>, previous: UnsafePointer<Double>,
        ldprev: Int, cache: UnsafeMutablePointer<Double>, ldc: Int, next: UnsafeMutablePointer<Double>, ldn: Int) {
        rnn_d_gru_forward_before_state(batch, hidden, projected, ldp, hiddenProducts, ldh, bias, previous, ldprev,
            cache, ldc, next, ldn)
    }
    /// Runs the C kernel `rnn_d_gru_backward_before_state` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func gruBackwardBeforeState(batch: Int, hidden: Int, cache: UnsafePointer<Double>, ldc: Int,
        previous: UnsafePointer<Double>, ldprev: Int, dNext: UnsafePointer<Double>, lddn: Int,
        dProjected: UnsafeMutablePointer<Double>, lddp: Int, dRecurrent: UnsafeMutablePointer<Double>, lddr: Int) {
        rnn_d_gru_backward_before_state(batch, hidden, cache, ldc, previous, ldprev, dNext, lddn, dProjected, lddp,
            dRecurrent, lddr)
    }
    /// Runs the C kernel `rnn_d_gru_backward_before_gates` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func gruBackwardBeforeGates(batch: Int, hidden: Int, cache: UnsafePointer<Double>, ldc: Int,
        previous: UnsafePointer<Double>, ldprev: Int, dNext: UnsafePointer<Double>, lddn: Int,
        dReset: UnsafePointer<Double>, lddreset: Int, dProjected: UnsafeMutablePointer<Double>, lddp: Int,
        dRecurrent: UnsafeMutablePointer<Double>, lddr: Int, dPrevious: UnsafeMutablePointer<Double>, lddprev: Int) {
        rnn_d_gru_backward_before_gates(batch, hidden, cache, ldc, previous, ldprev, dNext, lddn, dReset, lddreset,
            dProjected, lddp, dRecurrent, lddr, dPrevious, lddprev)
    }
    /// Runs the C kernel `rnn_d_scrn_forward_context` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func scrnForwardContext(batch: Int, hidden: Int, context: Int, alpha: Double,
        projected: UnsafePointer<Double>, ldp: Int, previous: UnsafePointer<Double>, ldprev: Int,
        next: UnsafeMutablePointer<Double>, ldn: Int, cache: UnsafeMutablePointer<Double>, ldc: Int) {
        rnn_d_scrn_forward_context(batch, hidden, context, alpha, projected, ldp, previous, ldprev, next, ldn, cache,
            ldc)
    }
    /// Runs the C kernel `rnn_d_scrn_backward_hidden` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func scrnBackwardHidden(batch: Int, hidden: Int, context: Int, dNext: UnsafePointer<Double>,
        lddn: Int, next: UnsafePointer<Double>, ldn: Int, dRecurrent: UnsafeMutablePointer<Double>, lddr: Int) {
        rnn_d_scrn_backward_hidden(batch, hidden, context, dNext, lddn, next, ldn, dRecurrent, lddr)
    }
    /// Runs the C kernel `rnn_d_scrn_backward_context` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func scrnBackwardContext(batch: Int, hidden: Int, context: Int, alpha: Double,
        dRecurrent: UnsafePointer<Double>, lddr: Int, dProjected: UnsafeMutablePointer<Double>, lddp: Int,
        dPrevious: UnsafeMutablePointer<Double>, lddprev: Int) {
        rnn_d_scrn_backward_context(batch, hidden, context, alpha, dRecurrent, lddr, dProjected, lddp, dPrevious,
            lddprev)
    }
    /// Runs the C kernel `rnn_d_add_column_sums` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func addColumnSums(_ m: UnsafePointer<Double>, ld: Int, rows: Int, width: Int,
        into sums: UnsafeMutablePointer<Double>) {
        rnn_d_add_column_sums(rows, width, m, ld, sums)
    }
}
