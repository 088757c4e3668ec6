import XCTest
@testable import Recurrent
import CRecurrentKernels

/// The fused gate kernels (`RecurrentScalar.lstmForward` … , C for Float and Double) against the
/// plain Swift loops they replace (`portableLSTMForward` …), at every kernel level this CPU
/// supports, in Float and Double, for widths that hit full vectors and every tail length, and
/// with row pitches larger than the rows.
///
/// Tolerance, per element: |fast − portable| ≤ tol·(|portable| + 1) with tol = 2·10⁻⁶ (Float)
/// and 10⁻¹³ (Double). Inputs are O(1); each output is a handful of operations on at most two
/// activations, whose vectorized versions are within 2.5 ulp of the libm-based reference
/// (ActivationKernelTests), and fused multiply-adds change single roundings; together a few
/// tens of ulp of 1 at most (Float ulp(1) = 1.2·10⁻⁷, Double 2.2·10⁻¹⁶). A wrong index, gate
/// order or formula gives errors of order 1. Padding columns must come back bit-identical,
/// and running a kernel twice must give bit-identical results.
final class GateKernelTests: XCTestCase {
    struct LCG {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    /// A row-major buffer: `rows` rows of `width` values in `range`, pitch `width + pad`.
    struct Spec {
        var name: String
        var rows: Int
        var width: Int
        var range: ClosedRange<Double> = -3...3
        var pad = 3
        var pitch: Int { width + pad }
    }

    static let padValue = -12345.0
    static let shapes: [(batch: Int, hidden: Int)] = [(1, 1), (3, 7), (2, 16), (4, 33), (2, 100)]

    var levels: [Int32] { Array(0...rnn_kernel_level_supported()) }

    override func tearDown() {
        rnn_kernel_force_level(-1)
        super.tearDown()
    }

    /// Runs `kernel(fast: false)` once and `kernel(fast: true)` twice at every level on copies of the
    /// same random buffers and compares every element of every buffer.
    func compare<S: RecurrentScalar>(
        _ type: S.Type, _ name: String, _ specs: [Spec], seed: UInt64 = 1,
        file: StaticString = #filePath, line: UInt = #line,
        _ kernel: (_ fast: Bool, _ p: [String: UnsafeMutablePointer<S>], _ ld: [String: Int]) -> Void
    ) {
        var rng = LCG(state: seed)
        var initial: [String: [S]] = [:]
        var pitches: [String: Int] = [:]
        for spec in specs {
            pitches[spec.name] = spec.pitch
            initial[spec.name] = (0..<spec.rows * spec.pitch).map { i in
                i % spec.pitch < spec.width
                    ? S(spec.range.lowerBound + (spec.range.upperBound - spec.range.lowerBound) * rng.next())
                    : S(GateKernelTests.padValue)
            }
        }
        func run(fast: Bool) -> [String: [S]] {
            var buffers = initial
            var pointers: [String: UnsafeMutablePointer<S>] = [:]
            var storage: [UnsafeMutablePointer<S>] = []
            for (key, values) in buffers {
                let p = UnsafeMutablePointer<S>.allocate(capacity: values.count)
                p.initialize(from: values, count: values.count)
                pointers[key] = p
                storage.append(p)
            }
            kernel(fast, pointers, pitches)
            for (key, p) in pointers { buffers[key] = Array(UnsafeBufferPointer(start: p, count: initial[key]!.count)) }
            for p in storage { p.deallocate() }
            return buffers
        }
        let tolerance: Double = S.self == Float.self ? 2e-6 : 1e-13
        let reference = run(fast: false)
        for level in levels {
            rnn_kernel_force_level(level)
            let fast = run(fast: true), again = run(fast: true)
            var worst = 0.0, failures = 0
            for spec in specs {
                let (ref, got, got2) = (reference[spec.name]!, fast[spec.name]!, again[spec.name]!)
                for i in 0..<ref.count {
                    if !(got[i] == got2[i] && got[i].sign == got2[i].sign) && !(got[i].isNaN && got2[i].isNaN) {
                        failures += 1
                        if failures <= 3 { XCTFail("\(name) level \(level): \(spec.name)[\(i)] not reproducible", file: file, line: line) }
                    }
                    if i % spec.pitch >= spec.width {
                        if got[i] != S(GateKernelTests.padValue) {
                            failures += 1
                            if failures <= 3 { XCTFail("\(name) level \(level): padding \(spec.name)[\(i)] written", file: file, line: line) }
                        }
                        continue
                    }
                    let (r, g) = (Double(ref[i]), Double(got[i]))
                    let error = abs(g - r) / (abs(r) + 1)
                    worst = max(worst, error)
                    if !(error <= tolerance) {
                        failures += 1
                        if failures <= 3 {
                            XCTFail("\(name) \(S.self) level \(level): \(spec.name)[\(i)] fast \(g) portable \(r)", file: file, line: line)
                        }
                    }
                }
            }
            XCTAssertLessThanOrEqual(worst, tolerance, "\(name) \(S.self) level \(level)", file: file, line: line)
        }
        rnn_kernel_force_level(-1)
    }

    func checkAll<S: RecurrentScalar>(_ type: S.Type) {
        for (batch, h) in GateKernelTests.shapes {
            let tag = "B\(batch) H\(h)"
            // Element functions, out of place and in place, over a range that includes saturation.
            let n = batch * h * 5 + 3
            for (name, wide) in [("exp", -30.0...30.0), ("sigmoid", -40.0...40.0), ("tanh", -12.0...12.0)] {
                compare(S.self, "\(name) \(tag)", [Spec(name: "x", rows: 1, width: n, range: wide, pad: 0),
                                                   Spec(name: "y", rows: 1, width: n, pad: 0)]) { fast, p, _ in
                    let (x, y) = (p["x"]!, p["y"]!)
                    switch (name, fast) {
                    case ("exp", true): S.vectorExp(x, into: y, count: n); S.vectorExp(x, into: x, count: n)
                    case ("exp", false): S.portableVectorExp(x, into: y, count: n); S.portableVectorExp(x, into: x, count: n)
                    case ("sigmoid", true): S.vectorSigmoid(x, into: y, count: n); S.vectorSigmoid(x, into: x, count: n)
                    case ("sigmoid", false): S.portableVectorSigmoid(x, into: y, count: n); S.portableVectorSigmoid(x, into: x, count: n)
                    case (_, true): S.vectorTanh(x, into: y, count: n); S.vectorTanh(x, into: x, count: n)
                    default: S.portableVectorTanh(x, into: y, count: n); S.portableVectorTanh(x, into: x, count: n)
                    }
                }
            }
            for relu in [false, true] {
                compare(S.self, "srnnForward relu \(relu) \(tag)", [
                    Spec(name: "proj", rows: batch, width: h), Spec(name: "bias", rows: 1, width: h, pad: 0),
                    Spec(name: "next", rows: batch, width: h),
                ]) { fast, p, ld in
                    (fast ? S.srnnForward : S.portableSRNNForward)(relu, batch, h, p["proj"]!, ld["proj"]!, p["bias"]!,
                                                                  p["next"]!, ld["next"]!)
                }
                compare(S.self, "srnnBackward relu \(relu) \(tag)", [
                    Spec(name: "dnext", rows: batch, width: h), Spec(name: "next", rows: batch, width: h, range: -1...1),
                    Spec(name: "dproj", rows: batch, width: h),
                ]) { fast, p, ld in
                    (fast ? S.srnnBackward : S.portableSRNNBackward)(relu, batch, h, p["dnext"]!, ld["dnext"]!, p["next"]!,
                                                                    ld["next"]!, p["dproj"]!, ld["dproj"]!)
                }
            }
            compare(S.self, "lstmForward \(tag)", [
                Spec(name: "proj", rows: batch, width: 4 * h), Spec(name: "bias", rows: 1, width: 4 * h, pad: 0),
                Spec(name: "gates", rows: batch, width: 5 * h), Spec(name: "prev", rows: batch, width: 2 * h),
                Spec(name: "next", rows: batch, width: 2 * h),
            ]) { fast, p, ld in
                (fast ? S.lstmForward : S.portableLSTMForward)(batch, h, p["proj"]!, ld["proj"]!, p["bias"]!, p["gates"]!,
                                                               ld["gates"]!, p["prev"]!, ld["prev"]!, p["next"]!, ld["next"]!)
            }
            compare(S.self, "lstmBackward \(tag)", [
                Spec(name: "gates", rows: batch, width: 5 * h, range: -1...1), Spec(name: "prev", rows: batch, width: 2 * h),
                Spec(name: "dnext", rows: batch, width: 2 * h), Spec(name: "dgates", rows: batch, width: 4 * h),
                Spec(name: "dprev", rows: batch, width: 2 * h),
            ]) { fast, p, ld in
                (fast ? S.lstmBackward : S.portableLSTMBackward)(batch, h, p["gates"]!, ld["gates"]!, p["prev"]!, ld["prev"]!,
                                                                 p["dnext"]!, ld["dnext"]!, p["dgates"]!, ld["dgates"]!,
                                                                 p["dprev"]!, ld["dprev"]!)
            }
            compare(S.self, "gruForwardAfter \(tag)", [
                Spec(name: "proj", rows: batch, width: 3 * h), Spec(name: "hid", rows: batch, width: 3 * h),
                Spec(name: "bias", rows: 1, width: 3 * h, pad: 0), Spec(name: "prev", rows: batch, width: h),
                Spec(name: "cache", rows: batch, width: 4 * h), Spec(name: "next", rows: batch, width: h),
            ]) { fast, p, ld in
                (fast ? S.gruForwardAfter : S.portableGRUForwardAfter)(
                    batch, h, p["proj"]!, ld["proj"]!, p["hid"]!, ld["hid"]!, p["bias"]!, p["prev"]!, ld["prev"]!,
                    p["cache"]!, ld["cache"]!, p["next"]!, ld["next"]!)
            }
            compare(S.self, "gruBackwardAfter \(tag)", [
                Spec(name: "cache", rows: batch, width: 4 * h, range: -1...1), Spec(name: "prev", rows: batch, width: h),
                Spec(name: "dnext", rows: batch, width: h), Spec(name: "dproj", rows: batch, width: 3 * h),
                Spec(name: "drec", rows: batch, width: 3 * h), Spec(name: "dprev", rows: batch, width: h),
            ]) { fast, p, ld in
                (fast ? S.gruBackwardAfter : S.portableGRUBackwardAfter)(
                    batch, h, p["cache"]!, ld["cache"]!, p["prev"]!, ld["prev"]!, p["dnext"]!, ld["dnext"]!,
                    p["dproj"]!, ld["dproj"]!, p["drec"]!, ld["drec"]!, p["dprev"]!, ld["dprev"]!)
            }
            compare(S.self, "gruForwardBeforeGates \(tag)", [
                Spec(name: "proj", rows: batch, width: 3 * h), Spec(name: "hid", rows: batch, width: 3 * h),
                Spec(name: "bias", rows: 1, width: 3 * h, pad: 0), Spec(name: "prev", rows: batch, width: h),
                Spec(name: "cache", rows: batch, width: 4 * h),
            ]) { fast, p, ld in
                (fast ? S.gruForwardBeforeGates : S.portableGRUForwardBeforeGates)(
                    batch, h, p["proj"]!, ld["proj"]!, p["hid"]!, ld["hid"]!, p["bias"]!, p["prev"]!, ld["prev"]!,
                    p["cache"]!, ld["cache"]!)
            }
            compare(S.self, "gruForwardBeforeState \(tag)", [
                Spec(name: "proj", rows: batch, width: 3 * h), Spec(name: "hid", rows: batch, width: 3 * h),
                Spec(name: "bias", rows: 1, width: 3 * h, pad: 0), Spec(name: "prev", rows: batch, width: h),
                Spec(name: "cache", rows: batch, width: 4 * h, range: 0...1), Spec(name: "next", rows: batch, width: h),
            ]) { fast, p, ld in
                (fast ? S.gruForwardBeforeState : S.portableGRUForwardBeforeState)(
                    batch, h, p["proj"]!, ld["proj"]!, p["hid"]!, ld["hid"]!, p["bias"]!, p["prev"]!, ld["prev"]!,
                    p["cache"]!, ld["cache"]!, p["next"]!, ld["next"]!)
            }
            compare(S.self, "gruBackwardBeforeState \(tag)", [
                Spec(name: "cache", rows: batch, width: 4 * h, range: -1...1), Spec(name: "prev", rows: batch, width: h),
                Spec(name: "dnext", rows: batch, width: h), Spec(name: "dproj", rows: batch, width: 3 * h),
                Spec(name: "drec", rows: batch, width: 3 * h),
            ]) { fast, p, ld in
                (fast ? S.gruBackwardBeforeState : S.portableGRUBackwardBeforeState)(
                    batch, h, p["cache"]!, ld["cache"]!, p["prev"]!, ld["prev"]!, p["dnext"]!, ld["dnext"]!,
                    p["dproj"]!, ld["dproj"]!, p["drec"]!, ld["drec"]!)
            }
            compare(S.self, "gruBackwardBeforeGates \(tag)", [
                Spec(name: "cache", rows: batch, width: 4 * h, range: -1...1), Spec(name: "prev", rows: batch, width: h),
                Spec(name: "dnext", rows: batch, width: h), Spec(name: "dreset", rows: batch, width: h),
                Spec(name: "dproj", rows: batch, width: 3 * h), Spec(name: "drec", rows: batch, width: 3 * h),
                Spec(name: "dprev", rows: batch, width: h),
            ]) { fast, p, ld in
                (fast ? S.gruBackwardBeforeGates : S.portableGRUBackwardBeforeGates)(
                    batch, h, p["cache"]!, ld["cache"]!, p["prev"]!, ld["prev"]!, p["dnext"]!, ld["dnext"]!,
                    p["dreset"]!, ld["dreset"]!, p["dproj"]!, ld["dproj"]!, p["drec"]!, ld["drec"]!,
                    p["dprev"]!, ld["dprev"]!)
            }
            compare(S.self, "addColumnSums \(tag)", [
                Spec(name: "m", rows: 7 * batch, width: 3 * h), Spec(name: "sums", rows: 1, width: 3 * h, pad: 2),
            ]) { fast, p, ld in
                (fast ? S.addColumnSums : S.portableAddColumnSums)(p["m"]!, ld["m"]!, 7 * batch, 3 * h, p["sums"]!)
            }
            let c = h / 2 + 1, alpha = S(0.95)
            compare(S.self, "scrnForwardContext \(tag)", [
                Spec(name: "proj", rows: batch, width: h + c), Spec(name: "prev", rows: batch, width: h + c),
                Spec(name: "next", rows: batch, width: h + c), Spec(name: "cache", rows: batch, width: c),
            ]) { fast, p, ld in
                (fast ? S.scrnForwardContext : S.portableSCRNForwardContext)(
                    batch, h, c, alpha, p["proj"]!, ld["proj"]!, p["prev"]!, ld["prev"]!, p["next"]!, ld["next"]!,
                    p["cache"]!, ld["cache"]!)
            }
            compare(S.self, "scrnBackwardHidden \(tag)", [
                Spec(name: "dnext", rows: batch, width: h + c), Spec(name: "next", rows: batch, width: h + c, range: 0...1),
                Spec(name: "drec", rows: batch, width: h + c),
            ]) { fast, p, ld in
                (fast ? S.scrnBackwardHidden : S.portableSCRNBackwardHidden)(
                    batch, h, c, p["dnext"]!, ld["dnext"]!, p["next"]!, ld["next"]!, p["drec"]!, ld["drec"]!)
            }
            compare(S.self, "scrnBackwardContext \(tag)", [
                Spec(name: "drec", rows: batch, width: h + c), Spec(name: "dproj", rows: batch, width: h + c),
                Spec(name: "dprev", rows: batch, width: h + c),
            ]) { fast, p, ld in
                (fast ? S.scrnBackwardContext : S.portableSCRNBackwardContext)(
                    batch, h, c, alpha, p["drec"]!, ld["drec"]!, p["dproj"]!, ld["dproj"]!, p["dprev"]!, ld["dprev"]!)
            }
        }
    }

    func testFloatKernelsMatchPortableSwift() { checkAll(Float.self) }

    func testDoubleKernelsMatchPortableSwift() { checkAll(Double.self) }
}
