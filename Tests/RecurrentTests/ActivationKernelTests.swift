import XCTest
@testable import Recurrent
import CRecurrentKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Accuracy of the vectorized exp, σ and tanh (activations_math.h, behind `Float.vectorExp` …)
/// against the scalar libm functions, at every kernel level this CPU supports.
///
/// Errors are in ulps of the result (the spacing of the floating-point type at the reference
/// value), measured against a more accurate reference: for Float, the Double-precision libm
/// result (exp, tanh; σ computed from Double exp), i.e. nearly the exact value; for Double,
/// glibc's exp and tanh themselves (themselves within about 1 ulp of exact).
///
/// Measured maxima (AVX-512 and portable C levels):
/// - Float, every one of the 2³² inputs (exhaustive sweep: `Scripts/activation-accuracy.sh 1`, about 20 minutes
///   per level): exp 1.01 ulp, σ 2.40 ulp, tanh 1.51 ulp against the exact value; exp within 1 ulp of glibc's
///   expf everywhere.
/// - Double, 6.5·10⁷ random and dense inputs (offline): exp 0.99, σ 2.33, tanh 1.50 ulp against
///   the exact value (long double), and within 1, 2 and 3 ulp of glibc's exp, σ and tanh.
/// This test re-checks those bounds on a dense subset in every run: about 10⁶ inputs spread over
/// all bit patterns, every 256th float where the functions change (2⁻¹² ≤ |x| < 20), the
/// overflow and underflow edges, ±0, ±∞ and NaN (which must give NaN).
///
/// These bounds hold over the whole range, subnormal inputs and results included, so the tests turn the
/// kernels' flushing of subnormals to zero (`KernelSettings.flushesSubnormals`, on by default) off; with it on
/// (x86-64), subnormal inputs read as zero and subnormal results become zero, which
/// `testFlushingChangesOnlySubnormals` checks.
final class ActivationKernelTests: XCTestCase {
    override func setUp() {
        super.setUp()
        KernelSettings.flushesSubnormals = false
    }

    override func tearDown() {
        rnn_kernel_force_level(-1)
        KernelSettings.flushesSubnormals = true
        super.tearDown()
    }

    /// With flushing on, every output equals the unflushed kernel's output except where the input is subnormal
    /// (then it is the kernel's value at ±0) or the unflushed output is subnormal (then it is zero).
    func testFlushingChangesOnlySubnormals() {
        var inputs = ActivationKernelTests.floatEdges
        for e in -149...(-60) { inputs.append(Float(sign: .minus, exponent: e, significand: 1.5)) }
        for x in stride(from: Float(-104), through: -80, by: 0.25) { inputs.append(x) }   // exp's subnormal results
        for level in Array(0...rnn_kernel_level_supported()) {
            rnn_kernel_force_level(level)
            for (name, f) in [("exp", Float.vectorExp), ("sigmoid", Float.vectorSigmoid), ("tanh", Float.vectorTanh)]
                as [(String, (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void)] {
                var exact = [Float](repeating: 0, count: inputs.count), flushed = exact
                KernelSettings.flushesSubnormals = false
                inputs.withUnsafeBufferPointer { x in exact.withUnsafeMutableBufferPointer { f(x.baseAddress!, $0.baseAddress!, x.count) } }
                KernelSettings.flushesSubnormals = true
                inputs.withUnsafeBufferPointer { x in flushed.withUnsafeMutableBufferPointer { f(x.baseAddress!, $0.baseAddress!, x.count) } }
                var atZero: [Float] = [0, 0]
                KernelSettings.flushesSubnormals = false
                [Float(0), -0.0].withUnsafeBufferPointer { x in atZero.withUnsafeMutableBufferPointer { f(x.baseAddress!, $0.baseAddress!, 2) } }
                var changed = 0
                for (i, x) in inputs.enumerated() where !(exact[i].isNaN && flushed[i].isNaN) && exact[i].bitPattern != flushed[i].bitPattern {
                    changed += 1
                    #if arch(x86_64)
                    if x.isSubnormal {
                        // DAZ: the kernel saw ±0.
                        XCTAssertTrue(flushed[i] == atZero[x.sign == .minus ? 1 : 0] || flushed[i] == 0, "\(name)(\(x)) level \(level)")
                    } else {
                        XCTAssertTrue(exact[i].isSubnormal && flushed[i] == 0,
                                      "\(name)(\(x)) level \(level): \(exact[i]) became \(flushed[i])")
                    }
                    #else
                    XCTFail("\(name)(\(x)) level \(level): flushing changed \(exact[i]) to \(flushed[i]) outside x86-64")
                    #endif
                }
                #if arch(x86_64)
                if name == "exp" { XCTAssertGreaterThan(changed, 0, "exp's subnormal results are flushed at level \(level)") }
                #endif
            }
        }
    }

    /// Spacing of floats at |r| (the smallest subnormal below the normal range).
    static func ulp(_ r: Double, _ type: Float.Type) -> Double {
        let a = Float(abs(r))
        if !a.isFinite { return Double(Float.greatestFiniteMagnitude.ulp) }
        return Double(max(a, Float.leastNormalMagnitude).ulp)
    }

    static func ulp(_ r: Double) -> Double {
        let a = abs(r)
        if !a.isFinite { return Double.greatestFiniteMagnitude.ulp }
        return max(a, Double.leastNormalMagnitude).ulp
    }

    static func referenceSigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }

    static func referenceExp(_ x: Double) -> Double { exp(x) }
    static func referenceTanh(_ x: Double) -> Double { tanh(x) }

    /// Max error in ulps of `fast` over `inputs`, the reference given in Double; also checks NaN → NaN
    /// and that infinite references are met exactly.
    func maxUlps(_ inputs: [Float], _ fast: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
                 _ reference: (Double) -> Double, _ name: String) -> (Double, Float) {
        var output = [Float](repeating: 0, count: inputs.count)
        inputs.withUnsafeBufferPointer { x in output.withUnsafeMutableBufferPointer { y in fast(x.baseAddress!, y.baseAddress!, x.count) } }
        var worst = 0.0, at: Float = 0
        for (x, got) in zip(inputs, output) {
            if x.isNaN { XCTAssertTrue(got.isNaN, "\(name)(NaN) = \(got)"); continue }
            let r = reference(Double(x))
            let rounded = Float(r)  // correctly rounded reference, ±inf beyond the range
            let error: Double
            if rounded.isInfinite || got.isInfinite {
                error = got == rounded ? 0 : .infinity
            } else {
                error = abs(Double(got) - r) / ActivationKernelTests.ulp(r, Float.self)
            }
            if !(error <= worst) { worst = error; at = x }
        }
        return (worst, at)
    }

    func maxUlps(_ inputs: [Double], _ fast: (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void,
                 _ reference: (Double) -> Double, _ name: String) -> (Double, Double) {
        var output = [Double](repeating: 0, count: inputs.count)
        inputs.withUnsafeBufferPointer { x in output.withUnsafeMutableBufferPointer { y in fast(x.baseAddress!, y.baseAddress!, x.count) } }
        var worst = 0.0, at = 0.0
        for (x, got) in zip(inputs, output) {
            if x.isNaN { XCTAssertTrue(got.isNaN, "\(name)(NaN) = \(got)"); continue }
            let r = reference(x)
            let error: Double
            if r.isInfinite || got.isInfinite {
                error = got == r ? 0 : .infinity
            } else {
                error = abs(got - r) / ActivationKernelTests.ulp(r)
            }
            if !(error <= worst) { worst = error; at = x }
        }
        return (worst, at)
    }

    static let floatEdges: [Float] = [
        0, -0, 1, -1, .infinity, -.infinity, .nan, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
        .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, 0.625, -0.625, Float(0.625).nextDown,
        Float(0.625).nextUp,
        88.72283, 88.72284, 88.7229, 89, 100, -87.33654, -87.3366, -103.9, -103.98, -104, -150, 1e-20, -1e-20,
    ]

    var floatInputs: [Float] {
        var inputs = ActivationKernelTests.floatEdges
        // ~10⁶ bit patterns spread over the whole range (both signs, subnormals to infinity).
        var bits: UInt32 = 0
        while true {
            inputs.append(Float(bitPattern: bits))
            let (next, overflow) = bits.addingReportingOverflow(4093)
            if overflow { break }
            bits = next
        }
        // Every 256th float with 2⁻¹² ≤ |x| < 20, where the functions vary (~9·10⁵ more).
        for magnitude in stride(from: Float(0x1p-12).bitPattern, to: Float(20).bitPattern, by: 256) {
            inputs.append(Float(bitPattern: magnitude))
            inputs.append(-Float(bitPattern: magnitude))
        }
        return inputs
    }

    func testFloatActivationsWithinStatedUlps() {
        let inputs = floatInputs
        for level in Array(0...rnn_kernel_level_supported()) {
            rnn_kernel_force_level(level)
            let exp = maxUlps(inputs, { Float.vectorExp($0, into: $1, count: $2) }, ActivationKernelTests.referenceExp, "exp")
            let sig = maxUlps(inputs, { Float.vectorSigmoid($0, into: $1, count: $2) }, ActivationKernelTests.referenceSigmoid,
                              "sigmoid")
            let tanh = maxUlps(inputs, { Float.vectorTanh($0, into: $1, count: $2) }, ActivationKernelTests.referenceTanh, "tanh")
            print("Float level \(level): exp \(exp.0) ulp at \(exp.1), sigmoid \(sig.0) at \(sig.1), tanh \(tanh.0) at \(tanh.1)")
            XCTAssertLessThanOrEqual(exp.0, 1.05, "exp level \(level) at \(exp.1)")
            XCTAssertLessThanOrEqual(sig.0, 2.5, "sigmoid level \(level) at \(sig.1)")
            XCTAssertLessThanOrEqual(tanh.0, 1.6, "tanh level \(level) at \(tanh.1)")
            // Against the Float libm functions themselves: exp within 1 ulp of expf, tanh within 3 of tanhf.
            var out = [Float](repeating: 0, count: inputs.count)
            inputs.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { Float.vectorExp(x.baseAddress!, into: $0.baseAddress!, count: x.count) } }
            for (x, got) in zip(inputs, out) where x.isFinite {
                let lib = expf(x)
                if lib.isInfinite || got.isInfinite { XCTAssertEqual(got, lib, "exp(\(x))"); continue }
                XCTAssertLessThanOrEqual(abs(Double(got) - Double(lib)) / ActivationKernelTests.ulp(Double(lib), Float.self), 1.0,
                                         "exp(\(x)) vs expf")
            }
        }
    }

    func testDoubleActivationsWithinStatedUlps() {
        var inputs: [Double] = [0, -0, 1, -1, .infinity, -.infinity, .nan, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                .leastNonzeroMagnitude, .leastNormalMagnitude, 0.625, -0.625, 0.625.nextDown, 0.625.nextUp,
                                709.78, 709.79, 710, -745.1, -745.2, -746, -708.4, 1e-300, -1e-300]
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        for _ in 0..<150_000 { inputs.append(Double(bitPattern: next())) }                       // any bit pattern
        for _ in 0..<150_000 { inputs.append((Double(next() >> 11) / 0x1p53 * 2 - 1) * 40) }        // |x| < 40
        for _ in 0..<50_000 { inputs.append((Double(next() >> 11) / 0x1p53 * 2 - 1) * 800) }        // over/underflow
        for _ in 0..<50_000 { inputs.append((Double(next() >> 11) / 0x1p53 * 2 - 1) * 0.7) }        // tanh's small branch
        inputs = inputs.map { $0.isNaN && $0.sign == .minus ? .nan : $0 }
        for level in Array(0...rnn_kernel_level_supported()) {
            rnn_kernel_force_level(level)
            let exp = maxUlps(inputs, { Double.vectorExp($0, into: $1, count: $2) }, ActivationKernelTests.referenceExp, "exp")
            let sig = maxUlps(inputs, { Double.vectorSigmoid($0, into: $1, count: $2) }, ActivationKernelTests.referenceSigmoid,
                              "sigmoid")
            let tanh = maxUlps(inputs, { Double.vectorTanh($0, into: $1, count: $2) }, ActivationKernelTests.referenceTanh, "tanh")
            print("Double level \(level): exp \(exp.0) ulp at \(exp.1), sigmoid \(sig.0) at \(sig.1), tanh \(tanh.0) at \(tanh.1)")
            XCTAssertLessThanOrEqual(exp.0, 1.5, "exp level \(level) at \(exp.1)")
            XCTAssertLessThanOrEqual(sig.0, 3, "sigmoid level \(level) at \(sig.1)")
            XCTAssertLessThanOrEqual(tanh.0, 3, "tanh level \(level) at \(tanh.1)")
        }
    }
}
