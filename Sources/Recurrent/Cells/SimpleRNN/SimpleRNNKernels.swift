import CRecurrentKernels

// The simple RNN cell's per-step elementwise kernels. Each `…Forward`/`…Backward` below runs the C kernel
// of CRecurrentKernels for Float and Double (the type test is resolved when the generic code is specialized),
// and the plain Swift loop of the same name with `portable` for any other scalar type; GateKernelTests compares
// the two paths. Internal: the cell is the public face.
//
// Conventions: `ld…` is the row pitch (in elements) of the matrix named before it; `batch` rows are processed;
// rows never interact. "acc" inputs are recurrent matrix products computed with β = 0, so a pre-activation is
// `acc + (projected + bias)`: bit for bit what accumulating the product onto `projected + bias` with β = 1 gives.

extension RecurrentScalar {
    /// Runs `rnn_s_srnn_forward` (Float) or `rnn_d_srnn_forward` (Double), the C kernels at the level of
    /// `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C); any other scalar type runs ``portableSRNNForward``.
    @inlinable
    static func srnnForward(relu: Bool, batch: Int, hidden: Int, projected: UnsafePointer<Self>, ldp: Int,
                            bias: UnsafePointer<Self>, next: UnsafeMutablePointer<Self>, ldn: Int) {
        if Self.self == Float.self {
            rnn_s_srnn_forward(relu ? 1 : 0, batch, hidden, projected.cast(), ldp, bias.cast(), next.cast(), ldn)
        } else if Self.self == Double.self {
            rnn_d_srnn_forward(relu ? 1 : 0, batch, hidden, projected.cast(), ldp, bias.cast(), next.cast(), ldn)
        } else {
            portableSRNNForward(relu: relu, batch: batch, hidden: hidden, projected: projected, ldp: ldp, bias: bias,
                                next: next, ldn: ldn)
        }
    }

    /// Runs `rnn_s_srnn_backward` (Float) or `rnn_d_srnn_backward` (Double), the C kernels at the level of
    /// `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C); any other scalar type runs ``portableSRNNBackward``.
    @inlinable
    static func srnnBackward(relu: Bool, batch: Int, hidden: Int, dNext: UnsafePointer<Self>, lddn: Int,
                             next: UnsafePointer<Self>, ldn: Int, dProjected: UnsafeMutablePointer<Self>, lddp: Int) {
        if Self.self == Float.self {
            rnn_s_srnn_backward(relu ? 1 : 0, batch, hidden, dNext.cast(), lddn, next.cast(), ldn, dProjected.cast(), lddp)
        } else if Self.self == Double.self {
            rnn_d_srnn_backward(relu ? 1 : 0, batch, hidden, dNext.cast(), lddn, next.cast(), ldn, dProjected.cast(), lddp)
        } else {
            portableSRNNBackward(relu: relu, batch: batch, hidden: hidden, dNext: dNext, lddn: lddn, next: next, ldn: ldn,
                                 dProjected: dProjected, lddp: lddp)
        }
    }

    // MARK: The Swift reference

    /// SRNN: `next (B, H) = f(acc + (projected + bias))` with f = ReLU or tanh; `next` holds
    /// acc = h_{t−1}·W_hhᵀ on entry.
    @inlinable
    static func portableSRNNForward(relu: Bool, batch: Int, hidden h: Int, projected: UnsafePointer<Self>, ldp: Int,
                                    bias: UnsafePointer<Self>, next: UnsafeMutablePointer<Self>, ldn: Int) {
        for b in 0..<batch {
            let p = projected + b * ldp, y = next + b * ldn
            if relu {
                for j in 0..<h { y[j] = Swift.max(y[j] + (p[j] + bias[j]), 0) }
            } else {
                for j in 0..<h { y[j] = tanh(y[j] + (p[j] + bias[j])) }
            }
        }
    }

    /// SRNN: `dProjected = dNext ⊙ f′`, with f′ recovered from `next`: `1 − next²` (tanh) or `[next > 0]` (ReLU).
    @inlinable
    static func portableSRNNBackward(relu: Bool, batch: Int, hidden h: Int, dNext: UnsafePointer<Self>, lddn: Int,
                                     next: UnsafePointer<Self>, ldn: Int,
                                     dProjected: UnsafeMutablePointer<Self>, lddp: Int) {
        for b in 0..<batch {
            let dy = dNext + b * lddn, y = next + b * ldn, dp = dProjected + b * lddp
            if relu {
                for j in 0..<h { dp[j] = y[j] > 0 ? dy[j] : 0 }
            } else {
                for j in 0..<h { dp[j] = dy[j] * (1 - y[j] * y[j]) }
            }
        }
    }
}
