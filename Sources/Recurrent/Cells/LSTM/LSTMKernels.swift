import CRecurrentKernels

// The LSTM cell's per-step elementwise kernels. Each `…Forward`/`…Backward` below runs the C kernel
// of CRecurrentKernels for Float and Double (the type test is resolved when the generic code is specialized),
// and the plain Swift loop of the same name with `portable` for any other scalar type; GateKernelTests compares
// the two paths. Internal: the cell is the public face.
//
// Conventions: `ld…` is the row pitch (in elements) of the matrix named before it; `batch` rows are processed;
// rows never interact. "acc" inputs are recurrent matrix products computed with β = 0, so a pre-activation is
// `acc + (projected + bias)`: bit for bit what accumulating the product onto `projected + bias` with β = 1 gives.

extension RecurrentScalar {
    /// Runs `rnn_s_lstm_forward` (Float) or `rnn_d_lstm_forward` (Double), the C kernels at the level of
    /// `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C); any other scalar type runs ``portableLSTMForward``.
    @inlinable
    static func lstmForward(batch: Int, hidden: Int, projected: UnsafePointer<Self>, ldp: Int, bias: UnsafePointer<Self>,
                            gates: UnsafeMutablePointer<Self>, ldg: Int, previous: UnsafePointer<Self>, ldprev: Int,
                            next: UnsafeMutablePointer<Self>, ldn: Int) {
        if Self.self == Float.self {
            rnn_s_lstm_forward(batch, hidden, projected.cast(), ldp, bias.cast(), gates.cast(), ldg, previous.cast(), ldprev, next.cast(), ldn)
        } else if Self.self == Double.self {
            rnn_d_lstm_forward(batch, hidden, projected.cast(), ldp, bias.cast(), gates.cast(), ldg, previous.cast(), ldprev, next.cast(), ldn)
        } else {
            portableLSTMForward(batch: batch, hidden: hidden, projected: projected, ldp: ldp, bias: bias, gates: gates, ldg: ldg,
                                previous: previous, ldprev: ldprev, next: next, ldn: ldn)
        }
    }

    /// Runs `rnn_s_lstm_backward` (Float) or `rnn_d_lstm_backward` (Double), the C kernels at the level of
    /// `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C); any other scalar type runs ``portableLSTMBackward``.
    @inlinable
    static func lstmBackward(batch: Int, hidden: Int, gates: UnsafePointer<Self>, ldg: Int,
                             previous: UnsafePointer<Self>, ldprev: Int, dNext: UnsafePointer<Self>, lddn: Int,
                             dGates: UnsafeMutablePointer<Self>, lddg: Int, dPrevious: UnsafeMutablePointer<Self>, lddprev: Int) {
        if Self.self == Float.self {
            rnn_s_lstm_backward(batch, hidden, gates.cast(), ldg, previous.cast(), ldprev, dNext.cast(), lddn, dGates.cast(), lddg, dPrevious.cast(), lddprev)
        } else if Self.self == Double.self {
            rnn_d_lstm_backward(batch, hidden, gates.cast(), ldg, previous.cast(), ldprev, dNext.cast(), lddn, dGates.cast(), lddg, dPrevious.cast(), lddprev)
        } else {
            portableLSTMBackward(batch: batch, hidden: hidden, gates: gates, ldg: ldg, previous: previous, ldprev: ldprev,
                                 dNext: dNext, lddn: lddn, dGates: dGates, lddg: lddg, dPrevious: dPrevious, lddprev: lddprev)
        }
    }

    // MARK: The Swift reference

    /// LSTM: `gates` rows (pitch ≥ 5H) hold acc = h_{t−1}·W_hhᵀ (4H, order i, f, g, o) on entry and
    /// i, f, g, o, tanh(c_t) on exit; `previous` and `next` rows are `[h, c]`:
    /// `c_t = f ⊙ c_{t−1} + i ⊙ g`, `h_t = o ⊙ tanh(c_t)`.
    @inlinable
    static func portableLSTMForward(batch: Int, hidden h: Int, projected: UnsafePointer<Self>, ldp: Int,
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
    static func portableLSTMBackward(batch: Int, hidden h: Int, gates: UnsafePointer<Self>, ldg: Int,
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
}
