// Keras's weight layout for SimpleRNN, LSTM and GRU, to and from the PyTorch layout the cells store.
//
// Keras computes row vectors times matrices, x·kernel + h·recurrent_kernel, so its matrices are the
// transposes of PyTorch's W·x ones: `kernel` (I, G·H) is `weight_ihᵀ` and `recurrent_kernel` (H, G·H) is
// `weight_hhᵀ`, with the gate blocks as *column* blocks. Keras has one bias per layer (a GRU with
// `reset_after=True` has two rows), where PyTorch has `bias_ih` and `bias_hh`.

// MARK: - LSTM

extension LSTMCell {
    /// A cell from the weights of a Keras `LSTM` layer: `layer.get_weights()` is `[kernel, recurrent_kernel, bias]`.
    ///
    /// | Keras | shape | here |
    /// |---|---|---|
    /// | `kernel` | (I, 4H), column blocks i, f, c, o | ``weightIH`` = `kernel`ᵀ (4H, I), row blocks i, f, g, o |
    /// | `recurrent_kernel` | (H, 4H), column blocks i, f, c, o | ``weightHH`` = `recurrent_kernel`ᵀ (4H, H) |
    /// | `bias` | (4H) | ``biasIH`` = `bias`, ``biasHH`` = 0 |
    ///
    /// Keras computes, with row vectors and its default activations (`activation="tanh"`,
    /// `recurrent_activation="sigmoid"`):
    ///
    ///     [i, f, c̃, o] = [σ, σ, tanh, σ](x·kernel + h₋·recurrent_kernel + bias)
    ///     c = f ⊙ c₋ + i ⊙ c̃
    ///     h = o ⊙ tanh(c)
    ///
    /// which is the cell's `[i, f, g, o] = [σ, σ, tanh, σ](W_ih·x + b_ih + W_hh·h₋ + b_hh)` with
    /// `W_ih = kernel`ᵀ, `W_hh = recurrent_kernel`ᵀ and `b_ih + b_hh = bias`: Keras's gate order i, f, c, o is
    /// PyTorch's i, f, g, o, so the blocks keep their places. Only the sum of the two biases matters; the Keras
    /// bias becomes `bias_ih` and `bias_hh` is zero. The state row is `[h, c]`, as Keras's states `[h, c]`.
    /// A layer built with `use_bias=False` corresponds to a zero `bias`; other activations than the defaults
    /// have no equivalent here.
    ///
    /// ```swift
    /// // Keras: kernel, recurrent_kernel, bias = layer.get_weights(); np.save each (numpy arrays).
    /// let cell = try LSTMCell(kerasKernel: NPY.read(from: "kernel.npy", as: Float.self),
    ///                         recurrentKernel: NPY.read(from: "recurrent_kernel.npy", as: Float.self),
    ///                         bias: NPY.read(from: "bias.npy", as: Float.self))
    /// ```
    ///
    /// - Parameters:
    ///   - kerasKernel: Keras's `kernel`, (I, 4H) with I, H > 0.
    ///   - recurrentKernel: Keras's `recurrent_kernel`, (H, 4H).
    ///   - bias: Keras's `bias`, (4H).
    /// - Throws: ``RecurrentError/shapeMismatch(operation:expected:got:)`` naming the Keras tensor whose shape is
    ///   wrong (`"Keras LSTM kernel"`, `"Keras LSTM recurrent_kernel"` or `"Keras LSTM bias"`).
    public init(kerasKernel: Tensor<Scalar>, recurrentKernel: Tensor<Scalar>, bias: Tensor<Scalar>) throws {
        let h = try KerasLayout.hiddenSize(ofKernel: kerasKernel, gates: 4, layer: "LSTM")
        try recurrentKernel.requireShape([h, 4 * h], "Keras LSTM recurrent_kernel")
        try bias.requireShape([4 * h], "Keras LSTM bias")
        try self.init(weightIH: KerasLayout.transposed(kerasKernel), biasIH: bias,
                      weightHH: KerasLayout.transposed(recurrentKernel), biasHH: Tensor(unchecked: [4 * h], scalars: .zero(4 * h)))
    }

    /// The cell's parameters in the layout of a Keras `LSTM(hiddenSize)` layer, for `layer.set_weights([...])`.
    ///
    /// `kernel` = ``weightIH``ᵀ (I, 4H), `recurrentKernel` = ``weightHH``ᵀ (H, 4H), and `bias` (4H) =
    /// ``biasIH`` + ``biasHH``: the two biases only ever enter the gates as their sum, so one bias carries the
    /// same function (up to the rounding of that one addition). The gate order needs no change (Keras's
    /// i, f, c, o is i, f, g, o). ``init(kerasKernel:recurrentKernel:bias:)`` of the result gives back a cell
    /// with the same outputs, and the same parameters when ``biasHH`` is zero (as in a cell read from Keras).
    public var kerasWeights: (kernel: Tensor<Scalar>, recurrentKernel: Tensor<Scalar>, bias: Tensor<Scalar>) {
        (KerasLayout.transposed(weightIH), KerasLayout.transposed(weightHH), KerasLayout.sum(biasIH, biasHH))
    }
}

// MARK: - GRU

extension GRUCell {
    /// A cell from the weights of a Keras `GRU` layer: `layer.get_weights()` is `[kernel, recurrent_kernel, bias]`.
    /// The shape of `bias` tells the two Keras variants apart and sets ``reset``.
    ///
    /// | Keras | shape | here |
    /// |---|---|---|
    /// | `kernel` | (I, 3H), column blocks z, r, h | ``weightIH`` (3H, I), row blocks r, z, n |
    /// | `recurrent_kernel` | (H, 3H), column blocks z, r, h | ``weightHH`` (3H, H), row blocks r, z, n |
    /// | `bias`, `reset_after=True` (default) | (2, 3H): input bias, recurrent bias | ``biasIH``, ``biasHH``; ``ResetPlacement/afterMatrix`` |
    /// | `bias`, `reset_after=False` | (3H): input bias | ``biasIH``, ``biasHH`` = 0; ``ResetPlacement/beforeMatrix`` |
    ///
    /// Each matrix is transposed and its first two gate blocks are swapped (z, r, h → r, z, n); the bias rows
    /// are reordered the same way. With `K` = `kernel`, `U` = `recurrent_kernel`, `b` the input bias, `b'` the
    /// recurrent bias (zero for `reset_after=False`), row vectors and Keras's default activations
    /// (`activation="tanh"`, `recurrent_activation="sigmoid"`), Keras computes
    ///
    ///     z = σ(x·K_z + b_z + h₋·U_z + b'_z)
    ///     r = σ(x·K_r + b_r + h₋·U_r + b'_r)
    ///     ĥ = tanh(x·K_h + b_h + r ⊙ (h₋·U_h + b'_h))      reset_after=True
    ///     ĥ = tanh(x·K_h + b_h + (r ⊙ h₋)·U_h)             reset_after=False
    ///     h = z ⊙ h₋ + (1 − z) ⊙ ĥ
    ///
    /// These are the cell's equations for ``ResetPlacement/afterMatrix`` and ``ResetPlacement/beforeMatrix``
    /// with `b_hh` = b' (after) or 0 (before). Both use the same update rule: `z` weights the *old* state, in
    /// Keras as in PyTorch, so `z` is not inverted. A layer built with `use_bias=False` corresponds to a zero
    /// `bias` of the shape of its `reset_after`.
    ///
    /// ```swift
    /// let (i, h) = (3, 5)
    /// let gru = try GRUCell(kerasKernel: Tensor<Float>(shape: [i, 3 * h], repeating: 0.1),
    ///                       recurrentKernel: Tensor(shape: [h, 3 * h], repeating: 0.2),
    ///                       bias: Tensor(shape: [2, 3 * h]))   // (2, 3H): reset_after=True
    /// print(gru.reset)                                          // afterMatrix
    /// ```
    ///
    /// - Parameters:
    ///   - kerasKernel: Keras's `kernel`, (I, 3H) with I, H > 0.
    ///   - recurrentKernel: Keras's `recurrent_kernel`, (H, 3H).
    ///   - bias: Keras's `bias`: (2, 3H) for `reset_after=True`, (3H) for `reset_after=False`.
    /// - Throws: ``RecurrentError/shapeMismatch(operation:expected:got:)`` naming the Keras tensor whose shape is
    ///   wrong (`"Keras GRU kernel"`, `"Keras GRU recurrent_kernel"` or `"Keras GRU bias"`).
    public init(kerasKernel: Tensor<Scalar>, recurrentKernel: Tensor<Scalar>, bias: Tensor<Scalar>) throws {
        let h = try KerasLayout.hiddenSize(ofKernel: kerasKernel, gates: 3, layer: "GRU")
        try recurrentKernel.requireShape([h, 3 * h], "Keras GRU recurrent_kernel")
        let g3 = 3 * h
        let reset: ResetPlacement
        let (inputBias, recurrentBias): ([Scalar], [Scalar])
        switch bias.shape {
        case [2, g3]:
            reset = .afterMatrix
            (inputBias, recurrentBias) = (Array(bias.scalars[..<g3]), Array(bias.scalars[g3...]))
        case [g3]:
            reset = .beforeMatrix
            (inputBias, recurrentBias) = (bias.scalars, .zero(g3))
        default:
            throw RecurrentError.shapeMismatch(
                operation: "Keras GRU bias",
                expected: "(2, 3H) = (2, \(g3)) for reset_after=True, or (3H) = (\(g3)) for reset_after=False",
                got: shapeString(bias.shape))
        }
        try self.init(reset: reset,
                      weightIH: KerasLayout.swappingFirstTwoBlocks(KerasLayout.transposed(kerasKernel)),
                      biasIH: KerasLayout.swappingFirstTwoBlocks(Tensor(unchecked: [g3], scalars: inputBias)),
                      weightHH: KerasLayout.swappingFirstTwoBlocks(KerasLayout.transposed(recurrentKernel)),
                      biasHH: KerasLayout.swappingFirstTwoBlocks(Tensor(unchecked: [g3], scalars: recurrentBias)))
    }

    /// The cell's parameters in the layout of a Keras `GRU(hiddenSize, reset_after=...)` layer, for
    /// `layer.set_weights([...])`, with `reset_after=True` for ``ResetPlacement/afterMatrix`` and
    /// `reset_after=False` for ``ResetPlacement/beforeMatrix``.
    ///
    /// `kernel` (I, 3H) and `recurrentKernel` (H, 3H) are ``weightIH``ᵀ and ``weightHH``ᵀ with the gate blocks
    /// reordered from r, z, n to z, r, h. The bias:
    ///
    /// - ``ResetPlacement/afterMatrix``: (2, 3H), the rows ``biasIH`` and ``biasHH`` (reordered). Exact.
    /// - ``ResetPlacement/beforeMatrix``: (3H), ``biasIH`` + ``biasHH`` (reordered), because Keras's
    ///   `reset_after=False` has no recurrent bias. The sum is exact as a function for every gate: `b_hr` and
    ///   `b_hz` are added to the same pre-activation as `b_ir` and `b_iz`, and in this placement `b_hn` is
    ///   added *outside* the reset, `n = tanh(W_in·x + b_in + W_hn·(r ⊙ h₋) + b_hn)`, so it only ever appears
    ///   as `b_in + b_hn`. (The numbers agree up to the rounding of that one addition.) With
    ///   ``ResetPlacement/afterMatrix`` the sum would not be exact, since `b_hn` is multiplied by `r` there;
    ///   that is why Keras keeps two bias rows for `reset_after=True`.
    ///
    /// ``init(kerasKernel:recurrentKernel:bias:)`` of the result gives back a cell with the same ``reset`` and
    /// outputs, and with the same parameters whenever the bias needed no sum (after-matrix, or a zero ``biasHH``).
    public var kerasWeights: (kernel: Tensor<Scalar>, recurrentKernel: Tensor<Scalar>, bias: Tensor<Scalar>) {
        let kernel = KerasLayout.transposed(KerasLayout.swappingFirstTwoBlocks(weightIH))
        let recurrentKernel = KerasLayout.transposed(KerasLayout.swappingFirstTwoBlocks(weightHH))
        let (inputBias, recurrentBias) = (KerasLayout.swappingFirstTwoBlocks(biasIH), KerasLayout.swappingFirstTwoBlocks(biasHH))
        switch reset {
        case .afterMatrix:
            return (kernel, recurrentKernel,
                    Tensor(unchecked: [2, 3 * hiddenSize], scalars: inputBias.scalars + recurrentBias.scalars))
        case .beforeMatrix:
            return (kernel, recurrentKernel, KerasLayout.sum(inputBias, recurrentBias))
        }
    }
}

// MARK: - SimpleRNN

extension SimpleRNNCell {
    /// A cell from the weights of a Keras `SimpleRNN` layer: `layer.get_weights()` is
    /// `[kernel, recurrent_kernel, bias]`.
    ///
    /// | Keras | shape | here |
    /// |---|---|---|
    /// | `kernel` | (I, H) | ``weightIH`` = `kernel`ᵀ (H, I) |
    /// | `recurrent_kernel` | (H, H) | ``weightHH`` = `recurrent_kernel`ᵀ (H, H) |
    /// | `bias` | (H) | ``biasIH`` = `bias`, ``biasHH`` = 0 |
    ///
    /// Keras computes `h = f(x·kernel + bias + h₋·recurrent_kernel)` with row vectors, which is the cell's
    /// `h = f(W_ih·x + b_ih + W_hh·h₋ + b_hh)` with the transposed matrices and `b_ih + b_hh = bias`. The
    /// nonlinearity is not part of the weights: pass the layer's `activation`, `"tanh"` (Keras's default) or
    /// `"relu"`. A layer built with `use_bias=False` corresponds to a zero `bias`.
    ///
    /// ```swift
    /// // A ReLU cell to Keras's `SimpleRNN(4, activation="relu")` and back.
    /// let cell = try SimpleRNNCell<Double>(inputSize: 2, hiddenSize: 4, nonlinearity: .relu, seed: 1)
    /// let (kernel, recurrentKernel, bias) = cell.kerasWeights          // (2, 4), (4, 4), (4)
    /// let back = try SimpleRNNCell(kerasKernel: kernel, recurrentKernel: recurrentKernel, bias: bias,
    ///                              nonlinearity: .relu)              // same outputs as `cell`
    /// ```
    ///
    /// - Parameters:
    ///   - kerasKernel: Keras's `kernel`, (I, H) with I, H > 0.
    ///   - recurrentKernel: Keras's `recurrent_kernel`, (H, H).
    ///   - bias: Keras's `bias`, (H).
    ///   - nonlinearity: the layer's `activation`: `.tanh` (default, as Keras) or `.relu`.
    /// - Throws: ``RecurrentError/shapeMismatch(operation:expected:got:)`` naming the Keras tensor whose shape is
    ///   wrong (`"Keras SimpleRNN kernel"`, `"Keras SimpleRNN recurrent_kernel"` or `"Keras SimpleRNN bias"`).
    public init(kerasKernel: Tensor<Scalar>, recurrentKernel: Tensor<Scalar>, bias: Tensor<Scalar>,
                nonlinearity: Nonlinearity = .tanh) throws {
        let h = try KerasLayout.hiddenSize(ofKernel: kerasKernel, gates: 1, layer: "SimpleRNN")
        try recurrentKernel.requireShape([h, h], "Keras SimpleRNN recurrent_kernel")
        try bias.requireShape([h], "Keras SimpleRNN bias")
        try self.init(nonlinearity: nonlinearity, weightIH: KerasLayout.transposed(kerasKernel), biasIH: bias,
                      weightHH: KerasLayout.transposed(recurrentKernel), biasHH: Tensor(unchecked: [h], scalars: .zero(h)))
    }

    /// The cell's parameters in the layout of a Keras `SimpleRNN(hiddenSize, activation=...)` layer, for
    /// `layer.set_weights([...])`; the layer's `activation` is ``nonlinearity``'s raw value (`"tanh"` or `"relu"`).
    ///
    /// `kernel` = ``weightIH``ᵀ (I, H), `recurrentKernel` = ``weightHH``ᵀ (H, H), and `bias` (H) =
    /// ``biasIH`` + ``biasHH``, which only ever enter as their sum (exact up to the rounding of that addition).
    /// ``init(kerasKernel:recurrentKernel:bias:nonlinearity:)`` of the result gives back a cell with the same
    /// outputs, and the same parameters when ``biasHH`` is zero (as in a cell read from Keras).
    public var kerasWeights: (kernel: Tensor<Scalar>, recurrentKernel: Tensor<Scalar>, bias: Tensor<Scalar>) {
        (KerasLayout.transposed(weightIH), KerasLayout.transposed(weightHH), KerasLayout.sum(biasIH, biasHH))
    }
}

// MARK: - Helpers

/// Shape checks and block moves shared by the Keras conversions.
enum KerasLayout {
    /// H of a Keras `kernel` (I, G·H); throws unless it is a matrix with I > 0 and a positive multiple of G columns.
    static func hiddenSize<Scalar>(ofKernel kernel: Tensor<Scalar>, gates: Int, layer: String) throws -> Int {
        let columns = gates == 1 ? "H" : "\(gates)H"
        guard kernel.rank == 2, kernel.shape[0] > 0, kernel.shape[1] > 0, kernel.shape[1] % gates == 0 else {
            throw RecurrentError.shapeMismatch(operation: "Keras \(layer) kernel", expected: "(I, \(columns)) with I, H > 0",
                                               got: shapeString(kernel.shape))
        }
        return kernel.shape[1] / gates
    }

    /// The transpose of a matrix (the callers only pass matrices).
    static func transposed<Scalar>(_ matrix: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(matrix.rank == 2, "KerasLayout.transposed: \(shapeString(matrix.shape)) is not a matrix")
        let (rows, columns) = (matrix.shape[0], matrix.shape[1])
        var result = [Scalar](repeating: 0, count: matrix.count)
        matrix.withUnsafeBufferPointer { source in
            for i in 0..<rows { for j in 0..<columns { result[j * rows + i] = source[i * columns + j] } }
        }
        return Tensor(unchecked: [columns, rows], scalars: result)
    }

    /// Swaps the first two of the three equal blocks along the first axis: r, z, n ↔ z, r, h. Its own inverse.
    static func swappingFirstTwoBlocks<Scalar>(_ tensor: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(tensor.rank >= 1 && tensor.shape[0] % 3 == 0, "KerasLayout: \(shapeString(tensor.shape)) has no 3 gate blocks")
        let block = tensor.count / 3
        let s = tensor.scalars
        return Tensor(unchecked: tensor.shape, scalars: Array(s[block..<2 * block] + s[..<block] + s[(2 * block)...]))
    }

    /// The elementwise sum of two tensors of the same shape.
    static func sum<Scalar>(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(a.shape == b.shape, "KerasLayout.sum: \(shapeString(a.shape)) and \(shapeString(b.shape))")
        return Tensor(unchecked: a.shape, scalars: zip(a.scalars, b.scalars).map { $0 + $1 })
    }
}

extension Array where Element: RecurrentScalar {
    /// `count` zeros.
    fileprivate static func zero(_ count: Int) -> [Element] { [Element](repeating: 0, count: count) }
}
