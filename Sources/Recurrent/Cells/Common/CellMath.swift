// Small strided loops shared by the cells. Row-major throughout; `stride` is the row pitch.

/// `sums[j] += Σ_r m[r, j]` — the gradient of a bias broadcast over rows.
@inlinable
func accumulateColumnSums<S: RecurrentScalar>(
    _ sums: UnsafeMutablePointer<S>, _ m: UnsafePointer<S>, stride: Int, rows: Int, width: Int
) {
    S.addColumnSums(m, ld: stride, rows: rows, width: width, into: sums)
}

/// Size thresholds of the layout choices; they change speed only, never results (the GEMM performs the
/// same operations per element however its operands are laid out or split). Tests vary them to check that.
@usableFromInline
enum LayoutTuning {
    /// Target size of one chunk of input projections (see `RecurrentLayer.projectionChunkSteps`).
    @usableFromInline nonisolated(unsafe) static var projectionChunkBytes = 256 * 1024
    /// How many times larger the projection chunks of inference are when the time loop is split by rows (fewer hand-offs).
    @usableFromInline nonisolated(unsafe) static var rowSplitChunkFactor = 16
    /// Rows (steps × batch) per block of per-step gradients in the backward pass (see `RecurrentLayer.gradientChunkSteps`).
    @usableFromInline nonisolated(unsafe) static var gradientChunkRows = 2048
    /// Largest recurrent weight set (all parameters but `W_ih` and `b_ih`) for which the layer splits the time
    /// loop by rows across threads (see `RecurrentLayer.rowBlockCount`). Each thread then reads the whole
    /// weight at every step, which pays while it stays in that core's L2; larger weights are better served
    /// by splitting each step's product by columns inside the GEMM.
    @usableFromInline nonisolated(unsafe) static var rowParallelWeightLimitBytes = 512 << 10
    /// On two threads, with the time loop's rows together, the backward pass overlaps each block's reverse steps
    /// (on the calling thread) with the weight-gradient products of the block before (on the other), instead of
    /// splitting every product of both over the two threads: each product then runs whole on one core, with
    /// one hand-off per block instead of several per step. Off: the split products, same results.
    @usableFromInline nonisolated(unsafe) static var overlapsParameterGradients = true
    /// Smallest step (rows × gate width) whose elementwise gate kernel is split by rows across threads
    /// (see `forEachRowBlock`): below it the hand-off costs more than the halved kernel saves.
    @usableFromInline nonisolated(unsafe) static var parallelGateElements = 16384
}

/// Scalars of a weight W (n, k) packed as Wᵀ for ``multiplyByPackedWeight(_:ldc:_:lda:packed:m:n:k:beta:)``.
@inlinable
func packedTransposedWeightCount<S: RecurrentScalar>(rows n: Int, columns k: Int, _: S.Type) -> Int {
    S.packedWeightCount(k: k, n: n)
}

/// Lays out Wᵀ for a weight W (n, k) in the matrix kernels' own format, once per pass.
@inlinable
func packTransposedWeight<S: RecurrentScalar>(_ packed: UnsafeMutablePointer<S>, _ weight: UnsafePointer<S>, rows n: Int, columns k: Int) {
    S.packWeight(transpose: true, k: k, n: n, b: weight, ldb: k, into: packed)
}

/// Scalars of a weight W (k, n) packed as itself for ``multiplyByPackedWeight(_:ldc:_:lda:packed:m:n:k:beta:)``.
@inlinable
func packedWeightCount<S: RecurrentScalar>(rows k: Int, columns n: Int, _: S.Type) -> Int {
    S.packedWeightCount(k: k, n: n)
}

/// Lays out a weight W (k, n) in the matrix kernels' own format (for products `A·W`), once per pass.
@inlinable
func packWeight<S: RecurrentScalar>(_ packed: UnsafeMutablePointer<S>, _ weight: UnsafePointer<S>, rows k: Int, columns n: Int) {
    S.packWeight(transpose: false, k: k, n: n, b: weight, ldb: n, into: packed)
}

/// `C (m, n) = A·op(W) + β·C` with op(W) = Wᵀ packed by ``packTransposedWeight(_:_:rows:columns:)`` or op(W) = W
/// packed by ``packWeight(_:_:rows:columns:)``: the per-step products.
@inlinable
func multiplyByPackedWeight<S: RecurrentScalar>(
    _ c: UnsafeMutablePointer<S>, ldc: Int, _ a: UnsafePointer<S>, lda: Int,
    packed: UnsafePointer<S>, m: Int, n: Int, k: Int, beta: S
) {
    guard m > 0, n > 0 else { return }
    S.gemmPacked(transposeA: false, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, packed: packed, beta: beta, c: c, ldc: ldc)
}

/// `C (m, n) = A·op(W) + bias` (the row vector added to every row) with op(W) packed as for
/// ``multiplyByPackedWeight(_:ldc:_:lda:packed:m:n:k:beta:)``: bit for bit C's rows set to `bias` and β = 1,
/// without that separate pass over C (an input projection `x·W_ihᵀ + b_ih`).
@inlinable
func multiplyByPackedWeight<S: RecurrentScalar>(
    _ c: UnsafeMutablePointer<S>, ldc: Int, _ a: UnsafePointer<S>, lda: Int,
    packed: UnsafePointer<S>, m: Int, n: Int, k: Int, addingBias bias: UnsafePointer<S>
) {
    guard m > 0, n > 0 else { return }
    S.gemmPackedAddingBias(transposeA: false, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, packed: packed, bias: bias, c: c, ldc: ldc)
}

/// `C (m, n) = α·A·Bᵀ + β·C` for row-major A (m, k) and a weight B (n, k): `x·Wᵀ`.
@inlinable
func multiplyByTransposedWeight<S: RecurrentScalar>(
    _ c: UnsafeMutablePointer<S>, ldc: Int, _ a: UnsafePointer<S>, lda: Int,
    weight: UnsafePointer<S>, ldw: Int, m: Int, n: Int, k: Int, beta: S
) {
    guard m > 0, n > 0 else { return }
    S.gemm(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
           b: weight, ldb: ldw, beta: beta, c: c, ldc: ldc)
}

/// `C (m, n) = A·W + β·C` for A (m, k) and a weight W (k, n): the adjoint of `x·Wᵀ`.
@inlinable
func multiplyByWeight<S: RecurrentScalar>(
    _ c: UnsafeMutablePointer<S>, ldc: Int, _ a: UnsafePointer<S>, lda: Int,
    weight: UnsafePointer<S>, ldw: Int, m: Int, n: Int, k: Int, beta: S
) {
    guard m > 0, n > 0 else { return }
    S.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
           b: weight, ldb: ldw, beta: beta, c: c, ldc: ldc)
}

/// `dW (m, n) += Gᵀ·X` over `rows` rows, with G (rows, m) and X (rows, n): a weight gradient summed over steps.
@inlinable
func accumulateOuterProducts<S: RecurrentScalar>(
    _ dW: UnsafeMutablePointer<S>, ldw: Int, _ g: UnsafePointer<S>, ldg: Int,
    _ x: UnsafePointer<S>, ldx: Int, m: Int, n: Int, rows: Int
) {
    guard m > 0, n > 0, rows > 0 else { return }
    S.gemm(transposeA: true, transposeB: false, m: m, n: n, k: rows, alpha: 1, a: g, lda: ldg,
           b: x, ldb: ldx, beta: 1, c: dW, ldc: ldw)
}

extension Tensor {
    /// Pointer access for the cells' inner loops (the tensor is not mutated).
    @inlinable
    func withPointer<R>(_ body: (UnsafePointer<Scalar>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }
}

extension Tensor {
    /// Mutable pointer access for the cells' gradient accumulation.
    @inlinable
    mutating func withMutablePointer<R>(_ body: (UnsafeMutablePointer<Scalar>) throws -> R) rethrows -> R {
        try withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }
}

extension UnsafePointer {
    /// The same address as a pointer to `T`, for passing a generic scalar buffer to the C kernels once the
    /// scalar type is known to be `T` (the memory is already bound to `T`).
    @inlinable
    func cast<T>(to _: T.Type = T.self) -> UnsafePointer<T> { UnsafeRawPointer(self).assumingMemoryBound(to: T.self) }
}

extension UnsafeMutablePointer {
    /// The same address as a pointer to `T` (see `UnsafePointer.cast(to:)`).
    @inlinable
    func cast<T>(to _: T.Type = T.self) -> UnsafeMutablePointer<T> { UnsafeMutableRawPointer(self).assumingMemoryBound(to: T.self) }
}
