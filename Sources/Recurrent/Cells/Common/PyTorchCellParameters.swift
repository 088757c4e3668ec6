import RecurrentInitializers

/// The four tensors of PyTorch's recurrent layers (`nn.RNN`, `nn.LSTM`, `nn.GRU`) for a cell with G gate blocks:
/// `weight_ih` (G·H, I), `bias_ih` (G·H), `weight_hh` (G·H, H), `bias_hh` (G·H). The parameters of
/// ``SimpleRNNCell`` (G = 1), ``GRUCell`` (G = 3) and ``LSTMCell`` (G = 4), and their gradients.
public struct PyTorchCellParameters<Scalar: RecurrentScalar>: CellParameters {
    /// W_ih (G·H, I)
    public var weightIH: Tensor<Scalar>
    /// b_ih (G·H)
    public var biasIH: Tensor<Scalar>
    /// W_hh (G·H, H), the recurrent matrix.
    public var weightHH: Tensor<Scalar>
    /// b_hh (G·H)
    public var biasHH: Tensor<Scalar>

    /// The four tensors, unchecked (each cell checks their shapes for its number of gate blocks).
    @inlinable
    public init(weightIH: Tensor<Scalar>, biasIH: Tensor<Scalar>, weightHH: Tensor<Scalar>, biasHH: Tensor<Scalar>) {
        self.weightIH = weightIH
        self.biasIH = biasIH
        self.weightHH = weightHH
        self.biasHH = biasHH
    }

    /// `weight_ih`, `bias_ih`, `weight_hh`, `bias_hh`: PyTorch's order and names.
    public var fields: [(name: String, keyPath: WritableKeyPath<Self, Tensor<Scalar>>)] {
        [("weight_ih", \.weightIH), ("bias_ih", \.biasIH), ("weight_hh", \.weightHH), ("bias_hh", \.biasHH)]
    }

    /// The four tensors in the order of ``fields``, listed directly (the flat view is read at every layer call,
    /// and key paths into a generic type are built anew each time they are used).
    public var tensors: [Tensor<Scalar>] { [weightIH, biasIH, weightHH, biasHH] }

    /// `weight_hh`.
    public var recurrentWeightNames: [String] { ["weight_hh"] }

    /// Checks the four shapes for a cell with `gates` gate blocks and returns H and I.
    /// - Throws: ``RecurrentError/shapeMismatch(operation:expected:got:)`` naming the cell and the tensor.
    func sizes(gates: Int, cell: String) throws -> (hidden: Int, input: Int) {
        guard weightIH.rank == 2, weightIH.shape[0] > 0, weightIH.shape[0] % gates == 0, weightIH.shape[1] > 0 else {
            throw RecurrentError.shapeMismatch(operation: "\(cell) weight_ih", expected: "(\(gates == 1 ? "" : "\(gates)")H, I) with H, I > 0",
                                               got: shapeString(weightIH.shape))
        }
        let h = weightIH.shape[0] / gates
        try biasIH.requireShape([gates * h], "\(cell) bias_ih")
        try weightHH.requireShape([gates * h, h], "\(cell) weight_hh")
        try biasHH.requireShape([gates * h], "\(cell) bias_hh")
        return (h, weightIH.shape[1])
    }

    /// PyTorch's default initialization U(±1/√H) of every tensor, drawn from `seed` in PyTorch's tensor order
    /// (`weight_ih`, `bias_ih`, `weight_hh`, `bias_hh`) or, with `weightsFirst`, both matrices before both biases
    /// (the order ``LSTMCell`` has always drawn them in).
    /// - Throws: ``RecurrentError/invalidSize(what:value:requirement:)`` naming the cell for a size ≤ 0.
    static func pytorchDefault(gates: Int, inputSize: Int, hiddenSize: Int, seed: UInt64, weightsFirst: Bool = false,
                               cell: String) throws -> Self {
        try requirePositive(inputSize, "\(cell) inputSize")
        try requirePositive(hiddenSize, "\(cell) hiddenSize")
        try requireCellWeightsFit([[gates, hiddenSize, inputSize], [gates, hiddenSize, hiddenSize]], cell: cell)   // (G, H, I): no overflowing G·H
        var generator = RandomGenerator(seed: seed)
        let (g, h) = (gates * hiddenSize, hiddenSize)
        func matrix(_ columns: Int) throws -> Tensor<Scalar> {
            Tensor(matrix: try Initializers.pytorchDefault(rows: g, columns: columns, hiddenSize: h, using: &generator))
        }
        func vector() throws -> Tensor<Scalar> {
            Tensor(vector: try Initializers.pytorchDefault(rows: 1, columns: g, hiddenSize: h, using: &generator))
        }
        if weightsFirst {
            let (wIH, wHH) = (try matrix(inputSize), try matrix(h))
            return Self(weightIH: wIH, biasIH: try vector(), weightHH: wHH, biasHH: try vector())
        }
        let (wIH, bIH) = (try matrix(inputSize), try vector())
        return Self(weightIH: wIH, biasIH: bIH, weightHH: try matrix(h), biasHH: try vector())
    }
}
