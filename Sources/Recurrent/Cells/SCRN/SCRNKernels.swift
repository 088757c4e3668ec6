import CRecurrentKernels

// The SCRN cell's per-step elementwise kernels. Each `…Forward`/`…Backward` below runs the C kernel
// of CRecurrentKernels for Float and Double (the type test is resolved when the generic code is specialized),
// and the plain Swift loop of the same name with `portable` for any other scalar type; GateKernelTests compares
// the two paths. Internal: the cell is the public face.
//
// Conventions: `ld…` is the row pitch (in elements) of the matrix named before it; `batch` rows are processed;
// rows never interact. "acc" inputs are recurrent matrix products computed with β = 0, so a pre-activation is
// `acc + (projected + bias)`: bit for bit what accumulating the product onto `projected + bias` with β = 1 gives.

extension RecurrentScalar {
    /// Runs `rnn_s_scrn_forward_context` (Float) or `rnn_d_scrn_forward_context` (Double), the C kernels at the level of
    /// `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C); any other scalar type runs ``portableSCRNForwardContext``.
    @inlinable
    static func scrnForwardContext(batch: Int, hidden: Int, context: Int, alpha: Self, projected: UnsafePointer<Self>, ldp: Int,
                                   previous: UnsafePointer<Self>, ldprev: Int, next: UnsafeMutablePointer<Self>, ldn: Int,
                                   cache: UnsafeMutablePointer<Self>, ldc: Int) {
        if Self.self == Float.self {
            rnn_s_scrn_forward_context(batch, hidden, context, Float(alpha), projected.cast(), ldp, previous.cast(), ldprev, next.cast(), ldn, cache.cast(), ldc)
        } else if Self.self == Double.self {
            rnn_d_scrn_forward_context(batch, hidden, context, Double(alpha), projected.cast(), ldp, previous.cast(), ldprev, next.cast(), ldn, cache.cast(), ldc)
        } else {
            portableSCRNForwardContext(batch: batch, hidden: hidden, context: context, alpha: alpha, projected: projected, ldp: ldp,
                                       previous: previous, ldprev: ldprev, next: next, ldn: ldn, cache: cache, ldc: ldc)
        }
    }

    /// Runs `rnn_s_scrn_backward_hidden` (Float) or `rnn_d_scrn_backward_hidden` (Double), the C kernels at the level of
    /// `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C); any other scalar type runs ``portableSCRNBackwardHidden``.
    @inlinable
    static func scrnBackwardHidden(batch: Int, hidden: Int, context: Int, dNext: UnsafePointer<Self>, lddn: Int,
                                   next: UnsafePointer<Self>, ldn: Int, dRecurrent: UnsafeMutablePointer<Self>, lddr: Int) {
        if Self.self == Float.self {
            rnn_s_scrn_backward_hidden(batch, hidden, context, dNext.cast(), lddn, next.cast(), ldn, dRecurrent.cast(), lddr)
        } else if Self.self == Double.self {
            rnn_d_scrn_backward_hidden(batch, hidden, context, dNext.cast(), lddn, next.cast(), ldn, dRecurrent.cast(), lddr)
        } else {
            portableSCRNBackwardHidden(batch: batch, hidden: hidden, context: context, dNext: dNext, lddn: lddn, next: next, ldn: ldn,
                                       dRecurrent: dRecurrent, lddr: lddr)
        }
    }

    /// Runs `rnn_s_scrn_backward_context` (Float) or `rnn_d_scrn_backward_context` (Double), the C kernels at the level of
    /// `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C); any other scalar type runs ``portableSCRNBackwardContext``.
    @inlinable
    static func scrnBackwardContext(batch: Int, hidden: Int, context: Int, alpha: Self, dRecurrent: UnsafePointer<Self>, lddr: Int,
                                    dProjected: UnsafeMutablePointer<Self>, lddp: Int,
                                    dPrevious: UnsafeMutablePointer<Self>, lddprev: Int) {
        if Self.self == Float.self {
            rnn_s_scrn_backward_context(batch, hidden, context, Float(alpha), dRecurrent.cast(), lddr, dProjected.cast(), lddp, dPrevious.cast(), lddprev)
        } else if Self.self == Double.self {
            rnn_d_scrn_backward_context(batch, hidden, context, Double(alpha), dRecurrent.cast(), lddr, dProjected.cast(), lddp, dPrevious.cast(), lddprev)
        } else {
            portableSCRNBackwardContext(batch: batch, hidden: hidden, context: context, alpha: alpha, dRecurrent: dRecurrent,
                                        lddr: lddr, dProjected: dProjected, lddp: lddp, dPrevious: dPrevious, lddprev: lddprev)
        }
    }

    // MARK: The Swift reference

    /// SCRN: `next[:, H...] = (1 − α)·projected_s + α·s_{t−1}`, `cache (C) = s_{t−1} − projected_s`, and
    /// `next[:, 0..<H] = projected_h` (the hidden pre-activation before the matrix products).
    @inlinable
    static func portableSCRNForwardContext(batch: Int, hidden h: Int, context cw: Int, alpha: Self,
                                           projected: UnsafePointer<Self>, ldp: Int,
                                           previous: UnsafePointer<Self>, ldprev: Int,
                                           next: UnsafeMutablePointer<Self>, ldn: Int,
                                           cache: UnsafeMutablePointer<Self>, ldc: Int) {
        for b in 0..<batch {
            let p = projected + b * ldp, prev = previous + b * ldprev, nxt = next + b * ldn, cached = cache + b * ldc
            for j in 0..<cw {
                let ps = p[h + j], sPrev = prev[h + j]
                nxt[h + j] = (1 - alpha) * ps + alpha * sPrev
                cached[j] = sPrev - ps
            }
            for j in 0..<h { nxt[j] = p[j] }
        }
    }

    /// SCRN: `dRecurrent[:, 0..<H] = dh ⊙ h(1 − h)` (h = σ(·) from `next`), `dRecurrent[:, H...] = ds`.
    @inlinable
    static func portableSCRNBackwardHidden(batch: Int, hidden h: Int, context cw: Int,
                                           dNext: UnsafePointer<Self>, lddn: Int, next: UnsafePointer<Self>, ldn: Int,
                                           dRecurrent: UnsafeMutablePointer<Self>, lddr: Int) {
        for b in 0..<batch {
            let dn = dNext + b * lddn, nxt = next + b * ldn, dq = dRecurrent + b * lddr
            for j in 0..<h { dq[j] = dn[j] * nxt[j] * (1 - nxt[j]) }
            for j in 0..<cw { dq[h + j] = dn[h + j] }
        }
    }

    /// SCRN: `dProjected = [dA, (1 − α)·ds]` and `dPrevious[:, H...] = α·ds` from `dRecurrent = [dA, ds]`.
    @inlinable
    static func portableSCRNBackwardContext(batch: Int, hidden h: Int, context cw: Int, alpha: Self,
                                            dRecurrent: UnsafePointer<Self>, lddr: Int,
                                            dProjected: UnsafeMutablePointer<Self>, lddp: Int,
                                            dPrevious: UnsafeMutablePointer<Self>, lddprev: Int) {
        for b in 0..<batch {
            let dq = dRecurrent + b * lddr, dp = dProjected + b * lddp, dPrev = dPrevious + b * lddprev
            for j in 0..<h { dp[j] = dq[j] }
            for j in 0..<cw {
                dp[h + j] = (1 - alpha) * dq[h + j]
                dPrev[h + j] = alpha * dq[h + j]
            }
        }
    }
}
