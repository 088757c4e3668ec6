// The per-step elementwise work of the cells, as plain Swift loops over strided rows.
//
// These are the reference implementations: the cells call the `RecurrentScalar` requirements
// of the same names (without `portable`), which default to these functions and which `Float`
// and `Double` route to the vectorized C kernels (CRecurrentKernels, activations*.c). The tests
// compare the two paths in Float and Double (GateKernelTests).
//
// Conventions: `ld…` is the row pitch (in elements) of the matrix named before it; `batch` rows
// are processed; rows never interact. "acc" inputs are recurrent matrix products computed with
// β = 0, so a pre-activation is `acc + (projected + bias)`: bit for bit what accumulating the
// product onto `projected + bias` with β = 1 gives.

extension RecurrentScalar {
    /// `y[i] = eˣ⁽ⁱ⁾` with the scalar ``RecurrentScalar/exp(_:)``.
    @inlinable
    public static func portableVectorExp(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<Swift.max(count, 0) { y[i] = exp(x[i]) }
    }

    /// `y[i] = σ(x[i])` with the scalar ``RecurrentScalar/sigmoid(_:)``.
    @inlinable
    public static func portableVectorSigmoid(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<Swift.max(count, 0) { y[i] = sigmoid(x[i]) }
    }

    /// `y[i] = tanh(x[i])` with the scalar ``RecurrentScalar/tanh(_:)``.
    @inlinable
    public static func portableVectorTanh(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<Swift.max(count, 0) { y[i] = tanh(x[i]) }
    }

    /// SRNN: `next (B, H) = f(acc + (projected + bias))` with f = ReLU or tanh; `next` holds
    /// acc = h_{t−1}·W_hhᵀ on entry.
    @inlinable
    public static func portableSRNNForward(relu: Bool, batch: Int, hidden h: Int, projected: UnsafePointer<Self>, ldp: Int,
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
    public static func portableSRNNBackward(relu: Bool, batch: Int, hidden h: Int, dNext: UnsafePointer<Self>, lddn: Int,
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

    /// LSTM: `gates` rows (pitch ≥ 5H) hold acc = h_{t−1}·W_hhᵀ (4H, order i, f, g, o) on entry and
    /// i, f, g, o, tanh(c_t) on exit; `previous` and `next` rows are `[h, c]`:
    /// `c_t = f ⊙ c_{t−1} + i ⊙ g`, `h_t = o ⊙ tanh(c_t)`.
    @inlinable
    public static func portableLSTMForward(batch: Int, hidden h: Int, projected: UnsafePointer<Self>, ldp: Int,
                                           bias: UnsafePointer<Self>, gates: UnsafeMutablePointer<Self>, ldg: Int,
                                           previous: UnsafePointer<Self>, ldprev: Int,
                                           next: UnsafeMutablePointer<Self>, ldn: Int) {
        for b in 0..<batch {
            let gate = gates + b * ldg, p = projected + b * ldp
            let cPrev = previous + b * ldprev + h
            let hNext = next + b * ldn, cNext = hNext + h
            for j in 0..<h {
                let i = sigmoid(gate[j] + (p[j] + bias[j]))
                let f = sigmoid(gate[h + j] + (p[h + j] + bias[h + j]))
                let g = tanh(gate[2 * h + j] + (p[2 * h + j] + bias[2 * h + j]))
                let o = sigmoid(gate[3 * h + j] + (p[3 * h + j] + bias[3 * h + j]))
                let c = f * cPrev[j] + i * g
                let tc = tanh(c)
                gate[j] = i; gate[h + j] = f; gate[2 * h + j] = g; gate[3 * h + j] = o; gate[4 * h + j] = tc
                cNext[j] = c
                hNext[j] = o * tc
            }
        }
    }

    /// LSTM: `dGates (B, 4H)` = ∂L/∂pre-activations from the cached activations; writes only the `c`
    /// half of `dPrevious` (∂L/∂c_{t−1}); `dNext` rows are `[dh, dc]`.
    @inlinable
    public static func portableLSTMBackward(batch: Int, hidden h: Int, gates: UnsafePointer<Self>, ldg: Int,
                                            previous: UnsafePointer<Self>, ldprev: Int, dNext: UnsafePointer<Self>, lddn: Int,
                                            dGates: UnsafeMutablePointer<Self>, lddg: Int,
                                            dPrevious: UnsafeMutablePointer<Self>, lddprev: Int) {
        for b in 0..<batch {
            let gate = gates + b * ldg
            let cPrev = previous + b * ldprev + h
            let dh = dNext + b * lddn, dcIn = dh + h
            let dGate = dGates + b * lddg
            let dcPrev = dPrevious + b * lddprev + h
            for j in 0..<h {
                let i = gate[j], f = gate[h + j], g = gate[2 * h + j], o = gate[3 * h + j], tc = gate[4 * h + j]
                let dc = dcIn[j] + dh[j] * o * (1 - tc * tc)
                dGate[j] = dc * g * i * (1 - i)
                dGate[h + j] = dc * cPrev[j] * f * (1 - f)
                dGate[2 * h + j] = dc * i * (1 - g * g)
                dGate[3 * h + j] = dh[j] * tc * o * (1 - o)
                dcPrev[j] = dc * f
            }
        }
    }

    /// GRU, reset after: `hiddenProducts (B, 3H)` = acc of h_{t−1}·W_hhᵀ, `bias` = b_hh (3H). Writes the
    /// cache rows `[r, z, n, W_hn·h + b_hn]` and `next = (1 − z) ⊙ n + z ⊙ h_{t−1}`.
    @inlinable
    public static func portableGRUForwardAfter(batch: Int, hidden h: Int, projected: UnsafePointer<Self>, ldp: Int,
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
    public static func portableGRUBackwardAfter(batch: Int, hidden h: Int, cache: UnsafePointer<Self>, ldc: Int,
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
    public static func portableGRUForwardBeforeGates(batch: Int, hidden h: Int, projected: UnsafePointer<Self>, ldp: Int,
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
    public static func portableGRUForwardBeforeState(batch: Int, hidden h: Int, projected: UnsafePointer<Self>, ldp: Int,
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
    public static func portableGRUBackwardBeforeState(batch: Int, hidden h: Int, cache: UnsafePointer<Self>, ldc: Int,
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
    public static func portableGRUBackwardBeforeGates(batch: Int, hidden h: Int, cache: UnsafePointer<Self>, ldc: Int,
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

    /// SCRN: `next[:, H...] = (1 − α)·projected_s + α·s_{t−1}`, `cache (C) = s_{t−1} − projected_s`, and
    /// `next[:, 0..<H] = projected_h` (the hidden pre-activation before the matrix products).
    @inlinable
    public static func portableSCRNForwardContext(batch: Int, hidden h: Int, context cw: Int, alpha: Self,
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
    public static func portableSCRNBackwardHidden(batch: Int, hidden h: Int, context cw: Int,
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
    public static func portableSCRNBackwardContext(batch: Int, hidden h: Int, context cw: Int, alpha: Self,
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

    /// `sums[j] += Σ_r m[r, j]` over `rows` rows of pitch `ld`, adding row 0 first: the gradient of a bias
    /// broadcast over rows.
    @inlinable
    public static func portableAddColumnSums(_ m: UnsafePointer<Self>, ld: Int, rows: Int, width: Int,
                                             into sums: UnsafeMutablePointer<Self>) {
        for r in 0..<rows {
            let row = m + r * ld
            for j in 0..<width { sums[j] += row[j] }
        }
    }
}

// MARK: - Default requirements: the portable loops

extension RecurrentScalar {
    /// Default implementation: the plain Swift loop `portableVectorExp` (same arguments).
    @inlinable
    public static func vectorExp(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int) {
        portableVectorExp(x, into: y, count: count)
    }
    /// Default implementation: the plain Swift loop `portableVectorSigmoid` (same arguments).
    @inlinable
    public static func vectorSigmoid(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int) {
        portableVectorSigmoid(x, into: y, count: count)
    }
    /// Default implementation: the plain Swift loop `portableVectorTanh` (same arguments).
    @inlinable
    public static func vectorTanh(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int) {
        portableVectorTanh(x, into: y, count: count)
    }
    /// Default implementation: the plain Swift loop `portableSRNNForward` (same arguments).
    @inlinable
    public static func srnnForward(relu: Bool, batch: Int, hidden: Int, projected: UnsafePointer<Self>, ldp: Int,
                                   bias: UnsafePointer<Self>, next: UnsafeMutablePointer<Self>, ldn: Int) {
        portableSRNNForward(relu: relu, batch: batch, hidden: hidden, projected: projected, ldp: ldp, bias: bias,
                            next: next, ldn: ldn)
    }
    /// Default implementation: the plain Swift loop `portableSRNNBackward` (same arguments).
    @inlinable
    public static func srnnBackward(relu: Bool, batch: Int, hidden: Int, dNext: UnsafePointer<Self>, lddn: Int,
                                    next: UnsafePointer<Self>, ldn: Int, dProjected: UnsafeMutablePointer<Self>, lddp: Int) {
        portableSRNNBackward(relu: relu, batch: batch, hidden: hidden, dNext: dNext, lddn: lddn, next: next, ldn: ldn,
                             dProjected: dProjected, lddp: lddp)
    }
    /// Default implementation: the plain Swift loop `portableLSTMForward` (same arguments).
    @inlinable
    public static func lstmForward(batch: Int, hidden: Int, projected: UnsafePointer<Self>, ldp: Int, bias: UnsafePointer<Self>,
                                   gates: UnsafeMutablePointer<Self>, ldg: Int, previous: UnsafePointer<Self>, ldprev: Int,
                                   next: UnsafeMutablePointer<Self>, ldn: Int) {
        portableLSTMForward(batch: batch, hidden: hidden, projected: projected, ldp: ldp, bias: bias, gates: gates, ldg: ldg,
                            previous: previous, ldprev: ldprev, next: next, ldn: ldn)
    }
    /// Default implementation: the plain Swift loop `portableLSTMBackward` (same arguments).
    @inlinable
    public static func lstmBackward(batch: Int, hidden: Int, gates: UnsafePointer<Self>, ldg: Int,
                                    previous: UnsafePointer<Self>, ldprev: Int, dNext: UnsafePointer<Self>, lddn: Int,
                                    dGates: UnsafeMutablePointer<Self>, lddg: Int, dPrevious: UnsafeMutablePointer<Self>, lddprev: Int) {
        portableLSTMBackward(batch: batch, hidden: hidden, gates: gates, ldg: ldg, previous: previous, ldprev: ldprev,
                             dNext: dNext, lddn: lddn, dGates: dGates, lddg: lddg, dPrevious: dPrevious, lddprev: lddprev)
    }
    /// Default implementation: the plain Swift loop `portableGRUForwardAfter` (same arguments).
    @inlinable
    public static func gruForwardAfter(batch: Int, hidden: Int, projected: UnsafePointer<Self>, ldp: Int,
                                       hiddenProducts: UnsafePointer<Self>, ldh: Int, bias: UnsafePointer<Self>,
                                       previous: UnsafePointer<Self>, ldprev: Int, cache: UnsafeMutablePointer<Self>, ldc: Int,
                                       next: UnsafeMutablePointer<Self>, ldn: Int) {
        portableGRUForwardAfter(batch: batch, hidden: hidden, projected: projected, ldp: ldp, hiddenProducts: hiddenProducts,
                                ldh: ldh, bias: bias, previous: previous, ldprev: ldprev, cache: cache, ldc: ldc,
                                next: next, ldn: ldn)
    }
    /// Default implementation: the plain Swift loop `portableGRUBackwardAfter` (same arguments).
    @inlinable
    public static func gruBackwardAfter(batch: Int, hidden: Int, cache: UnsafePointer<Self>, ldc: Int,
                                        previous: UnsafePointer<Self>, ldprev: Int, dNext: UnsafePointer<Self>, lddn: Int,
                                        dProjected: UnsafeMutablePointer<Self>, lddp: Int,
                                        dRecurrent: UnsafeMutablePointer<Self>, lddr: Int,
                                        dPrevious: UnsafeMutablePointer<Self>, lddprev: Int) {
        portableGRUBackwardAfter(batch: batch, hidden: hidden, cache: cache, ldc: ldc, previous: previous, ldprev: ldprev,
                                 dNext: dNext, lddn: lddn, dProjected: dProjected, lddp: lddp, dRecurrent: dRecurrent,
                                 lddr: lddr, dPrevious: dPrevious, lddprev: lddprev)
    }
    /// Default implementation: the plain Swift loop `portableGRUForwardBeforeGates` (same arguments).
    @inlinable
    public static func gruForwardBeforeGates(batch: Int, hidden: Int, projected: UnsafePointer<Self>, ldp: Int,
                                             hiddenProducts: UnsafePointer<Self>, ldh: Int, bias: UnsafePointer<Self>,
                                             previous: UnsafePointer<Self>, ldprev: Int, cache: UnsafeMutablePointer<Self>, ldc: Int) {
        portableGRUForwardBeforeGates(batch: batch, hidden: hidden, projected: projected, ldp: ldp,
                                      hiddenProducts: hiddenProducts, ldh: ldh, bias: bias, previous: previous, ldprev: ldprev,
                                      cache: cache, ldc: ldc)
    }
    /// Default implementation: the plain Swift loop `portableGRUForwardBeforeState` (same arguments).
    @inlinable
    public static func gruForwardBeforeState(batch: Int, hidden: Int, projected: UnsafePointer<Self>, ldp: Int,
                                             hiddenProducts: UnsafePointer<Self>, ldh: Int, bias: UnsafePointer<Self>,
                                             previous: UnsafePointer<Self>, ldprev: Int, cache: UnsafeMutablePointer<Self>, ldc: Int,
                                             next: UnsafeMutablePointer<Self>, ldn: Int) {
        portableGRUForwardBeforeState(batch: batch, hidden: hidden, projected: projected, ldp: ldp,
                                      hiddenProducts: hiddenProducts, ldh: ldh, bias: bias, previous: previous, ldprev: ldprev,
                                      cache: cache, ldc: ldc, next: next, ldn: ldn)
    }
    /// Default implementation: the plain Swift loop `portableGRUBackwardBeforeState` (same arguments).
    @inlinable
    public static func gruBackwardBeforeState(batch: Int, hidden: Int, cache: UnsafePointer<Self>, ldc: Int,
                                              previous: UnsafePointer<Self>, ldprev: Int, dNext: UnsafePointer<Self>, lddn: Int,
                                              dProjected: UnsafeMutablePointer<Self>, lddp: Int,
                                              dRecurrent: UnsafeMutablePointer<Self>, lddr: Int) {
        portableGRUBackwardBeforeState(batch: batch, hidden: hidden, cache: cache, ldc: ldc, previous: previous, ldprev: ldprev,
                                       dNext: dNext, lddn: lddn, dProjected: dProjected, lddp: lddp,
                                       dRecurrent: dRecurrent, lddr: lddr)
    }
    /// Default implementation: the plain Swift loop `portableGRUBackwardBeforeGates` (same arguments).
    @inlinable
    public static func gruBackwardBeforeGates(batch: Int, hidden: Int, cache: UnsafePointer<Self>, ldc: Int,
                                              previous: UnsafePointer<Self>, ldprev: Int, dNext: UnsafePointer<Self>, lddn: Int,
                                              dReset: UnsafePointer<Self>, lddreset: Int,
                                              dProjected: UnsafeMutablePointer<Self>, lddp: Int,
                                              dRecurrent: UnsafeMutablePointer<Self>, lddr: Int,
                                              dPrevious: UnsafeMutablePointer<Self>, lddprev: Int) {
        portableGRUBackwardBeforeGates(batch: batch, hidden: hidden, cache: cache, ldc: ldc, previous: previous, ldprev: ldprev,
                                       dNext: dNext, lddn: lddn, dReset: dReset, lddreset: lddreset,
                                       dProjected: dProjected, lddp: lddp, dRecurrent: dRecurrent, lddr: lddr,
                                       dPrevious: dPrevious, lddprev: lddprev)
    }
    /// Default implementation: the plain Swift loop `portableSCRNForwardContext` (same arguments).
    @inlinable
    public static func scrnForwardContext(batch: Int, hidden: Int, context: Int, alpha: Self, projected: UnsafePointer<Self>, ldp: Int,
                                          previous: UnsafePointer<Self>, ldprev: Int, next: UnsafeMutablePointer<Self>, ldn: Int,
                                          cache: UnsafeMutablePointer<Self>, ldc: Int) {
        portableSCRNForwardContext(batch: batch, hidden: hidden, context: context, alpha: alpha, projected: projected, ldp: ldp,
                                   previous: previous, ldprev: ldprev, next: next, ldn: ldn, cache: cache, ldc: ldc)
    }
    /// Default implementation: the plain Swift loop `portableSCRNBackwardHidden` (same arguments).
    @inlinable
    public static func scrnBackwardHidden(batch: Int, hidden: Int, context: Int, dNext: UnsafePointer<Self>, lddn: Int,
                                          next: UnsafePointer<Self>, ldn: Int, dRecurrent: UnsafeMutablePointer<Self>, lddr: Int) {
        portableSCRNBackwardHidden(batch: batch, hidden: hidden, context: context, dNext: dNext, lddn: lddn, next: next, ldn: ldn,
                                   dRecurrent: dRecurrent, lddr: lddr)
    }
    /// Default implementation: the plain Swift loop `portableSCRNBackwardContext` (same arguments).
    @inlinable
    public static func scrnBackwardContext(batch: Int, hidden: Int, context: Int, alpha: Self, dRecurrent: UnsafePointer<Self>, lddr: Int,
                                           dProjected: UnsafeMutablePointer<Self>, lddp: Int,
                                           dPrevious: UnsafeMutablePointer<Self>, lddprev: Int) {
        portableSCRNBackwardContext(batch: batch, hidden: hidden, context: context, alpha: alpha, dRecurrent: dRecurrent,
                                    lddr: lddr, dProjected: dProjected, lddp: lddp, dPrevious: dPrevious, lddprev: lddprev)
    }
    /// Default implementation: the plain Swift loop `portableAddColumnSums` (same arguments).
    @inlinable
    public static func addColumnSums(_ m: UnsafePointer<Self>, ld: Int, rows: Int, width: Int,
                                     into sums: UnsafeMutablePointer<Self>) {
        portableAddColumnSums(m, ld: ld, rows: rows, width: width, into: sums)
    }
}
