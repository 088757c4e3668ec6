/// Weight and bias initialisations for recurrent networks, returned as plain row-major matrices.
///
/// Shapes follow the PyTorch convention for weights: a matrix with `rows` outputs and
/// `columns` inputs, so y = W x. Hence fan_in = `columns` and fan_out = `rows`.
/// Random initialisers draw their numbers from a ``RandomGenerator`` in row-major order,
/// so the same generator state always gives bit-identical matrices on every platform.
///
/// Every size is validated: a zero or negative size throws
/// ``InitializerError/invalidSize(what:value:)`` naming the function and the argument, and
/// a non-finite or negative scale throws ``InitializerError/invalidArgument(_:)``.
///
/// ```swift
/// var generator = RandomGenerator(seed: 3)
/// let hidden = 100, inputs = 1
/// let wHH = try Initializers.normalizedPositiveDefinite(size: hidden, using: &generator)   // np-RNN
/// let wIH = try Initializers.npRNNInput(hiddenSize: hidden, inputSize: inputs, using: &generator)
/// let lstmB = try Initializers.lstmBias(hiddenSize: hidden)                                // forget bias 1
/// ```
public enum Initializers {
    // MARK: IRNN

    /// The (scaled) identity W = s·I, the recurrent weight of the IRNN (Le, Jaitly & Hinton, 2015).
    ///
    /// Wᵢⱼ = s if i = j, else 0. With ReLU units and zero biases the recurrence
    /// h_t = max(0, W h_{t−1} + U x_t) then starts out copying its state, which lets
    /// gradients pass through many steps unchanged.
    ///
    /// - Parameters:
    ///   - size: the hidden size N (N × N result), > 0.
    ///   - scale: s (default 1); Le et al. also use a scaled identity such as 0.01·I. Must be finite.
    /// - Returns: s·I of size N × N.
    /// - Throws: ``InitializerError`` for N ≤ 0 or a non-finite scale.
    ///
    /// ```swift
    /// let w = try Initializers.identity(size: 100)               // IRNN
    /// let small = try Initializers.identity(size: 100, scale: 0.01)
    /// ```
    public static func identity(size: Int, scale: Double = 1) throws -> Matrix {
        let function = "Initializers.identity(size:scale:)"
        try requirePositive(size, "size", function)
        try requireFinite(scale, "scale", function)
        try requireElementCount(size, size, function)
        var result = Matrix(rows: size, columns: size)
        for i in 0..<size { result.values[i * size + i] = scale }
        return result
    }

    // MARK: np-RNN

    /// The normalised positive-definite recurrent matrix of the np-RNN (Talathi & Vartak, 2015).
    ///
    /// With R ∈ ℝᴺˣᴺ, Rᵢⱼ ~ N(0, 1) (drawn row-major from `generator`),
    ///
    ///     A = RᵀR / N,     W = (A + I) / λmax(A + I).
    ///
    /// A is symmetric positive semi-definite, so A + I has eigenvalues in [1, λmax] and W has
    /// eigenvalues in [1/λmax, 1]: symmetric positive definite with spectral radius exactly 1
    /// (up to rounding). A is computed from its upper triangle and mirrored, and W is
    /// averaged with Wᵀ, so W is exactly symmetric. λmax is the largest eigenvalue returned by
    /// ``SymmetricEigensolver/eigenvalues(of:)``; the largest eigenvalue of W equals 1 to
    /// within a few ulp · N.
    ///
    /// Cost: N³ multiply-adds for RᵀR plus the O(N³) eigensolver; about a second for
    /// N = 1024 in a release build.
    ///
    /// - Parameters:
    ///   - size: the hidden size N, > 0.
    ///   - generator: the random source; advanced by N² Gaussian draws.
    /// - Returns: W, N × N.
    /// - Throws: ``InitializerError/invalidSize(what:value:)`` for N ≤ 0;
    ///   ``InitializerError/notConverged(_:)`` if the eigensolver fails (not observed).
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 3)
    /// let w = try Initializers.normalizedPositiveDefinite(size: 100, using: &generator)
    /// let spectrum = try SymmetricEigensolver.eigenvalues(of: w)   // all in (0, 1], last ≈ 1
    /// ```
    public static func normalizedPositiveDefinite(size: Int, using generator: inout RandomGenerator) throws -> Matrix {
        let function = "Initializers.normalizedPositiveDefinite(size:using:)"
        try requirePositive(size, "size", function)
        try requireElementCount(size, size, function)
        let n = size
        var r = [Double](repeating: 0, count: n * n)
        for index in 0..<(n * n) { r[index] = generator.nextGaussian() }

        // A + I = RᵀR / N + I: (RᵀR)ᵢⱼ = Σₖ Rₖᵢ Rₖⱼ, accumulated row by row of R (contiguous),
        // upper triangle only, then mirrored so the result is exactly symmetric.
        var gram = [Double](repeating: 0, count: n * n)
        r.withUnsafeBufferPointer { r in
            gram.withUnsafeMutableBufferPointer { g in
                for k in 0..<n {
                    let row = r.baseAddress! + k * n
                    for i in 0..<n {
                        let rki = row[i]
                        let target = g.baseAddress! + i * n
                        for j in i..<n { target[j] += rki * row[j] }
                    }
                }
            }
        }
        let inverseN = 1 / Double(n)
        for i in 0..<n {
            for j in i..<n {
                var value = gram[i * n + j] * inverseN
                if i == j { value += 1 }
                gram[i * n + j] = value
                gram[j * n + i] = value
            }
        }
        var w = Matrix(rows: n, columns: n, values: gram)
        let lambdaMax = try SymmetricEigensolver.eigenvalues(of: w).last!
        for index in 0..<(n * n) { w.values[index] /= lambdaMax }
        // Exact symmetry (already true by construction; kept as the documented guarantee).
        for i in 0..<n {
            for j in (i + 1)..<n {
                let mean = 0.5 * (w.values[i * n + j] + w.values[j * n + i])
                w.values[i * n + j] = mean
                w.values[j * n + i] = mean
            }
        }
        return w
    }

    /// The default input gain of the np-RNN, Sussillo & Abbott's gain for ReLU networks:
    ///
    ///     α = √2 · exp(1.2 / (max(N, 6) − 2.4)),
    ///
    /// ≈ 1.4317 for N = 100, → √2 as N → ∞ (the He gain for ReLU), 1.971 for N ≤ 6.
    ///
    /// Public reimplementations disagree on the brackets: reading the formula as
    /// √2 · exp(1.2 / max(N, 6) − 2.4) gives ≈ 0.130 for N = 100, and
    /// √2 · exp(1.2) / (max(N, 6) − 2.4) gives ≈ 0.048. This library uses the reading above,
    /// which agrees with the review's statement that α ≈ 1.43 for N = 100; pass an explicit `gain` to
    /// ``npRNNInput(hiddenSize:inputSize:gain:using:)`` to use another convention.
    /// `exp` is ``DeterministicMath/exp(_:)``, so the value is identical on every platform.
    ///
    /// - Parameters:
    ///   - hiddenSize: N; values below 6 are treated as 6 (so the function never fails).
    /// - Returns: α.
    ///
    /// ```swift
    /// let alpha = Initializers.npRNNInputGain(hiddenSize: 100)   // 1.4317…
    /// ```
    public static func npRNNInputGain(hiddenSize: Int) -> Double {
        let n = Double(max(hiddenSize, 6))
        return 2.0.squareRoot() * DeterministicMath.exp(1.2 / (n - 2.4))
    }

    /// The input weights of the np-RNN: W_ih ∈ ℝᴺˣᴹ with entries α · N(0, 1/N).
    ///
    /// Each entry is α · z / √N with z ~ N(0, 1), drawn row-major; N = `hiddenSize`,
    /// M = `inputSize`.
    ///
    /// - Parameters:
    ///   - hiddenSize: N (rows), > 0.
    ///   - inputSize: M (columns), > 0.
    ///   - gain: α; `nil` (default) uses ``npRNNInputGain(hiddenSize:)``. Must be finite.
    ///   - generator: the random source; advanced by N·M Gaussian draws.
    /// - Returns: the N × M matrix.
    /// - Throws: ``InitializerError`` for non-positive sizes or a non-finite gain, or one so large that an entry overflows to ±∞.
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 3)
    /// let u = try Initializers.npRNNInput(hiddenSize: 100, inputSize: 1, using: &generator)
    /// ```
    public static func npRNNInput(hiddenSize: Int, inputSize: Int, gain: Double? = nil,
                                  using generator: inout RandomGenerator) throws -> Matrix {
        let function = "Initializers.npRNNInput(hiddenSize:inputSize:gain:using:)"
        try requirePositive(hiddenSize, "hiddenSize", function)
        try requirePositive(inputSize, "inputSize", function)
        let alpha = gain ?? npRNNInputGain(hiddenSize: hiddenSize)
        try requireFinite(alpha, "gain", function)
        try requireElementCount(hiddenSize, inputSize, function)
        let standardDeviation = alpha / Double(hiddenSize).squareRoot()
        return try requireFiniteEntries(gaussianUnchecked(rows: hiddenSize, columns: inputSize, standardDeviation: standardDeviation,
                                                          using: &generator), "gain", alpha, function)
    }

    // MARK: Generic distributions

    static func gaussianUnchecked(rows: Int, columns: Int, standardDeviation: Double,
                                  using generator: inout RandomGenerator) -> Matrix {
        var values = [Double](repeating: 0, count: rows * columns)
        for index in values.indices { values[index] = standardDeviation * generator.nextGaussian() }
        return Matrix(rows: rows, columns: columns, values: values)
    }

    static func uniformUnchecked(rows: Int, columns: Int, bound: Double,
                                 using generator: inout RandomGenerator) -> Matrix {
        var values = [Double](repeating: 0, count: rows * columns)
        for index in values.indices { values[index] = bound * (2 * generator.nextUniform() - 1) }
        return Matrix(rows: rows, columns: columns, values: values)
    }

    /// A matrix of independent normal samples N(0, σ²).
    ///
    /// Each entry is σ · z with z = ``RandomGenerator/nextGaussian()``, drawn row-major.
    /// The IRNN input weights use σ = 0.001.
    ///
    /// - Parameters:
    ///   - rows: number of rows, > 0.
    ///   - columns: number of columns, > 0.
    ///   - standardDeviation: σ ≥ 0, finite.
    ///   - generator: the random source; advanced by rows·columns Gaussian draws.
    /// - Returns: the rows × columns matrix.
    /// - Throws: ``InitializerError`` for non-positive sizes or an invalid σ, or one so large that an entry overflows to ±∞.
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 1)
    /// let wIH = try Initializers.gaussian(rows: 100, columns: 1, standardDeviation: 0.001, using: &generator)   // IRNN
    /// ```
    public static func gaussian(rows: Int, columns: Int, standardDeviation: Double,
                                using generator: inout RandomGenerator) throws -> Matrix {
        let function = "Initializers.gaussian(rows:columns:standardDeviation:using:)"
        try requirePositive(rows, "rows", function)
        try requirePositive(columns, "columns", function)
        try requireNonNegative(standardDeviation, "standardDeviation", function)
        try requireElementCount(rows, columns, function)
        return try requireFiniteEntries(gaussianUnchecked(rows: rows, columns: columns, standardDeviation: standardDeviation,
                                                          using: &generator), "standardDeviation", standardDeviation, function)
    }

    /// A matrix of independent uniform samples U(−b, b).
    ///
    /// Each entry is b · (2u − 1) with u = ``RandomGenerator/nextUniform()`` ∈ [0, 1), drawn
    /// row-major, so entries lie in [−b, b). Mean 0, variance b²/3.
    ///
    /// - Parameters:
    ///   - rows: number of rows, > 0.
    ///   - columns: number of columns, > 0.
    ///   - bound: b ≥ 0, finite.
    ///   - generator: the random source; advanced by rows·columns words.
    /// - Returns: the rows × columns matrix.
    /// - Throws: ``InitializerError`` for non-positive sizes or an invalid bound.
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 1)
    /// let w = try Initializers.uniform(rows: 4, columns: 3, bound: 0.5, using: &generator)
    /// ```
    public static func uniform(rows: Int, columns: Int, bound: Double,
                               using generator: inout RandomGenerator) throws -> Matrix {
        let function = "Initializers.uniform(rows:columns:bound:using:)"
        try requirePositive(rows, "rows", function)
        try requirePositive(columns, "columns", function)
        try requireNonNegative(bound, "bound", function)
        try requireElementCount(rows, columns, function)
        return uniformUnchecked(rows: rows, columns: columns, bound: bound, using: &generator)
    }

    /// PyTorch's default initialisation of every recurrent weight and bias: U(−1/√H, 1/√H).
    ///
    /// `torch.nn.RNN`, `LSTM` and `GRU` draw all parameters, including `weight_ih`,
    /// `weight_hh` and both biases, from this distribution with H the hidden size.
    ///
    /// - Parameters:
    ///   - rows: number of rows, > 0 (e.g. G·H for gate-stacked weights).
    ///   - columns: number of columns, > 0 (the input size, or H; 1 for a bias vector).
    ///   - hiddenSize: H, > 0.
    ///   - generator: the random source; advanced by rows·columns words.
    /// - Returns: the rows × columns matrix.
    /// - Throws: ``InitializerError`` for non-positive sizes.
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 1)
    /// let hidden = 128
    /// let weightHH = try Initializers.pytorchDefault(rows: 4 * hidden, columns: hidden, hiddenSize: hidden, using: &generator)
    /// ```
    public static func pytorchDefault(rows: Int, columns: Int, hiddenSize: Int,
                                      using generator: inout RandomGenerator) throws -> Matrix {
        let function = "Initializers.pytorchDefault(rows:columns:hiddenSize:using:)"
        try requirePositive(rows, "rows", function)
        try requirePositive(columns, "columns", function)
        try requirePositive(hiddenSize, "hiddenSize", function)
        try requireElementCount(rows, columns, function)
        return uniformUnchecked(rows: rows, columns: columns, bound: 1 / Double(hiddenSize).squareRoot(),
                                using: &generator)
    }

    /// Glorot (Xavier) uniform: U(−b, b) with b = √(6 / (fan_in + fan_out)).
    ///
    /// fan_in = `columns`, fan_out = `rows`, so that Var(Wᵢⱼ) = b²/3 = 2 / (fan_in + fan_out)
    /// (Glorot & Bengio, 2010).
    ///
    /// - Parameters:
    ///   - rows: fan_out, > 0.
    ///   - columns: fan_in, > 0.
    ///   - generator: the random source; advanced by rows·columns words.
    /// - Returns: the rows × columns matrix.
    /// - Throws: ``InitializerError`` for non-positive sizes.
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 1)
    /// let readout = try Initializers.glorotUniform(rows: 10, columns: 100, using: &generator)
    /// ```
    public static func glorotUniform(rows: Int, columns: Int, using generator: inout RandomGenerator) throws -> Matrix {
        let function = "Initializers.glorotUniform(rows:columns:using:)"
        try requirePositive(rows, "rows", function)
        try requirePositive(columns, "columns", function)
        try requireElementCount(rows, columns, function)
        let bound = (6 / (Double(columns) + Double(rows))).squareRoot()
        return uniformUnchecked(rows: rows, columns: columns, bound: bound, using: &generator)
    }

    /// Glorot (Xavier) normal: N(0, σ²) with σ = √(2 / (fan_in + fan_out)).
    ///
    /// fan_in = `columns`, fan_out = `rows`. The np-RNN readout W_hy uses this initialisation.
    ///
    /// - Parameters:
    ///   - rows: fan_out, > 0.
    ///   - columns: fan_in, > 0.
    ///   - generator: the random source; advanced by rows·columns Gaussian draws.
    /// - Returns: the rows × columns matrix.
    /// - Throws: ``InitializerError`` for non-positive sizes.
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 1)
    /// let readout = try Initializers.glorotNormal(rows: 10, columns: 100, using: &generator)
    /// ```
    public static func glorotNormal(rows: Int, columns: Int, using generator: inout RandomGenerator) throws -> Matrix {
        let function = "Initializers.glorotNormal(rows:columns:using:)"
        try requirePositive(rows, "rows", function)
        try requirePositive(columns, "columns", function)
        try requireElementCount(rows, columns, function)
        let standardDeviation = (2 / (Double(columns) + Double(rows))).squareRoot()
        return try requireFiniteEntries(gaussianUnchecked(rows: rows, columns: columns, standardDeviation: standardDeviation,
                                                          using: &generator), "standardDeviation", standardDeviation, function)
    }

    /// A (semi-)orthogonal matrix scaled by a gain, as PyTorch's `orthogonal_` (Saxe et al., 2014).
    ///
    /// Draws G ∈ ℝʳˣᶜ with Gᵢⱼ ~ N(0, 1) (row-major). If r ≥ c, computes the thin QR
    /// factorisation G = QR by Householder reflections and returns g · Q·diag(sign Rⱼⱼ):
    /// the columns are orthonormal, QᵀQ = I. If r < c, the same is done for Gᵀ and the result
    /// is transposed: the rows are orthonormal, QQᵀ = I. The sign correction makes the
    /// result Haar-distributed (uniform over orthogonal matrices).
    ///
    /// - Parameters:
    ///   - rows: number of rows, > 0.
    ///   - columns: number of columns, > 0.
    ///   - gain: g, a finite multiplier (default 1).
    ///   - generator: the random source; advanced by rows·columns Gaussian draws.
    /// - Returns: the rows × columns matrix g·Q.
    /// - Throws: ``InitializerError`` for non-positive sizes or a non-finite gain, or one so large that an entry overflows to ±∞.
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 1)
    /// let q = try Initializers.orthogonal(rows: 128, columns: 128, using: &generator)
    /// // q.transposed() * q ≈ I
    /// ```
    public static func orthogonal(rows: Int, columns: Int, gain: Double = 1,
                                  using generator: inout RandomGenerator) throws -> Matrix {
        let function = "Initializers.orthogonal(rows:columns:gain:using:)"
        try requirePositive(rows, "rows", function)
        try requirePositive(columns, "columns", function)
        try requireFinite(gain, "gain", function)
        try requireElementCount(rows, columns, function)
        var g = gaussianUnchecked(rows: rows, columns: columns, standardDeviation: 1, using: &generator)
        let wide = rows < columns
        if wide { g = g.transposed() }
        let q = Orthogonalization.thinQ(g.values, rows: g.rows, columns: g.columns)
        var result = try requireFiniteEntries(Matrix(rows: g.rows, columns: g.columns, values: q.map { gain * $0 }), "gain", gain, function)
        if wide { result = result.transposed() }
        return result
    }

    // MARK: LSTM biases

    /// The LSTM bias with the forget gate set to `forgetBias` (Jozefowicz et al., 2015).
    ///
    /// Layout: four blocks of H in PyTorch's gate order i, f, g, o:
    ///
    ///     b = [0 … 0 | f_b … f_b | 0 … 0 | 0 … 0]   (4H entries, b[H ..< 2H] = f_b).
    ///
    /// - Parameters:
    ///   - hiddenSize: H, > 0.
    ///   - forgetBias: f_b, finite (default 1).
    /// - Returns: 4H values.
    /// - Throws: ``InitializerError`` for H ≤ 0 or a non-finite forget bias.
    ///
    /// ```swift
    /// let b = try Initializers.lstmBias(hiddenSize: 2)   // [0, 0, 1, 1, 0, 0, 0, 0]
    /// ```
    public static func lstmBias(hiddenSize: Int, forgetBias: Double = 1) throws -> [Double] {
        let function = "Initializers.lstmBias(hiddenSize:forgetBias:)"
        try requirePositive(hiddenSize, "hiddenSize", function)
        try requireFinite(forgetBias, "forgetBias", function)
        guard !hiddenSize.multipliedReportingOverflow(by: 4).overflow else {
            throw InitializerError.invalidArgument("\(function): 4 · hiddenSize overflows Int (hiddenSize = \(hiddenSize))")
        }
        var bias = [Double](repeating: 0, count: 4 * hiddenSize)
        for index in hiddenSize..<(2 * hiddenSize) { bias[index] = forgetBias }
        return bias
    }

    /// LSTM biases for PyTorch's two-bias layout (`bias_ih`, `bias_hh`), whose **sum** has the
    /// forget block equal to `forgetBias`.
    ///
    /// PyTorch adds both vectors, so only b_ih + b_hh matters in the forward pass. The whole
    /// forget bias goes into `inputBias` and `hiddenBias` is zero:
    ///
    ///     inputBias  = [0 | f_b | 0 | 0],   hiddenBias = [0 | 0 | 0 | 0],
    ///
    /// so that `inputBias[k] + hiddenBias[k]` equals ``lstmBias(hiddenSize:forgetBias:)``.
    /// (Splitting f_b/2 into each would be equivalent in the forward pass; both receive the
    /// same gradient, so they stay equivalent under plain SGD, but weight decay would treat them
    /// differently.)
    ///
    /// - Parameters:
    ///   - hiddenSize: H, > 0.
    ///   - forgetBias: f_b, finite (default 1).
    /// - Returns: two vectors of 4H values in gate order i, f, g, o.
    /// - Throws: ``InitializerError`` for H ≤ 0 or a non-finite forget bias.
    ///
    /// ```swift
    /// let (bIH, bHH) = try Initializers.lstmBiasPair(hiddenSize: 128)
    /// // bIH[128..<256] are all 1, everything else is 0
    /// ```
    public static func lstmBiasPair(hiddenSize: Int, forgetBias: Double = 1) throws
        -> (inputBias: [Double], hiddenBias: [Double])
    {
        let function = "Initializers.lstmBiasPair(hiddenSize:forgetBias:)"
        try requirePositive(hiddenSize, "hiddenSize", function)
        try requireFinite(forgetBias, "forgetBias", function)
        guard !hiddenSize.multipliedReportingOverflow(by: 4).overflow else {
            throw InitializerError.invalidArgument("\(function): 4 · hiddenSize overflows Int (hiddenSize = \(hiddenSize))")
        }
        var inputBias = [Double](repeating: 0, count: 4 * hiddenSize)
        for index in hiddenSize..<(2 * hiddenSize) { inputBias[index] = forgetBias }
        return (inputBias, [Double](repeating: 0, count: 4 * hiddenSize))
    }
}
