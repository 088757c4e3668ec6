import RecurrentInitializers

/// A cell that can run with variational recurrent dropout (Gal & Ghahramani 2016): the hidden state that
/// enters the recurrent product is multiplied by a fixed mask, one row per sequence, the same at every step
/// of the pass.
///
///     LSTM:  [i, f, g, o] = act(W_ih·x_t + b_ih + W_hh·(m ⊙ h_{t−1}) + b_hh)
///     GRU:   r, z, n from W_hh·(m ⊙ h_{t−1}) + b_hh;   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}   (unmasked carry)
///
/// `m` has entries 0 (dropped) or 1/(1 − p) (kept), drawn once per sequence by ``recurrentDropoutMask(batch:hiddenSize:probability:generator:)``.
/// The mask is part of the cell value for one pass: ``RecurrentLayer`` runs forward and backward with the
/// same cell, so the backward pass applies the mask its forward pass used. A cell with a mask keeps all rows
/// of a step together (``RecurrentCell/rowsAreIndependent`` is `false`), since the mask is indexed by row.
/// Without a mask (the default, and always at evaluation, prediction and generation) nothing changes, bit for bit.
///
/// ```swift
/// var generator = RandomGenerator(seed: 1)
/// let cell = try LSTMCell<Double>(inputSize: 3, hiddenSize: 4, seed: 2)
/// let mask: Tensor<Double> = try recurrentDropoutMask(batch: 2, hiddenSize: 4, probability: 0.25, generator: &generator)
/// let layer = RecurrentLayer(cell: try cell.applyingRecurrentMask(mask))
/// let pass = try layer.forward(Tensor(shape: [5, 2, 3], repeating: 0.5))   // B = 2, as the mask
/// ```
public protocol RecurrentDropoutCell<Scalar>: RecurrentCell {
    /// The mask (B, H) multiplying h_{t−1} where it enters the recurrent product, or `nil` (no dropout).
    var recurrentMask: Tensor<Scalar>? { get }
    /// This cell with `mask` (B, H) as its recurrent mask (`nil` removes it); the parameters are shared.
    /// - Throws: unless the mask is (B, H) with B ≥ 1, H the cell's hidden width, and finite; or when the
    ///   cell's form does not support the mask (a GRU with the reset gate before the product).
    func applyingRecurrentMask(_ mask: Tensor<Scalar>?) throws -> Self
}

/// A variational dropout mask (B, H): each entry independently 0 with probability p, else 1/(1 − p),
/// so that the masked state has the same expectation.
/// - Parameters:
///   - batch: B, one row per sequence.
///   - hiddenSize: H.
///   - probability: p in [0, 1).
///   - generator: the source of the draws (B·H uniforms, row by row).
/// - Throws: for B or H ≤ 0 or p outside [0, 1).
public func recurrentDropoutMask<Scalar: RecurrentScalar>(batch: Int, hiddenSize: Int, probability: Double,
                                                          generator: inout RandomGenerator) throws -> Tensor<Scalar> {
    let p = probability
    try requirePositive(batch, "recurrentDropoutMask batch")
    try requirePositive(hiddenSize, "recurrentDropoutMask hiddenSize")
    guard p >= 0, p < 1 else {
        throw RecurrentError.invalidArgument(what: "recurrent dropout", reason: "must be in [0, 1), got \(p)")
    }
    let keep = Scalar(1 / (1 - p))
    var values = [Scalar](repeating: 0, count: batch * hiddenSize)
    for j in values.indices where generator.nextUniform() >= p { values[j] = keep }
    return Tensor(unchecked: [batch, hiddenSize], scalars: values)
}

extension RecurrentDropoutCell {
    /// Checks a mask for a cell of hidden width `hidden`.
    func validatedMask(_ mask: Tensor<Scalar>?, hidden: Int) throws -> Tensor<Scalar>? {
        guard let mask else { return nil }
        guard mask.rank == 2, mask.shape[0] >= 1, mask.shape[1] == hidden else {
            throw RecurrentError.shapeMismatch(operation: "\(Self.self).applyingRecurrentMask".replacingGenericArguments(),
                                               expected: "(B, \(hidden))", got: shapeString(mask.shape))
        }
        try mask.requireFinite("\(Self.self).applyingRecurrentMask".replacingGenericArguments())
        return mask
    }
}

/// `out[r, j] = x[r, j] · mask[r mod B, j]` for `rows` rows of width `width` (pitches `ldo`, `ldx`): the masked
/// h_{t−1} of one step (rows = B) or of a block of steps (rows = steps·B, time-major).
@inlinable
func multiplyRowsByMask<S: RecurrentScalar>(_ out: UnsafeMutablePointer<S>, ldo: Int, _ x: UnsafePointer<S>, ldx: Int,
                                            mask: UnsafePointer<S>, batch: Int, width: Int, rows: Int) {
    for r in 0..<rows {
        let o = out + r * ldo, v = x + r * ldx, m = mask + (r % batch) * width
        for j in 0..<width { o[j] = v[j] * m[j] }
    }
}

/// `dW (m, H) += Gᵀ · (mask ⊙ h)` over `rows = steps·B` rows, h the first H columns of each state row (pitch
/// `ldh`): a recurrent weight gradient under a recurrent mask. The masked states are formed a block at a time.
@inlinable
func accumulateMaskedOuterProducts<S: RecurrentScalar>(
    _ dW: UnsafeMutablePointer<S>, ldw: Int, _ g: UnsafePointer<S>, ldg: Int, states: UnsafePointer<S>, ldh: Int,
    mask: Tensor<S>, m: Int, hidden h: Int, steps: Int, batch: Int
) {
    let rows = steps * batch
    let masked = ScalarBuffer<S>(count: rows * h, zeroed: false)   // (steps·B, H)
    mask.withPointer { multiplyRowsByMask(masked.base, ldo: h, states, ldx: ldh, mask: $0, batch: batch, width: h, rows: rows) }
    accumulateOuterProducts(dW, ldw: ldw, g, ldg: ldg, masked.base, ldx: h, m: m, n: h, rows: rows)
}
