import CRecurrentKernels

// The GRU cell's per-step elementwise kernels. Each `…Forward`/`…Backward` below runs the C kernel
// of CRecurrentKernels for Float and Double (the type test is resolved when the generic code is specialized),
// and the plain Swift loop of the same name with `portable` for any other scalar type; GateKernelTests compares
// the two paths. Internal: the cell is the public face.
//
// Conventions: `ld…` is the row pitch (in elements) of the matrix named before it; `batch` rows are processed;
// rows never interact. "acc" inputs are recurrent matrix products computed with β = 0, so a pre-activation is
// `acc + (projected + bias)`: bit for bit what accumulating the product onto `projected + bias` with β = 1 gives.

extension RecurrentScalar {
    /// Runs `rnn_s_gru_forward_after` (Float) or `rnn_d_gru_forward_after` (Double), the C kernels at the level of
    /// `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C); any other scalar type runs ``portableGRUForwardAfter``.
    @inlinable
    static func gruForwardAfter(batch: Int, hidden: Int, projected: UnsafePointer<Self>, ldp: Int,
                                hiddenProducts: UnsafePointer<Self>, ldh: Int, bias: UnsafePointer<Self>,
                                previous: UnsafePointer<Self>, ldprev: Int, cache: UnsafeMutablePointer<Self>, ldc: Int,
                                next: UnsafeMutablePointer<Self>, ldn: Int) {
        if Self.self == Float.self {
            rnn_s_gru_forward_after(batch, hidden, projected.cast(), ldp, hiddenProducts.cast(), ldh, bias.cast(), previous.cast(), ldprev, cache.cast(), ldc, next.cast(), ldn)
        } else if Self.self == Double.self {
            rnn_d_gru_forward_after(batch, hidden, projected.cast(), ldp, hiddenProducts.cast(), ldh, bias.cast(), previous.cast(), ldprev, cache.cast(), ldc, next.cast(), ldn)
        } else {
            portableGRUForwardAfter(batch: batch, hidden: hidden, projected: projected, ldp: ldp, hiddenProducts: hiddenProducts,
                                    ldh: ldh, bias: bias, previous: previous, ldprev: ldprev, cache: cache, ldc: ldc,
                                    next: next, ldn: ldn)
        }
    }

    /// Runs `rnn_s_gru_backward_after` (Float) or `rnn_d_gru_backward_after` (Double), the C kernels at the level of
    /// `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C); any other scalar type runs ``portableGRUBackwardAfter``.
    @inlinable
    static func gruBackwardAfter(batch: Int, hidden: Int, cache: UnsafePointer<Self>, ldc: Int,
                                 previous: UnsafePointer<Self>, ldprev: Int, dNext: UnsafePointer<Self>, lddn: Int,
                                 dProjected: UnsafeMutablePointer<Self>, lddp: Int,
                                 dRecurrent: UnsafeMutablePointer<Self>, lddr: Int,
                                 dPrevious: UnsafeMutablePointer<Self>, lddprev: Int) {
        if Self.self == Float.self {
            rnn_s_gru_backward_after(batch, hidden, cache.cast(), ldc, previous.cast(), ldprev, dNext.cast(), lddn, dProjected.cast(), lddp, dRecurrent.cast(), lddr, dPrevious.cast(), lddprev)
        } else if Self.self == Double.self {
            rnn_d_gru_backward_after(batch, hidden, cache.cast(), ldc, previous.cast(), ldprev, dNext.cast(), lddn, dProjected.cast(), lddp, dRecurrent.cast(), lddr, dPrevious.cast(), lddprev)
        } else {
            portableGRUBackwardAfter(batch: batch, hidden: hidden, cache: cache, ldc: ldc, previous: previous, ldprev: ldprev,
                                     dNext: dNext, lddn: lddn, dProjected: dProjected, lddp: lddp, dRecurrent: dRecurrent,
                                     lddr: lddr, dPrevious: dPrevious, lddprev: lddprev)
        }
    }

    /// Runs `rnn_s_gru_forward_before_gates` (Float) or `rnn_d_gru_forward_before_gates` (Double), the C kernels at the level of
    /// `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C); any other scalar type runs ``portableGRUForwardBeforeGates``.
    @inlinable
    static func gruForwardBeforeGates(batch: Int, hidden: Int, projected: UnsafePointer<Self>, ldp: Int,
                                      hiddenProducts: UnsafePointer<Self>, ldh: Int, bias: UnsafePointer<Self>,
                                      previous: UnsafePointer<Self>, ldprev: Int, cache: UnsafeMutablePointer<Self>, ldc: Int) {
        if Self.self == Float.self {
            rnn_s_gru_forward_before_gates(batch, hidden, projected.cast(), ldp, hiddenProducts.cast(), ldh, bias.cast(), previous.cast(), ldprev, cache.cast(), ldc)
        } else if Self.self == Double.self {
            rnn_d_gru_forward_before_gates(batch, hidden, projected.cast(), ldp, hiddenProducts.cast(), ldh, bias.cast(), previous.cast(), ldprev, cache.cast(), ldc)
        } else {
            portableGRUForwardBeforeGates(batch: batch, hidden: hidden, projected: projected, ldp: ldp,
                                          hiddenProducts: hiddenProducts, ldh: ldh, bias: bias, previous: previous, ldprev: ldprev,
                                          cache: cache, ldc: ldc)
        }
    }

    /// Runs `rnn_s_gru_forward_before_state` (Float) or `rnn_d_gru_forward_before_state` (Double), the C kernels at the level of
    /// `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C); any other scalar type runs ``portableGRUForwardBeforeState``.
    @inlinable
    static func gruForwardBeforeState(batch: Int, hidden: Int, projected: UnsafePointer<Self>, ldp: Int,
                                      hiddenProducts: UnsafePointer<Self>, ldh: Int, bias: UnsafePointer<Self>,
                                      previous: UnsafePointer<Self>, ldprev: Int, cache: UnsafeMutablePointer<Self>, ldc: Int,
                                      next: UnsafeMutablePointer<Self>, ldn: Int) {
        if Self.self == Float.self {
            rnn_s_gru_forward_before_state(batch, hidden, projected.cast(), ldp, hiddenProducts.cast(), ldh, bias.cast(), previous.cast(), ldprev, cache.cast(), ldc, next.cast(), ldn)
        } else if Self.self == Double.self {
            rnn_d_gru_forward_before_state(batch, hidden, projected.cast(), ldp, hiddenProducts.cast(), ldh, bias.cast(), previous.cast(), ldprev, cache.cast(), ldc, next.cast(), ldn)
        } else {
            portableGRUForwardBeforeState(batch: batch, hidden: hidden, projected: projected, ldp: ldp,
                                          hiddenProducts: hiddenProducts, ldh: ldh, bias: bias, previous: previous, ldprev: ldprev,
                                          cache: cache, ldc: ldc, next: next, ldn: ldn)
        }
    }

    /// Runs `rnn_s_gru_backward_before_state` (Float) or `rnn_d_gru_backward_before_state` (Double), the C kernels at the level of
    /// `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C); any other scalar type runs ``portableGRUBackwardBeforeState``.
    @inlinable
    static func gruBackwardBeforeState(batch: Int, hidden: Int, cache: UnsafePointer<Self>, ldc: Int,
                                       previous: UnsafePointer<Self>, ldprev: Int, dNext: UnsafePointer<Self>, lddn: Int,
                                       dProjected: UnsafeMutablePointer<Self>, lddp: Int,
                                       dRecurrent: UnsafeMutablePointer<Self>, lddr: Int) {
        if Self.self == Float.self {
            rnn_s_gru_backward_before_state(batch, hidden, cache.cast(), ldc, previous.cast(), ldprev, dNext.cast(), lddn, dProjected.cast(), lddp, dRecurrent.cast(), lddr)
        } else if Self.self == Double.self {
            rnn_d_gru_backward_before_state(batch, hidden, cache.cast(), ldc, previous.cast(), ldprev, dNext.cast(), lddn, dProjected.cast(), lddp, dRecurrent.cast(), lddr)
        } else {
            portableGRUBackwardBeforeState(batch: batch, hidden: hidden, cache: cache, ldc: ldc, previous: previous, ldprev: ldprev,
                                           dNext: dNext, lddn: lddn, dProjected: dProjected, lddp: lddp,
                                           dRecurrent: dRecurrent, lddr: lddr)
        }
    }

    /// Runs `rnn_s_gru_backward_before_gates` (Float) or `rnn_d_gru_backward_before_gates` (Double), the C kernels at the level of
    /// `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C); any other scalar type runs ``portableGRUBackwardBeforeGates``.
    @inlinable
    static func gruBackwardBeforeGates(batch: Int, hidden: Int, cache: UnsafePointer<Self>, ldc: Int,
                                       previous: UnsafePointer<Self>, ldprev: Int, dNext: UnsafePointer<Self>, lddn: Int,
                                       dReset: UnsafePointer<Self>, lddreset: Int,
                                       dProjected: UnsafeMutablePointer<Self>, lddp: Int,
                                       dRecurrent: UnsafeMutablePointer<Self>, lddr: Int,
                                       dPrevious: UnsafeMutablePointer<Self>, lddprev: Int) {
        if Self.self == Float.self {
            rnn_s_gru_backward_before_gates(batch, hidden, cache.cast(), ldc, previous.cast(), ldprev, dNext.cast(), lddn, dReset.cast(), lddreset, dProjected.cast(), lddp, dRecurrent.cast(), lddr, dPrevious.cast(), lddprev)
        } else if Self.self == Double.self {
            rnn_d_gru_backward_before_gates(batch, hidden, cache.cast(), ldc, previous.cast(), ldprev, dNext.cast(), lddn, dReset.cast(), lddreset, dProjected.cast(), lddp, dRecurrent.cast(), lddr, dPrevious.cast(), lddprev)
        } else {
            portableGRUBackwardBeforeGates(batch: batch, hidden: hidden, cache: cache, ldc: ldc, previous: previous, ldprev: ldprev,
                                           dNext: dNext, lddn: lddn, dReset: dReset, lddreset: lddreset,
                                           dProjected: dProjected, lddp: lddp, dRecurrent: dRecurrent, lddr: lddr,
                                           dPrevious: dPrevious, lddprev: lddprev)
        }
    }

    // MARK: The Swift reference

    /// GRU, reset after: `hiddenProducts (B, 3H)` = acc of h_{t−1}·W_hhᵀ, `bias` = b_hh (3H). Writes the
    /// cache rows `[r, z, n, W_hn·h + b_hn]` and `next = (1 − z) ⊙ n + z ⊙ h_{t−1}`.
    @inlinable
    static func portableGRUForwardAfter(batch: Int, hidden h: Int, projected: UnsafePointer<Self>, ldp: Int,
                                        hiddenProducts: UnsafePointer<Self>, ldh: Int, bias: UnsafePointer<Self>,
                                        previous: UnsafePointer<Self>, ldprev: Int,
                                        cache: UnsafeMutablePointer<Self>, ldc: Int,
                                        next: UnsafeMutablePointer<Self>, ldn: Int) {
        for b in 0..<batch {
            let p = projected + b * ldp, q = hiddenProducts + b * ldh, c = cache + b * ldc
            let hPrev = previous + b * ldprev, hNext = next + b * ldn
            for j in 0..<h {
                let qn = q[2 * h + j] + bias[2 * h + j]
                let r = sigmoid(p[j] + (q[j] + bias[j]))
                let z = sigmoid(p[h + j] + (q[h + j] + bias[h + j]))
                let n = tanh(p[2 * h + j] + r * qn)
                c[j] = r; c[h + j] = z; c[2 * h + j] = n; c[3 * h + j] = qn
                hNext[j] = (1 - z) * n + z * hPrev[j]
            }
        }
    }

    /// GRU, reset after: `dProjected = [dr, dz, dn]`, `dRecurrent = [dr, dz, dn ⊙ r]` (pre-activation
    /// gradients), `dPrevious = dh ⊙ z` (the caller adds the matrix part).
    @inlinable
    static func portableGRUBackwardAfter(batch: Int, hidden h: Int, cache: UnsafePointer<Self>, ldc: Int,
                                         previous: UnsafePointer<Self>, ldprev: Int,
                                         dNext: UnsafePointer<Self>, lddn: Int,
                                         dProjected: UnsafeMutablePointer<Self>, lddp: Int,
                                         dRecurrent: UnsafeMutablePointer<Self>, lddr: Int,
                                         dPrevious: UnsafeMutablePointer<Self>, lddprev: Int) {
        for b in 0..<batch {
            let c = cache + b * ldc, hPrev = previous + b * ldprev, dh = dNext + b * lddn
            let dp = dProjected + b * lddp, dq = dRecurrent + b * lddr, dhPrev = dPrevious + b * lddprev
            for j in 0..<h {
                let r = c[j], z = c[h + j], n = c[2 * h + j], hn = c[3 * h + j]
                let dnPre = dh[j] * (1 - z) * (1 - n * n)
                let dzPre = dh[j] * (hPrev[j] - n) * z * (1 - z)
                let drPre = dnPre * hn * r * (1 - r)
                dp[j] = drPre; dp[h + j] = dzPre; dp[2 * h + j] = dnPre
                dq[j] = drPre; dq[h + j] = dzPre; dq[2 * h + j] = dnPre * r
                dhPrev[j] = dh[j] * z
            }
        }
    }

    /// GRU, reset before, first half: r and z from `hiddenProducts[:, 0..<2H]` (acc); writes the cache's
    /// r, z and `r ⊙ h_{t−1}` (at 3H).
    @inlinable
    static func portableGRUForwardBeforeGates(batch: Int, hidden h: Int, projected: UnsafePointer<Self>, ldp: Int,
                                              hiddenProducts: UnsafePointer<Self>, ldh: Int, bias: UnsafePointer<Self>,
                                              previous: UnsafePointer<Self>, ldprev: Int,
                                              cache: UnsafeMutablePointer<Self>, ldc: Int) {
        for b in 0..<batch {
            let p = projected + b * ldp, q = hiddenProducts + b * ldh, c = cache + b * ldc, hPrev = previous + b * ldprev
            for j in 0..<h {
                let r = sigmoid(p[j] + (q[j] + bias[j]))
                c[j] = r
                c[h + j] = sigmoid(p[h + j] + (q[h + j] + bias[h + j]))
                c[3 * h + j] = r * hPrev[j]
            }
        }
    }

    /// GRU, reset before, second half: n from `hiddenProducts[:, 2H..<3H]` (acc of (r ⊙ h)·W_hnᵀ); writes
    /// the cache's n (at 2H) and `next = (1 − z) ⊙ n + z ⊙ h_{t−1}`.
    @inlinable
    static func portableGRUForwardBeforeState(batch: Int, hidden h: Int, projected: UnsafePointer<Self>, ldp: Int,
                                              hiddenProducts: UnsafePointer<Self>, ldh: Int, bias: UnsafePointer<Self>,
                                              previous: UnsafePointer<Self>, ldprev: Int,
                                              cache: UnsafeMutablePointer<Self>, ldc: Int,
                                              next: UnsafeMutablePointer<Self>, ldn: Int) {
        for b in 0..<batch {
            let p = projected + b * ldp, q = hiddenProducts + b * ldh, c = cache + b * ldc
            let hPrev = previous + b * ldprev, hNext = next + b * ldn
            for j in 0..<h {
                let z = c[h + j]
                let n = tanh(p[2 * h + j] + (q[2 * h + j] + bias[2 * h + j]))
                c[2 * h + j] = n
                hNext[j] = (1 - z) * n + z * hPrev[j]
            }
        }
    }

    /// GRU, reset before: the dz and dn pre-activation gradients into `dProjected` and `dRecurrent`.
    @inlinable
    static func portableGRUBackwardBeforeState(batch: Int, hidden h: Int, cache: UnsafePointer<Self>, ldc: Int,
                                               previous: UnsafePointer<Self>, ldprev: Int,
                                               dNext: UnsafePointer<Self>, lddn: Int,
                                               dProjected: UnsafeMutablePointer<Self>, lddp: Int,
                                               dRecurrent: UnsafeMutablePointer<Self>, lddr: Int) {
        for b in 0..<batch {
            let c = cache + b * ldc, hPrev = previous + b * ldprev, dh = dNext + b * lddn
            let dp = dProjected + b * lddp, dq = dRecurrent + b * lddr
            for j in 0..<h {
                let z = c[h + j], n = c[2 * h + j]
                let dnPre = dh[j] * (1 - z) * (1 - n * n)
                dp[2 * h + j] = dnPre; dq[2 * h + j] = dnPre
                let dzPre = dh[j] * (hPrev[j] - n) * z * (1 - z)
                dp[h + j] = dzPre; dq[h + j] = dzPre
            }
        }
    }

    /// GRU, reset before: dr from `dReset` = ∂L/∂(r ⊙ h_{t−1}); `dPrevious = dh ⊙ z + dReset ⊙ r`
    /// (the caller adds the matrix part).
    @inlinable
    static func portableGRUBackwardBeforeGates(batch: Int, hidden h: Int, cache: UnsafePointer<Self>, ldc: Int,
                                               previous: UnsafePointer<Self>, ldprev: Int,
                                               dNext: UnsafePointer<Self>, lddn: Int,
                                               dReset: UnsafePointer<Self>, lddreset: Int,
                                               dProjected: UnsafeMutablePointer<Self>, lddp: Int,
                                               dRecurrent: UnsafeMutablePointer<Self>, lddr: Int,
                                               dPrevious: UnsafeMutablePointer<Self>, lddprev: Int) {
        for b in 0..<batch {
            let c = cache + b * ldc, hPrev = previous + b * ldprev, dh = dNext + b * lddn
            let dp = dProjected + b * lddp, dq = dRecurrent + b * lddr, drh = dReset + b * lddreset
            let dhPrev = dPrevious + b * lddprev
            for j in 0..<h {
                let r = c[j], z = c[h + j]
                let drPre = drh[j] * hPrev[j] * r * (1 - r)
                dp[j] = drPre; dq[j] = drPre
                dhPrev[j] = dh[j] * z + drh[j] * r
            }
        }
    }
}
