import Recurrent

/// The soft orthogonality penalty λ Σ ‖WᵀW − I‖²_F on chosen weight matrices, added to the loss through its
/// gradient (Vorontsov et al. 2017, "On orthogonality and learning recurrent networks with long term
/// dependencies"). Keras's `OrthogonalRegularizer` is a relative: it penalizes the dot products between the
/// normalized rows only, so it leaves the lengths — the singular values' scale — free.
///
/// For an m × n matrix W:
///
///     P(W)    = λ ‖WᵀW − I‖²_F = λ Σⱼ (σⱼ² − 1)²
///     ∂P / ∂W = 4λ W (WᵀW − I)
///
/// so every singular value is pulled toward 1 from either side — unlike ``SpectralNormLimit``, which only caps
/// the large ones. Why a ReLU network wants it: with zero input (the blank background of pixel MNIST) a ReLU
/// layer maps h ↦ relu(W h), and only directions W keeps at length ≈ 1 carry a memory across hundreds of steps.
/// The np-RNN initialization has one singular value at 1 and the rest down to ≈ 0.2. On pixel MNIST (README),
/// with λ = 10 and RMSprop, its W_hh had every singular value within 0.99–1.03 after one epoch, yet did not
/// become the identity: its diagonal stayed near 0.47, and about a quarter of its eigenvalues moved to −1.
///
/// Cost: two n × n × m products per application in `Double` (≈ 4 MFLOP for a 100 × 100 W_hh).
///
/// ```swift
/// let recurrent = model.parameterNames.indices.filter { model.parameterNames[$0].hasPrefix("weight_hh") }
/// trainer.orthogonalityPenalty = try OrthogonalityPenalty(strength: 0.01, parameterIndices: recurrent)
///
/// var gradients = model.zeroGradients()                     // or by hand, after a backward pass:
/// let penalty = try OrthogonalityPenalty(strength: 0.01, parameterIndices: recurrent)
///     .addGradient(of: model.parameters, to: &gradients)
/// ```
public struct OrthogonalityPenalty: Sendable, Equatable {
    /// λ ≥ 0: the weight of the penalty in the loss.
    public var strength: Double
    /// Positions, in the parameter list, of the rank-2 tensors the penalty applies to.
    public var parameterIndices: [Int]

    /// A penalty on some parameters.
    /// - Parameters:
    ///   - strength: λ, finite and not negative (0 adds nothing).
    ///   - parameterIndices: which tensors of the parameter list (each must be a matrix).
    /// - Throws: `RecurrentError.invalidArgument` for a negative or non-finite λ.
    public init(strength: Double, parameterIndices: [Int]) throws {
        guard strength.isFinite && strength >= 0 else {
            throw RecurrentError.invalidArgument(what: "OrthogonalityPenalty.strength",
                                                 reason: "must be finite and not negative, got \(strength)")
        }
        self.strength = strength
        self.parameterIndices = parameterIndices
    }

    /// Adds ∂P/∂W to the gradient of every chosen tensor.
    /// - Parameters:
    ///   - parameters: the full parameter list.
    ///   - gradients: gradients of the same shapes; only the chosen tensors change (`+=`).
    /// - Returns: the penalty P summed over the chosen tensors.
    /// - Throws: `RecurrentError.invalidArgument` when an index is out of range, a tensor is not a matrix, or the
    ///   lists differ in length; `RecurrentError.shapeMismatch` when a gradient's shape differs from its
    ///   parameter's; `RecurrentError.nonFinite` for a non-finite weight. The gradients are then unchanged.
    @discardableResult
    public func addGradient<S: RecurrentScalar>(of parameters: [Tensor<S>], to gradients: inout [Tensor<S>]) throws -> Double {
        try requireFiniteMatrices(parameterIndices, in: parameters, user: "OrthogonalityPenalty")
        guard gradients.count == parameters.count else {
            throw RecurrentError.invalidArgument(what: "OrthogonalityPenalty",
                                                 reason: "\(gradients.count) gradients for \(parameters.count) parameters")
        }
        for k in parameterIndices { try gradients[k].requireShape(parameters[k].shape, "OrthogonalityPenalty gradient \(k)") }
        var total = 0.0
        for k in parameterIndices {
            let (value, gradient) = try Self.evaluate(parameters[k], strength: strength)
            total += value
            try gradients[k].add(gradient.converted(to: S.self))
        }
        return total
    }

    /// P(W) = λ ‖WᵀW − I‖²_F and ∂P/∂W = 4λ W (WᵀW − I), in `Double`.
    /// - Parameters:
    ///   - w: an m × n matrix with finite elements.
    ///   - strength: λ.
    /// - Returns: the penalty and its gradient (m, n).
    /// - Throws: `RecurrentError` from the matrix products (not expected for a matrix).
    public static func evaluate<S: RecurrentScalar>(_ w: Tensor<S>, strength: Double) throws -> (value: Double, gradient: Tensor<Double>) {
        let n = w.shape[1]
        let w64 = w.converted(to: Double.self)                                      // (m, n)
        var excess = try w64.transposed().matmul(w64).scalars                       // (n, n): WᵀW, then − I
        for i in 0..<n { excess[i * n + i] -= 1 }
        let value = strength * excess.reduce(0) { $0 + $1 * $1 }
        let gradient = try w64.matmul(Tensor(shape: [n, n], scalars: excess)).scaled(by: 4 * strength)   // (m, n)
        return (value, gradient)
    }
}
