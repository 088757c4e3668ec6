/// A complex number z = re + i·im in double precision, the element type of a real matrix's spectrum.
///
/// A real matrix has real eigenvalues and complex-conjugate pairs a ± ib; ``Spectrum`` returns
/// both kinds as `Complex`, with `im == 0` exactly for the real ones. The type carries only what
/// the diagnostics need: arithmetic, the modulus |z| = √(re² + im²) and the conjugate.
///
/// ```swift
/// let z = Complex(0.5, 0.5)
/// z.magnitude        // 0.7071…  (= |z|)
/// z.conjugate        // 0.5 − 0.5i
/// z * z.conjugate    // 0.5 + 0i (= |z|²)
/// print(z)           // "0.5 + 0.5i"
/// ```
public struct Complex: Sendable, Hashable, CustomStringConvertible {
    /// The real part.
    public var re: Double
    /// The imaginary part.
    public var im: Double

    /// Creates re + i·im.
    ///
    /// - Parameters:
    ///   - re: the real part.
    ///   - im: the imaginary part (default 0, a real number).
    ///
    /// ```swift
    /// let i = Complex(0, 1)
    /// let two = Complex(2)
    /// ```
    public init(_ re: Double, _ im: Double = 0) {
        self.re = re
        self.im = im
    }

    /// Creates re + i·im with labelled parts.
    ///
    /// - Parameters:
    ///   - re: the real part.
    ///   - im: the imaginary part.
    ///
    /// ```swift
    /// let z = Complex(re: 1, im: -2)
    /// ```
    public init(re: Double, im: Double) {
        self.init(re, im)
    }

    /// The modulus |z| = √(re² + im²), computed without intermediate overflow or underflow.
    ///
    /// ```swift
    /// Complex(3, 4).magnitude   // 5.0
    /// ```
    public var magnitude: Double {
        var a = re.magnitude
        var b = im.magnitude
        if a < b { swap(&a, &b) }
        guard a > 0, a.isFinite else { return a.isNaN || b.isNaN ? .nan : a }
        let ratio = b / a
        return a * (1 + ratio * ratio).squareRoot()
    }

    /// The complex conjugate re − i·im.
    ///
    /// ```swift
    /// Complex(1, 2).conjugate   // 1 − 2i
    /// ```
    public var conjugate: Complex { Complex(re, -im) }

    /// Whether the imaginary part is exactly zero.
    ///
    /// ```swift
    /// Complex(1).isReal      // true
    /// Complex(1, 1e-300).isReal   // false
    /// ```
    public var isReal: Bool { im == 0 }

    /// `re + imi` (or `re − |im|i`), using Swift's shortest round-trip decimal form of each part.
    ///
    /// ```swift
    /// Complex(1, -2).description   // "1.0 - 2.0i"
    /// Complex(0.25).description    // "0.25"
    /// ```
    public var description: String {
        if im == 0 { return "\(re)" }
        return im.sign == .minus ? "\(re) - \(-im)i" : "\(re) + \(im)i"
    }

    /// The sum (a + ib) + (c + id) = (a + c) + i(b + d).
    ///
    /// - Parameters:
    ///   - lhs: a + ib.
    ///   - rhs: c + id.
    /// - Returns: the sum.
    ///
    /// ```swift
    /// Complex(1, 2) + Complex(3, -2)   // 4 + 0i
    /// ```
    public static func + (lhs: Complex, rhs: Complex) -> Complex {
        Complex(lhs.re + rhs.re, lhs.im + rhs.im)
    }

    /// The difference (a + ib) − (c + id) = (a − c) + i(b − d).
    ///
    /// - Parameters:
    ///   - lhs: a + ib.
    ///   - rhs: c + id.
    /// - Returns: the difference.
    ///
    /// ```swift
    /// (Complex(1, 2) - Complex(1, 2)).magnitude   // 0
    /// ```
    public static func - (lhs: Complex, rhs: Complex) -> Complex {
        Complex(lhs.re - rhs.re, lhs.im - rhs.im)
    }

    /// The product (a + ib)(c + id) = (ac − bd) + i(ad + bc).
    ///
    /// - Parameters:
    ///   - lhs: a + ib.
    ///   - rhs: c + id.
    /// - Returns: the product.
    ///
    /// ```swift
    /// Complex(0, 1) * Complex(0, 1)   // −1 + 0i
    /// ```
    public static func * (lhs: Complex, rhs: Complex) -> Complex {
        Complex(lhs.re * rhs.re - lhs.im * rhs.im, lhs.re * rhs.im + lhs.im * rhs.re)
    }
}

/// Errors thrown by the diagnostics: a message naming the function and what was wrong.
///
/// ```swift
/// do {
///     _ = try Spectrum.eigenvalues(of: Matrix(rows: 2, columns: 3))
/// } catch {
///     print(error)   // Spectrum.eigenvalues(of:method:): matrix must be square, got 2 × 3
/// }
/// ```
public enum DiagnosticsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An argument that cannot be used (wrong shape, non-finite values, out of range); the
    /// message names the function and the argument.
    case invalidArgument(String)
    /// An iterative algorithm hit its iteration cap; the message names the algorithm, the
    /// matrix size and where it stopped.
    case notConverged(String)

    /// The message of the error.
    ///
    /// ```swift
    /// DiagnosticsError.invalidArgument("steps must be ≥ 0").description   // "steps must be ≥ 0"
    /// ```
    public var description: String {
        switch self {
        case let .invalidArgument(message): return message
        case let .notConverged(message): return message
        }
    }
}
