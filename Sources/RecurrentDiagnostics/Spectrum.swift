import Recurrent
import RecurrentInitializers

/// Spectra of recurrent weight matrices: eigenvalues, spectral radius and singular values.
///
/// For the linearisation h_{t+1} ≈ W h_t of a recurrent network, the eigenvalues λᵢ of W
/// say how each direction of the state evolves: |λ| < 1 decays, |λ| = 1 persists, |λ| > 1
/// grows, and a complex pair a ± ib rotates by arg λ per step. The singular values
/// σ₁ ≥ … ≥ σₙ bound the gain of one step, σₙ‖h‖ ≤ ‖W h‖ ≤ σ₁‖h‖, and therefore how fast
/// gradients can explode or vanish through W in back-propagation through time. For a
/// symmetric (normal) matrix |λᵢ| and σᵢ coincide; in general ρ(W) = max|λᵢ| ≤ σ₁.
///
/// Algorithms:
/// - General real matrices: balancing, Householder reduction to Hessenberg form and Francis
///   double-shift QR with deflation (an in-house implementation of the classical algorithm,
///   ≈ 10n³ flops, about 30 ms for n = 100 in a debug build). Backward stable: the result is
///   the exact spectrum of A + E with ‖E‖ ≲ c·n·ε·‖A‖, ε = 2⁻⁵².
/// - Symmetric matrices (exact bitwise symmetry, e.g. the np-RNN and IRNN initialisations):
///   `SymmetricEigensolver` (tridiagonalisation and implicit QL), which returns real
///   eigenvalues with |λ̂ − λ| ≲ n ε ‖A‖₂.
/// - Singular values: one-sided Jacobi rotations on the columns, with absolute error
///   ≲ m·ε·σ₁ on every σᵢ (and high relative accuracy for well-scaled columns).
///
/// ```swift
/// var generator = RandomGenerator(seed: 3)
/// let w = try Initializers.normalizedPositiveDefinite(size: 100, using: &generator)
/// let λ = try Spectrum.eigenvalues(of: w)           // 100 real values in (0, 1]
/// let ρ = Spectrum.spectralRadius(λ)                // 1.0 (to rounding)
/// let σ = try Spectrum.singularValues(of: w)        // equal to λ here: W is symmetric positive definite
/// let rotation = Matrix(rows: 2, columns: 2, values: [0, -1, 1, 0])
/// try Spectrum.eigenvalues(of: rotation)            // [0 + 1i, 0 − 1i]
/// ```
public enum Spectrum {
    /// Which eigenvalue algorithm ``eigenvalues(of:method:)-(Matrix,_)`` uses.
    ///
    /// ```swift
    /// let w = Matrix(rows: 2, columns: 2, values: [2, 1, 1, 2])
    /// let fast = try Spectrum.eigenvalues(of: w, method: .automatic)   // symmetric solver
    /// let slow = try Spectrum.eigenvalues(of: w, method: .general)     // Francis QR, same values to ~1e-15
    /// ```
    public enum Method: String, Sendable, CaseIterable {
        /// ``symmetric`` when the matrix is exactly symmetric (aᵢⱼ == aⱼᵢ bit for bit), else ``general``.
        case automatic
        /// Balancing, Hessenberg reduction and Francis double-shift QR, for any real square matrix.
        case general
        /// `SymmetricEigensolver`; the matrix must be symmetric to 10⁻¹² · max|aᵢⱼ| (it uses (A + Aᵀ)/2).
        case symmetric
    }

    /// The eigenvalues of a real square matrix, including complex-conjugate pairs.
    ///
    /// Real eigenvalues have `im == 0` exactly and the two members of a complex pair are
    /// exact conjugates. The result is sorted by decreasing real part, then decreasing
    /// imaginary part, so each pair appears as a + ib followed by a − ib.
    ///
    /// Accuracy: backward stable, so a simple eigenvalue is accurate to about
    /// κ(λ)·n·ε·‖A‖ where κ(λ) ≥ 1 is its condition number (1 for symmetric and other normal
    /// matrices, large for nearly defective ones); an eigenvalue of a k × k Jordan block is
    /// only accurate to about (n ε ‖A‖)^(1/k), e.g. √ε ≈ 1.5·10⁻⁸ for k = 2.
    ///
    /// - Parameters:
    ///   - matrix: an n × n matrix with finite elements; n = 0 gives an empty result.
    ///   - method: the algorithm, default ``Method/automatic``.
    /// - Returns: the n eigenvalues (with multiplicity).
    /// - Throws: ``DiagnosticsError/invalidArgument(_:)`` for a non-square or non-finite matrix
    ///   (or a non-symmetric one with `.symmetric`); ``DiagnosticsError/notConverged(_:)`` if QR
    ///   needs more than 100 iterations for one deflation (not observed in practice).
    ///
    /// ```swift
    /// // The companion matrix of x² + 1 has eigenvalues ±i.
    /// let c = Matrix(rows: 2, columns: 2, values: [0, -1, 1, 0])
    /// let λ = try Spectrum.eigenvalues(of: c)   // [0 + 1i, 0 − 1i]
    /// ```
    public static func eigenvalues(of matrix: Matrix, method: Method = .automatic) throws -> [Complex] {
        let function = "Spectrum.eigenvalues(of:method:)"
        try validateSquare(matrix, function: function)
        if matrix.rows == 0 { return [] }
        let useSymmetric: Bool
        switch method {
        case .automatic: useSymmetric = isSymmetric(matrix)
        case .symmetric: useSymmetric = true
        case .general: useSymmetric = false
        }
        var values: [Complex]
        if useSymmetric {
            do {
                values = try SymmetricEigensolver.eigenvalues(of: matrix).map { Complex($0) }
            } catch let error as InitializerError {
                switch error {
                case .notConverged(let message): throw DiagnosticsError.notConverged("\(function): \(message)")
                default: throw DiagnosticsError.invalidArgument("\(function): \(error)")
                }
            }
        } else {
            values = try GeneralEigensolver.eigenvalues(matrix, function: function)
        }
        values.sort { $0.re > $1.re || ($0.re == $1.re && $0.im > $1.im) }
        return values
    }

    /// The eigenvalues of a square rank-2 tensor (converted to `Double` first).
    ///
    /// - Parameters:
    ///   - tensor: an (n, n) tensor, e.g. a cell's `weightHH` for SRNN-family cells.
    ///   - method: the algorithm, default ``Method/automatic``.
    /// - Returns: as ``eigenvalues(of:method:)-(Matrix,_)``.
    /// - Throws: as ``eigenvalues(of:method:)-(Matrix,_)``, and for a tensor that is not a square matrix.
    ///
    /// ```swift
    /// let cell = try SimpleRNNCell<Float>.npRNN(inputSize: 1, hiddenSize: 100, seed: 1)
    /// let λ = try Spectrum.eigenvalues(of: cell.weightHH)
    /// ```
    public static func eigenvalues<S: RecurrentScalar>(of tensor: Tensor<S>, method: Method = .automatic) throws -> [Complex] {
        try eigenvalues(of: Matrix(tensor), method: method)
    }

    /// Whether the matrix is square and exactly symmetric, aᵢⱼ == aⱼᵢ for all i, j.
    ///
    /// - Parameters:
    ///   - matrix: any matrix.
    /// - Returns: `true` for exact (bitwise-equal) symmetry only.
    ///
    /// ```swift
    /// Spectrum.isSymmetric(Matrix(rows: 2, columns: 2, values: [1, 2, 2, 1]))   // true
    /// ```
    public static func isSymmetric(_ matrix: Matrix) -> Bool {
        guard matrix.rows == matrix.columns else { return false }
        let n = matrix.rows
        for i in 0..<n {
            for j in (i + 1)..<n where matrix.values[i * n + j] != matrix.values[j * n + i] { return false }
        }
        return true
    }

    /// The spectral radius ρ = maxᵢ |λᵢ| of a list of eigenvalues (0 for an empty list).
    ///
    /// - Parameters:
    ///   - eigenvalues: e.g. the result of ``eigenvalues(of:method:)-(Matrix,_)``.
    /// - Returns: the largest modulus.
    ///
    /// ```swift
    /// Spectrum.spectralRadius([Complex(0.5), Complex(0, -2)])   // 2.0
    /// ```
    public static func spectralRadius(_ eigenvalues: [Complex]) -> Double {
        eigenvalues.reduce(0) { max($0, $1.magnitude) }
    }

    /// The spectral radius ρ(A) = maxᵢ |λᵢ(A)|, the asymptotic growth rate of ‖Aᵗ‖^(1/t).
    ///
    /// - Parameters:
    ///   - matrix: an n × n matrix.
    /// - Returns: ρ(A) (0 for n = 0).
    /// - Throws: as ``eigenvalues(of:method:)-(Matrix,_)``.
    ///
    /// ```swift
    /// let w = try Initializers.identity(size: 10, scale: 0.9)
    /// try Spectrum.spectralRadius(of: w)   // 0.9
    /// ```
    public static func spectralRadius(of matrix: Matrix) throws -> Double {
        spectralRadius(try eigenvalues(of: matrix))
    }

    /// The singular values σ₁ ≥ σ₂ ≥ … ≥ σₖ ≥ 0, k = min(rows, columns), of any real matrix.
    ///
    /// σᵢ are the square roots of the eigenvalues of AᵀA (or AAᵀ), computed here by one-sided
    /// Jacobi rotations on A itself rather than by forming AᵀA, so small singular values are
    /// not lost: every σᵢ has absolute error ≲ m·ε·σ₁ (m = the longer side), and relative
    /// error ≲ m·ε·κ(B) where A = B·D with D scaling the columns to unit norm (Demmel & Veselić).
    /// σ₁ = ‖A‖₂ and σ₁/σₖ is the 2-norm condition number.
    ///
    /// - Parameters:
    ///   - matrix: a rows × columns matrix with finite elements (may be rectangular or empty).
    /// - Returns: min(rows, columns) values in descending order.
    /// - Throws: ``DiagnosticsError/invalidArgument(_:)`` for non-finite elements;
    ///   ``DiagnosticsError/notConverged(_:)`` after 60 sweeps (not observed in practice).
    ///
    /// ```swift
    /// let a = Matrix(rows: 2, columns: 2, values: [3, 0, 4, 5])
    /// let σ = try Spectrum.singularValues(of: a)   // [√45, √5] ≈ [6.708, 2.236]
    /// ```
    public static func singularValues(of matrix: Matrix) throws -> [Double] {
        let function = "Spectrum.singularValues(of:)"
        try validateFinite(matrix, function: function)
        if matrix.rows == 0 || matrix.columns == 0 { return [] }
        return try JacobiSVD.singularValues(matrix, function: function)
    }

    /// The singular values of a rank-2 tensor (converted to `Double` first).
    ///
    /// - Parameters:
    ///   - tensor: an (m, n) tensor, e.g. an LSTM's `weightHH` of shape (4H, H).
    /// - Returns: as ``singularValues(of:)-(Matrix)``.
    /// - Throws: as ``singularValues(of:)-(Matrix)``, and for a tensor that is not rank 2.
    ///
    /// ```swift
    /// let lstm = try LSTMCell<Float>(inputSize: 1, hiddenSize: 32, seed: 1)
    /// let σ = try Spectrum.singularValues(of: lstm.weightHH)   // 32 values
    /// ```
    public static func singularValues<S: RecurrentScalar>(of tensor: Tensor<S>) throws -> [Double] {
        try singularValues(of: Matrix(tensor))
    }

    /// The G square blocks of a gate-stacked recurrent weight (G·H, H), in row order.
    ///
    /// PyTorch stacks the gates' hidden-to-hidden matrices vertically: LSTM `weight_hh` is
    /// [W_hi; W_hf; W_hg; W_ho] and GRU `weight_hh` is [W_hr; W_hz; W_hn], each H × H. Block g
    /// is rows g·H ..< (g+1)·H.
    ///
    /// - Parameters:
    ///   - matrix: a (G·H) × H matrix.
    ///   - gates: G ≥ 1 (rows must equal G × columns).
    /// - Returns: the G blocks, each H × H.
    /// - Throws: ``DiagnosticsError/invalidArgument(_:)`` when the shape is not (G·H, H).
    ///
    /// ```swift
    /// let lstm = try LSTMCell<Double>(inputSize: 1, hiddenSize: 8, seed: 1)
    /// let blocks = try Spectrum.gateBlocks(of: Matrix(lstm.weightHH), gates: 4)   // i, f, g, o
    /// let candidate = try Spectrum.eigenvalues(of: blocks[2])
    /// ```
    public static func gateBlocks(of matrix: Matrix, gates: Int) throws -> [Matrix] {
        let h = matrix.columns
        guard gates >= 1, h >= 1, matrix.rows == gates * h else {
            throw DiagnosticsError.invalidArgument(
                "Spectrum.gateBlocks(of:gates:): expected a (\(max(gates, 1))·H, H) matrix, got \(matrix.rows) × \(matrix.columns)")
        }
        return (0..<gates).map { g in
            Matrix(rows: h, columns: h, values: Array(matrix.values[(g * h * h)..<((g + 1) * h * h)]))
        }
    }

    /// A one-screen summary of a square matrix's spectrum.
    ///
    /// ```swift
    /// let s = try Spectrum.summary(of: Initializers.identity(size: 100))
    /// s.spectralRadius      // 1
    /// s.conditionNumber     // 1
    /// print(s.lines.joined(separator: "\n"))
    /// ```
    public struct Summary: Sendable, Equatable {
        /// n, the order of the matrix.
        public var size: Int
        /// Whether the symmetric solver was used (the matrix is exactly symmetric).
        public var isSymmetric: Bool
        /// All eigenvalues, sorted as ``Spectrum/eigenvalues(of:method:)-(Matrix,_)`` returns them.
        public var eigenvalues: [Complex]
        /// All singular values, descending.
        public var singularValues: [Double]
        /// ρ = max |λᵢ|.
        public var spectralRadius: Double { Spectrum.spectralRadius(eigenvalues) }
        /// min Re λᵢ.
        public var minimumRealPart: Double { eigenvalues.map(\.re).min() ?? 0 }
        /// max Re λᵢ.
        public var maximumRealPart: Double { eigenvalues.map(\.re).max() ?? 0 }
        /// Number of real eigenvalues (im == 0).
        public var realCount: Int { eigenvalues.filter(\.isReal).count }
        /// Number of complex-conjugate pairs.
        public var complexPairCount: Int { eigenvalues.filter { $0.im > 0 }.count }
        /// σ₁ = ‖A‖₂.
        public var largestSingularValue: Double { singularValues.first ?? 0 }
        /// σₙ, the distance (in 2-norm) to the nearest singular matrix.
        public var smallestSingularValue: Double { singularValues.last ?? 0 }
        /// How many singular values exceed 1: the directions along which one step can stretch a state (and,
        /// transposed, a gradient). Identity-like matrices that learn long sequences keep many near 1.
        public var expandingDirectionCount: Int { singularValues.filter { $0 > 1 }.count }
        /// κ₂ = σ₁/σₙ (+∞ for a singular matrix, 1 for n = 0).
        public var conditionNumber: Double {
            guard let first = singularValues.first, let last = singularValues.last else { return 1 }
            return last == 0 ? .infinity : first / last
        }

        /// Creates a summary from already computed spectra.
        ///
        /// - Parameters:
        ///   - size: n.
        ///   - isSymmetric: whether the matrix is symmetric.
        ///   - eigenvalues: the n eigenvalues.
        ///   - singularValues: the n singular values, descending.
        ///
        /// ```swift
        /// let s = Spectrum.Summary(size: 1, isSymmetric: true, eigenvalues: [Complex(2)], singularValues: [2])
        /// ```
        public init(size: Int, isSymmetric: Bool, eigenvalues: [Complex], singularValues: [Double]) {
            self.size = size
            self.isSymmetric = isSymmetric
            self.eigenvalues = eigenvalues
            self.singularValues = singularValues
        }

        /// Human-readable lines: size, spectral radius, real-part range, eigenvalue kinds,
        /// extreme singular values and condition number (6 significant digits).
        ///
        /// ```swift
        /// for line in try Spectrum.summary(of: w).lines { print(line) }
        /// // size                 100 × 100 (symmetric)
        /// // spectral radius      1
        /// // ...
        /// ```
        public var lines: [String] {
            [
                "size                 \(size) × \(size)\(isSymmetric ? " (symmetric)" : "")",
                "spectral radius      \(formatSignificant(spectralRadius))",
                "real part            min \(formatSignificant(minimumRealPart))  max \(formatSignificant(maximumRealPart))",
                "eigenvalues          \(realCount) real, \(complexPairCount) complex pair\(complexPairCount == 1 ? "" : "s")",
                "singular values      max \(formatSignificant(largestSingularValue))  min \(formatSignificant(smallestSingularValue))",
                "condition number     \(formatSignificant(conditionNumber))",
                "σ > 1                \(expandingDirectionCount) of \(singularValues.count) singular values",
            ]
        }
    }

    /// Eigenvalues and singular values of a square matrix, gathered in a ``Summary``.
    ///
    /// - Parameters:
    ///   - matrix: an n × n matrix with finite elements.
    /// - Returns: the summary.
    /// - Throws: as ``eigenvalues(of:method:)-(Matrix,_)`` and ``singularValues(of:)-(Matrix)``.
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 0)
    /// let w = try Initializers.pytorchDefault(rows: 100, columns: 100, hiddenSize: 100, using: &generator)
    /// let s = try Spectrum.summary(of: w)
    /// s.spectralRadius      // ≈ 0.58 (circular law: √(N·Var) = 1/√3)
    /// s.complexPairCount    // most eigenvalues come in pairs
    /// ```
    public static func summary(of matrix: Matrix) throws -> Summary {
        let values = try eigenvalues(of: matrix)
        return Summary(size: matrix.rows, isSymmetric: isSymmetric(matrix), eigenvalues: values,
                       singularValues: try singularValues(of: matrix))
    }

    // MARK: Validation

    static func validateFinite(_ matrix: Matrix, function: String) throws {
        guard matrix.values.count == matrix.rows * matrix.columns else {
            throw DiagnosticsError.invalidArgument(
                "\(function): matrix has \(matrix.values.count) values for \(matrix.rows) × \(matrix.columns)")
        }
        if let index = matrix.values.firstIndex(where: { !$0.isFinite }) {
            throw DiagnosticsError.invalidArgument(
                "\(function): element (\(index / matrix.columns), \(index % matrix.columns)) is not finite (\(matrix.values[index]))")
        }
    }

    static func validateSquare(_ matrix: Matrix, function: String) throws {
        guard matrix.rows == matrix.columns else {
            throw DiagnosticsError.invalidArgument("\(function): matrix must be square, got \(matrix.rows) × \(matrix.columns)")
        }
        try validateFinite(matrix, function: function)
    }
}

extension Matrix {
    /// The values of a rank-2 tensor as a `Double` matrix (same row-major layout).
    ///
    /// - Parameters:
    ///   - tensor: a tensor of shape (rows, columns).
    /// - Throws: ``DiagnosticsError/invalidArgument(_:)`` unless the tensor has rank 2.
    ///
    /// ```swift
    /// let cell = try SimpleRNNCell<Float>.irnn(inputSize: 1, hiddenSize: 4)
    /// let w = try Matrix(cell.weightHH)   // 4 × 4 identity
    /// ```
    public init<S: RecurrentScalar>(_ tensor: Tensor<S>) throws {
        guard tensor.rank == 2 else {
            throw DiagnosticsError.invalidArgument(
                "Matrix(_:): expected a rank-2 tensor (a matrix), got shape (\(tensor.shape.map(String.init).joined(separator: ", ")))")
        }
        self.init(rows: tensor.shape[0], columns: tensor.shape[1], values: tensor.scalars.map { Double($0) })
    }
}

/// `x` with 6 significant digits in plain or scientific notation, e.g. "0.999999", "1.5e-08", "2.5e+07", "inf".
func formatSignificant(_ x: Double, digits: Int = 6) -> String {
    guard x.isFinite else { return x.isNaN ? "nan" : (x < 0 ? "-inf" : "inf") }
    if x == 0 { return "0" }
    let magnitude = x.magnitude
    var exponent = 0
    var scaled = magnitude
    while scaled >= 10 { scaled /= 10; exponent += 1 }
    while scaled < 1 { scaled *= 10; exponent -= 1 }
    if exponent >= -4 && exponent < digits {
        return trimZeros(formatFixed(x, decimals: max(0, digits - 1 - exponent)))
    }
    var mantissa = formatFixed(x < 0 ? -scaled : scaled, decimals: digits - 1)
    if mantissa.hasPrefix("10.") || mantissa.hasPrefix("-10.") {
        mantissa = formatFixed(x < 0 ? -scaled / 10 : scaled / 10, decimals: digits - 1)
        exponent += 1
    }
    let e = exponent < 0 ? "-" + (exponent > -10 ? "0" : "") + "\(-exponent)" : "+" + (exponent < 10 ? "0" : "") + "\(exponent)"
    return trimZeros(mantissa) + "e" + e
}

/// `x` rounded to `decimals` places after the point, e.g. formatFixed(0.125, decimals: 2) == "0.13".
/// Uses integer arithmetic on round(|x|·10^decimals), so it needs |x|·10^decimals < 2⁶³.
func formatFixed(_ x: Double, decimals: Int) -> String {
    guard x.isFinite else { return x.isNaN ? "nan" : (x < 0 ? "-inf" : "inf") }
    var power = 1.0
    for _ in 0..<decimals { power *= 10 }
    let scaled = (x.magnitude * power).rounded()
    guard scaled < 9.2e18 else { return "\(x)" }
    let integer = UInt64(scaled)
    let divisor = UInt64(power)
    var text = String(integer / divisor)
    if decimals > 0 {
        let fraction = String(integer % divisor)
        text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
    return (x < 0 && integer != 0 ? "-" : "") + text
}

/// Removes trailing zeros after a decimal point ("1.500" → "1.5", "2.000" → "2").
func trimZeros(_ text: String) -> String {
    guard text.contains(".") else { return text }
    var result = text
    while result.hasSuffix("0") { result.removeLast() }
    if result.hasSuffix(".") { result.removeLast() }
    return result
}
