import RecurrentInitializers

/// A fully connected readout `y = x·Wᵀ + b`, applied row by row.
///
/// With the hidden state h_T of a recurrent layer as `x`, this is the output layer W_hy of the papers:
/// `y = W_hy·h_T + b_y`.
///
/// ```swift
/// let readout = try Linear<Float>(inputSize: 100, outputSize: 10, seed: 1)
/// let features = try Tensor<Float>(shape: [4, 100], repeating: 0.1)
/// let logits = try readout.forward(features)      // (4, 100) → (4, 10)
/// ```
public struct Linear<Scalar: RecurrentScalar>: Sendable {
    /// (K, D)
    public var weight: Tensor<Scalar>
    /// (K)
    public var bias: Tensor<Scalar>
    /// Width D of each input row.
    public var inputSize: Int { weight.shape[1] }
    /// Width K of each output row.
    public var outputSize: Int { weight.shape[0] }

    /// Glorot-normal weights N(0, 2/(D + K)) (the np-RNN paper's readout initialization) and zero bias.
    /// - Parameters:
    ///   - inputSize: D > 0.
    ///   - outputSize: K > 0.
    ///   - seed: random seed.
    /// - Throws: `RecurrentError` naming the size when D or K is not positive.
    public init(inputSize: Int, outputSize: Int, seed: UInt64 = 0) throws {
        var generator = RandomGenerator(seed: seed)
        self.weight = try Tensor(matrix: Initializers.glorotNormal(rows: outputSize, columns: inputSize, using: &generator))
        self.bias = try Tensor.zeros([outputSize])
    }

    /// A readout from given tensors.
    /// - Parameters:
    ///   - weight: W, (K, D) with K, D > 0.
    ///   - bias: b, (K).
    /// - Throws: `RecurrentError.shapeMismatch` when the shapes do not fit together.
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>) throws {
        guard weight.rank == 2, weight.shape[0] > 0, weight.shape[1] > 0 else {
            throw RecurrentError.shapeMismatch(operation: "Linear weight", expected: "(K, D) with K, D > 0", got: "\(weight.shape)")
        }
        try bias.requireShape([weight.shape[0]], "Linear bias")
        self.weight = weight
        self.bias = bias
    }

    /// The trainable tensors, `[weight, bias]`.
    public var parameters: [Tensor<Scalar>] { [weight, bias] }

    /// `x (N, D) → x·Wᵀ + b (N, K)`.
    /// - Parameter x: N rows of width D.
    /// - Returns: N rows of width K.
    /// - Throws: `RecurrentError.shapeMismatch` unless x is (N, D).
    /// - Complexity: O(N·D·K), one GEMM.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>) throws -> Tensor<Scalar> {
        guard x.rank == 2, x.shape[1] == inputSize else {
            throw RecurrentError.shapeMismatch(operation: "Linear.forward", expected: "(N, \(inputSize))", got: "\(x.shape)")
        }
        let (n, d, k) = (x.shape[0], inputSize, outputSize)
        guard n > 0 else { return Tensor(unchecked: [0, k], scalars: []) }
        try Tensor<Scalar>.checkAllocation(count: n * k, shape: [n, k])
        return weight.withPointer { w in
            affine(x) { y, xp in multiplyByTransposedWeight(y, ldc: k, xp, lda: d, weight: w, ldw: d, m: n, n: k, k: d, beta: 0) }
        }
    }

    /// `x·Wᵀ + b` (N, K) with the product given: `product(y, x)` writes all of y (N, K), then each row gets the bias.
    private func affine(_ x: Tensor<Scalar>,
                        _ product: (_ y: UnsafeMutablePointer<Scalar>, _ x: UnsafePointer<Scalar>) -> Void) -> Tensor<Scalar> {
        let (n, k) = (x.shape[0], outputSize)
        let y = [Scalar](unsafeUninitializedCapacity: n * k) { yb, initialized in  // (N, K), written in full
            let yp = yb.baseAddress!
            x.withPointer { product(yp, $0) }
            bias.withPointer { b in
                for r in 0..<n {
                    let row = yp + r * k
                    for j in 0..<k { row[j] += b[j] }
                }
            }
            initialized = n * k
        }
        return Tensor(unchecked: [n, k], scalars: y)
    }

    /// W (K, D) packed as Wᵀ for ``forward(_:packed:)``: made once by a caller that applies the readout to one
    /// row at a time (``RecurrentModel/step(_:state:)``), instead of the product packing it at every call.
    func packedWeight() -> ScalarBuffer<Scalar> {
        let (k, d) = (outputSize, inputSize)
        let packed = ScalarBuffer<Scalar>(count: packedTransposedWeightCount(rows: k, columns: d, Scalar.self), zeroed: false)
        weight.withPointer { packTransposedWeight(packed.base, $0, rows: k, columns: d) }
        return packed
    }

    /// ``forward(_:)`` with W from ``packedWeight()`` (made from this readout's current weight): the same
    /// values bit for bit (the kernels do the same operations per element on packed and unpacked operands).
    /// - Parameter x: (N, D), checked by the caller.
    func forward(_ x: Tensor<Scalar>, packed: ScalarBuffer<Scalar>) -> Tensor<Scalar> {
        let (n, d, k) = (x.shape[0], inputSize, outputSize)
        return affine(x) { y, xp in multiplyByPackedWeight(y, ldc: k, xp, lda: d, packed: packed.base, m: n, n: k, k: d, beta: 0) }
    }

    /// Backward of ``forward(_:)``: adds `dW += dyᵀ·x`, `db += Σ dy` into `gradients` ([dW, db]) and returns `dx = dy·W`.
    /// - Parameters:
    ///   - x: the input of the forward pass, (N, D).
    ///   - dy: ∂L/∂y, (N, K).
    ///   - gradients: `[dW (K, D), db (K)]`; this call's gradients are added.
    /// - Returns: ∂L/∂x, (N, D).
    /// - Throws: `RecurrentError.shapeMismatch` when `x` is not (N, D), `dy` is not (N, K) or `gradients` is not
    ///   `[dW (K, D), db (K)]`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backward(input x: Tensor<Scalar>, outputGradient dy: Tensor<Scalar>,
                         into gradients: inout [Tensor<Scalar>]) throws -> Tensor<Scalar> {
        guard x.rank == 2, x.shape[1] == inputSize else {
            throw RecurrentError.shapeMismatch(operation: "Linear.backward input", expected: "(N, \(inputSize))", got: "\(x.shape)")
        }
        try dy.requireShape([x.shape[0], outputSize], "Linear.backward outputGradient")
        guard gradients.map(\.shape) == [weight.shape, bias.shape] else {
            throw RecurrentError.shapeMismatch(operation: "Linear.backward gradients", expected: "[\(weight.shape), \(bias.shape)]",
                                               got: "\(gradients.map(\.shape))")
        }
        let (n, d, k) = (x.shape[0], inputSize, outputSize)
        guard n > 0 else { return Tensor(unchecked: [0, d], scalars: []) }
        var dx = Tensor<Scalar>.zeroedScalars(count: n * d)                     // (N, D)
        x.withPointer { xp in
            dy.withPointer { g in
                // dW (K, D) += dyᵀ (K, N) · x (N, D);  db (K) += Σ_rows dy
                gradients[0].withMutablePointer { dW in
                    accumulateOuterProducts(dW, ldw: d, g, ldg: k, xp, ldx: d, m: k, n: d, rows: n)
                }
                gradients[1].withMutablePointer { db in accumulateColumnSums(db, g, stride: k, rows: n, width: k) }
                // dx (N, D) = dy (N, K) · W (K, D)
                weight.withPointer { w in
                    dx.withUnsafeMutableBufferPointer { dxb in
                        multiplyByWeight(dxb.baseAddress!, ldc: d, g, lda: k, weight: w, ldw: d, m: n, n: d, k: k, beta: 0)
                    }
                }
            }
        }
        return Tensor(unchecked: [n, d], scalars: dx)
    }
}
