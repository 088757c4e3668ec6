import XCTest
import RecurrentInitializers
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

final class DeterministicMathTests: XCTestCase {
    /// |a − b| in units of the last place of the reference b.
    func ulpDistance(_ value: Double, _ reference: Double) -> Double {
        if value == reference { return 0 }
        return (value - reference).magnitude / reference.ulp
    }

    func testLogSpecialValues() {
        XCTAssertEqual(DeterministicMath.log(1), 0)
        XCTAssertEqual(DeterministicMath.log(0), -.infinity)
        XCTAssertEqual(DeterministicMath.log(-0.0), -.infinity)
        XCTAssertEqual(DeterministicMath.log(.infinity), .infinity)
        XCTAssertTrue(DeterministicMath.log(-1).isNaN)
        XCTAssertTrue(DeterministicMath.log(.nan).isNaN)
        XCTAssertTrue(DeterministicMath.log(-.infinity).isNaN)
        XCTAssertEqual(DeterministicMath.log(2), 0.6931471805599453)
    }

    /// The own logarithm against the platform libm: ≤ 2 ulp everywhere in the sweep.
    func testLogAgainstLibm() {
        var worst = 0.0
        var worstArgument = 0.0
        func check(_ x: Double) {
            let reference = log(x)
            let error = ulpDistance(DeterministicMath.log(x), reference)
            if error > worst { worst = error; worstArgument = x }
        }
        // Random bit patterns over the whole positive finite range (normal and subnormal).
        var generator = RandomGenerator(seed: 31)
        for _ in 0..<200_000 {
            let bits = generator.next() & 0x7FEF_FFFF_FFFF_FFFF
            let x = Double(bitPattern: bits)
            if x > 0 { check(x) }
        }
        // Uniform in (0, 1): the arguments nextGaussian actually uses.
        for _ in 0..<200_000 { check(generator.nextUniform() + 0x1p-60) }
        // Close to 1, where ln x ≈ x − 1 and cancellation would show.
        for k in 1...4000 {
            let delta = Double(k) * 0x1p-40
            check(1 + delta)
            check(1 - delta)
        }
        for k in 1...52 {
            check(1 + Double(sign: .plus, exponent: -k, significand: 1))
            check(1 - Double(sign: .plus, exponent: -k - 1, significand: 1))
        }
        // Powers of two, the √2 switch point, extremes.
        for e in -1074...1023 { check(Double(sign: .plus, exponent: e, significand: 1)) }
        for x in [0x1.6a09e667f3bcdp0, 0x1.6a09e667f3bcdp0.nextUp, 0x1.6a09e667f3bcdp0.nextDown,
                  Double.greatestFiniteMagnitude, Double.leastNonzeroMagnitude, Double.leastNormalMagnitude,
                  Double.leastNormalMagnitude.nextDown] {
            check(x)
        }
        print("DeterministicMath.log: max error \(worst) ulp at x = \(worstArgument)")
        XCTAssertLessThanOrEqual(worst, 2, "worst at x = \(worstArgument)")
    }

    func testExpAgainstLibm() {
        var worst = 0.0
        var worstArgument = 0.0
        func check(_ x: Double) {
            let reference = exp(x)
            guard reference.isNormal else { return }
            let error = ulpDistance(DeterministicMath.exp(x), reference)
            if error > worst { worst = error; worstArgument = x }
        }
        var generator = RandomGenerator(seed: 32)
        for _ in 0..<200_000 { check(1416 * generator.nextUniform() - 708) }
        for _ in 0..<50_000 { check(2 * generator.nextUniform() - 1) }
        for _ in 0..<10_000 { check((2 * generator.nextUniform() - 1) * 1e-6) }
        print("DeterministicMath.exp: max error \(worst) ulp at x = \(worstArgument)")
        XCTAssertLessThanOrEqual(worst, 2, "worst at x = \(worstArgument)")
        XCTAssertEqual(DeterministicMath.exp(0), 1)
        XCTAssertEqual(DeterministicMath.exp(710), .infinity)
        XCTAssertEqual(DeterministicMath.exp(-746), 0)
        XCTAssertTrue(DeterministicMath.exp(.nan).isNaN)
        // Subnormal results are still close.
        XCTAssertEqual(DeterministicMath.exp(-740), exp(-740), accuracy: 2 * Double.leastNonzeroMagnitude)
    }
}
