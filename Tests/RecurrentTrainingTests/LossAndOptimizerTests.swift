import XCTest
@testable import RecurrentTraining
import Recurrent
import RecurrentInitializers

/// Losses and optimizer steps against values computed by hand (worked out in the comments).
final class LossAndOptimizerTests: XCTestCase {
    func testMeanSquaredError() throws {
        // p = [1, 2, 4], y = [0, 2, 2]: L = (1 + 0 + 4)/3 = 5/3; ∂L/∂p = 2(p − y)/3 = [2/3, 0, 4/3].
        let r = try Loss.meanSquaredError(prediction: Tensor<Double>(shape: [3, 1], scalars: [1, 2, 4]),
                                          target: Tensor(shape: [3, 1], scalars: [0, 2, 2]))
        XCTAssertEqual(r.value, 5.0 / 3, accuracy: 1e-15)
        XCTAssertEqual(r.gradient.scalars, [2.0 / 3, 0, 4.0 / 3])
    }

    func testSoftmaxCrossEntropy() throws {
        // Row [0, ln 3]: softmax = [1/4, 3/4]; label 1 → loss −ln(3/4); gradient [1/4, −1/4] (one row, N = 1).
        let logits = try Tensor<Double>(shape: [1, 2], scalars: [0, Double.log(3)])
        let r = try Loss.softmaxCrossEntropy(logits: logits, labels: [1])
        XCTAssertEqual(r.value, -Double.log(0.75), accuracy: 1e-15)
        XCTAssertEqual(r.gradient.scalars[0], 0.25, accuracy: 1e-15)
        XCTAssertEqual(r.gradient.scalars[1], -0.25, accuracy: 1e-15)
        XCTAssertEqual(r.correct, 1)
        // Huge logits do not overflow: [1000, 0] with label 0 has loss ≈ e^−1000 ≈ 0.
        let big = try Loss.softmaxCrossEntropy(logits: Tensor<Float>(shape: [1, 2], scalars: [1000, 0]), labels: [0])
        XCTAssertEqual(big.value, 0, accuracy: 1e-30)
        XCTAssertTrue(big.gradient.scalars.allSatisfy(\.isFinite))
        XCTAssertThrowsError(try Loss.softmaxCrossEntropy(logits: logits, labels: [2])) { error in
            XCTAssertTrue("\(error)".contains("labels[0]"), "\(error)")
        }
    }

    /// Hand-computed values, then central differences in Double (ε = 1e-6; the penalty is a sum of O(1) squares
    /// of smooth norms away from 0, so rounding error ≈ 1e-10 leaves a 1e-7 tolerance three orders of margin).
    func testNormStabilizer() throws {
        // Norms 5, 0, 10 over three steps: ((0 − 5)² + (10 − 0)²) / 3; the zero state gets gradient 0.
        let states = try Tensor<Double>(shape: [3, 1, 2], scalars: [3, 4, 0, 0, 6, 8])
        let simple = try Loss.normStabilizer(states: states, strength: 1)
        XCTAssertEqual(simple.value, 125.0 / 3, accuracy: 1e-12)
        // ∂/∂h_0 = (2/3)(0 − (0 − 5)) h_0/5 = (2/3)(3, 4); ∂/∂h_2 = (2/3)(10 − 0) h_2/10 = (2/3)(6, 8).
        let expected = [2.0, 8.0 / 3, 0, 0, 4, 16.0 / 3]
        for (a, b) in zip(simple.gradient.scalars, expected) { XCTAssertEqual(a, b, accuracy: 1e-12) }

        var generator = RandomGenerator(seed: 4)
        let shape = [6, 3, 4], lengths = [6, 1, 4]
        let h = try Tensor<Double>(shape: shape, scalars: (0..<72).map { _ in generator.nextUniform() * 2 - 1 })
        let result = try Loss.normStabilizer(states: h, lengths: lengths, strength: 0.5)
        var worst = 0.0
        for index in 0..<h.count {
            var values = h.scalars
            values[index] += 1e-6
            let plus = try Loss.normStabilizer(states: Tensor(shape: shape, scalars: values), lengths: lengths, strength: 0.5).value
            values[index] -= 2e-6
            let minus = try Loss.normStabilizer(states: Tensor(shape: shape, scalars: values), lengths: lengths, strength: 0.5).value
            worst = max(worst, abs(result.gradient.scalars[index] - (plus - minus) / 2e-6))
        }
        XCTAssertLessThan(worst, 1e-7)
        // Steps past a row's length get no gradient; a row of length 1 has no difference at all.
        var rowOne: [Double] = []
        for t in 0..<6 { rowOne += result.gradient.scalars[(t * 3 + 1) * 4..<(t * 3 + 1) * 4 + 4] }
        XCTAssertEqual(rowOne, [Double](repeating: 0, count: 24))
        XCTAssertEqual(try Loss.normStabilizer(states: h, lengths: lengths, strength: 0).value, 0)
        XCTAssertThrowsError(try Loss.normStabilizer(states: h, lengths: [6, 0, 4], strength: 1)) { XCTAssertTrue("\($0)".contains("lengths[1]")) }
        XCTAssertThrowsError(try Loss.normStabilizer(states: h, strength: -1)) { XCTAssertTrue("\($0)".contains("strength")) }
        XCTAssertThrowsError(try Loss.normStabilizer(states: Tensor<Double>(shape: [2, 2]), strength: 1))
    }

    func testSGDMomentumAndNesterov() throws {
        // p = 1, g = 0.5 twice, lr = 0.1, μ = 0.9.
        // Classic: v1 = 0.5, p1 = 0.95; v2 = 0.95, p2 = 0.855.
        // Nesterov: v1 = 0.5, p1 = 1 − 0.1(0.5 + 0.45) = 0.905; v2 = 0.95, p2 = 0.905 − 0.1(0.5 + 0.855) = 0.7695.
        for (nesterov, expected) in [(false, [0.95, 0.855]), (true, [0.905, 0.7695])] {
            var sgd = SGD<Double>(learningRate: 0.1, momentum: 0.9, nesterov: nesterov)
            var p = [try Tensor<Double>(shape: [1], scalars: [1])]
            let g = [try Tensor<Double>(shape: [1], scalars: [0.5])]
            for e in expected {
                try sgd.update(&p, gradients: g)
                XCTAssertEqual(p[0].scalars[0], e, accuracy: 1e-15)
            }
        }
    }

    func testRMSprop() throws {
        // ρ = 0.9, ε = 0, lr = 0.01, g = 2: s1 = 0.1·4 = 0.4, p1 = 1 − 0.01·2/√0.4;
        // s2 = 0.9·0.4 + 0.4 = 0.76, p2 = p1 − 0.01·2/√0.76.
        var opt = RMSprop<Double>(learningRate: 0.01, decay: 0.9, epsilon: 0)
        var p = [try Tensor<Double>(shape: [1], scalars: [1])]
        let g = [try Tensor<Double>(shape: [1], scalars: [2])]
        try opt.update(&p, gradients: g)
        let p1 = 1 - 0.02 / 0.4.squareRoot()
        XCTAssertEqual(p[0].scalars[0], p1, accuracy: 1e-15)
        try opt.update(&p, gradients: g)
        XCTAssertEqual(p[0].scalars[0], p1 - 0.02 / 0.76.squareRoot(), accuracy: 1e-15)
    }

    func testAdam() throws {
        // Bias correction makes the first step lr·sign(g) (up to ε): m̂ = g, v̂ = g².
        // Second step with g' = −1 after g = 3 (β₁ = 0.9, β₂ = 0.999):
        // m2 = 0.9·0.3 − 0.1 = 0.17, v2 = 0.999·0.009 + 0.001 = 0.009991;
        // m̂ = 0.17/0.19, v̂ = 0.009991/0.001999.
        var adam = Adam<Double>(learningRate: 0.1, epsilon: 0)
        var p = [try Tensor<Double>(shape: [1], scalars: [0])]
        try adam.update(&p, gradients: [Tensor(shape: [1], scalars: [3])])
        XCTAssertEqual(p[0].scalars[0], -0.1, accuracy: 1e-14)
        try adam.update(&p, gradients: [Tensor(shape: [1], scalars: [-1])])
        let step2 = 0.1 * (0.17 / 0.19) / (0.009991 / 0.001999).squareRoot()
        XCTAssertEqual(p[0].scalars[0], -0.1 - step2, accuracy: 1e-14)
        XCTAssertEqual(adam.stepCount, 2)
        // Restoring the saved state continues identically.
        var copy = Adam<Double>(learningRate: 0.1, epsilon: 0)
        try copy.restore(state: adam.state, stepCount: adam.stepCount)
        var a = p, b = p
        try adam.update(&a, gradients: [Tensor(shape: [1], scalars: [0.5])])
        try copy.update(&b, gradients: [Tensor(shape: [1], scalars: [0.5])])
        XCTAssertEqual(a, b)
    }

    /// Plain Adam (no weight decay) over a long tensor (1027 elements, 3 steps): the same values,
    /// bit for bit, as the update written out element by element, in Float and Double.
    func testAdamLongTensorsEqualTheElementwiseUpdate() throws {
        func check<S: RecurrentScalar & BinaryFloatingPoint>(_: S.Type) throws {
            var generator = RandomGenerator(seed: 4)
            let n = 1027  // not a multiple of any vector width
            var adam = Adam<S>(learningRate: 0.01)
            var p = [try Tensor<S>(shape: [n], scalars: (0..<n).map { _ in S(generator.nextUniform() - 0.5) })]
            var (mine, m, v) = (p[0].scalars, [S](repeating: 0, count: n), [S](repeating: 0, count: n))
            for step in 1...3 {
                let g = (0..<n).map { _ in S(generator.nextUniform() * 2 - 1) }
                try adam.update(&p, gradients: [Tensor(shape: [n], scalars: g)])
                let t = Double(step)
                let c1 = 1 - Double.exp(t * Double.log(0.9)), c2 = 1 - Double.exp(t * Double.log(0.999))
                let (b1, b2, eps, stepSize, root2) = (S(0.9), S(0.999), S(1e-8), S(0.01 / c1), S(c2.squareRoot()))
                for j in 0..<n {
                    m[j] = b1 * m[j] + (1 - b1) * g[j]
                    v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j]
                    mine[j] -= stepSize * m[j] / (v[j].squareRoot() / root2 + eps)
                }
                XCTAssertEqual(p[0].scalars, mine, "\(S.self) step \(step)")
            }
        }
        try check(Float.self)
        try check(Double.self)
    }

    func testWeightDecay() throws {
        // SGD, p = 1, g = 0.5, lr = 0.1, μ = 0.9, λ = 0.1: g1 = 0.5 + 0.1 = 0.6, v1 = 0.6, p1 = 0.94;
        // g2 = 0.5 + 0.094 = 0.594, v2 = 0.54 + 0.594 = 1.134, p2 = 0.94 − 0.1134 = 0.8266.
        var sgd = SGD<Double>(learningRate: 0.1, momentum: 0.9, weightDecay: 0.1)
        var p = [try Tensor<Double>(shape: [1], scalars: [1])]
        let half = [try Tensor<Double>(shape: [1], scalars: [0.5])]
        try sgd.update(&p, gradients: half)
        XCTAssertEqual(p[0].scalars[0], 0.94, accuracy: 1e-15)
        try sgd.update(&p, gradients: half)
        XCTAssertEqual(p[0].scalars[0], 0.8266, accuracy: 1e-15)
        // RMSprop, ρ = 0.9, ε = 0, lr = 0.01, p = 1, g = 2, λ = 0.5: g = 2.5, s = 0.1·6.25, p = 1 − 0.01·2.5/√0.625.
        var rmsprop = RMSprop<Double>(learningRate: 0.01, decay: 0.9, epsilon: 0, weightDecay: 0.5)
        p = [try Tensor<Double>(shape: [1], scalars: [1])]
        try rmsprop.update(&p, gradients: [Tensor(shape: [1], scalars: [2])])
        XCTAssertEqual(p[0].scalars[0], 1 - 0.025 / 0.625.squareRoot(), accuracy: 1e-15)
        // Adam's first step is lr·sign(g) (bias correction), so the decay shows in the sign:
        // coupled, g = −0.2 + 1·p = 0.8 > 0 → p = 1 − 0.1; decoupled (AdamW), p·(1 − 0.1·0.5) = 0.95, then
        // the step against g = 3 → 0.85.
        var coupled = Adam<Double>(learningRate: 0.1, epsilon: 0, weightDecay: 1)
        p = [try Tensor<Double>(shape: [1], scalars: [1])]
        try coupled.update(&p, gradients: [Tensor(shape: [1], scalars: [-0.2])])
        XCTAssertEqual(p[0].scalars[0], 0.9, accuracy: 1e-15)
        var adamW = Adam<Double>(learningRate: 0.1, epsilon: 0, weightDecay: 0.5, decoupledWeightDecay: true)
        p = [try Tensor<Double>(shape: [1], scalars: [1])]
        try adamW.update(&p, gradients: [Tensor(shape: [1], scalars: [3])])
        XCTAssertEqual(p[0].scalars[0], 0.85, accuracy: 1e-15)
        // By name: `adamw` decouples, with PyTorch's default λ = 0.01 unless given.
        guard case let .adam(named) = try AnyOptimizer<Double>(name: "adamw", learningRate: 0.1) else {
            return XCTFail("adamw should be an Adam")
        }
        XCTAssertTrue(named.decoupledWeightDecay)
        XCTAssertEqual(named.weightDecay, 0.01)
        guard case let .rmsprop(rms) = try AnyOptimizer<Double>(name: "rmsprop", learningRate: 0.1, weightDecay: 0.2) else {
            return XCTFail("rmsprop should be an RMSprop")
        }
        XCTAssertEqual(rms.weightDecay, 0.2)
        // A negative or non-finite decay is refused before anything moves.
        for bad in [-0.1, Double.nan] {
            var opt = RMSprop<Double>(learningRate: 0.01, weightDecay: bad)
            var q = [try Tensor<Double>(shape: [1], scalars: [1])]
            XCTAssertThrowsError(try opt.update(&q, gradients: half)) { error in
                XCTAssertTrue("\(error)".contains("RMSprop.weightDecay"), "\(error)")
            }
            XCTAssertEqual(q[0].scalars, [1])
        }
    }

    func testLearningRateScales() throws {
        // Tensor k with scale s_k moves exactly as it would alone under an optimizer with rate lr·s_k
        // (PyTorch's parameter groups); a missing scale is 1, and scale 0 freezes the tensor.
        let lr = 0.01, scales = [0.5, 0, 3]
        let start = [try Tensor<Double>(shape: [2], scalars: [1, -2]), try Tensor<Double>(shape: [1], scalars: [3]),
                     try Tensor<Double>(shape: [2], scalars: [0.5, 4]), try Tensor<Double>(shape: [1], scalars: [-1])]
        let gradientSteps = [[0.3, -1.2, 0.7, 2.0, -0.4, 0.9], [-0.5, 0.8, -0.2, 1.5, 0.6, -0.3]].map { v in
            [try! Tensor<Double>(shape: [2], scalars: [v[0], v[1]]), try! Tensor<Double>(shape: [1], scalars: [v[2]]),
             try! Tensor<Double>(shape: [2], scalars: [v[3], v[4]]), try! Tensor<Double>(shape: [1], scalars: [v[5]])]
        }
        let makers: [(String, (Double) -> AnyOptimizer<Double>)] = [
            ("nesterov", { .sgd(SGD(learningRate: $0, momentum: 0.9, nesterov: true)) }),
            ("rmsprop", { .rmsprop(RMSprop(learningRate: $0)) }),
            ("adam", { .adam(Adam(learningRate: $0)) }),
        ]
        for (name, make) in makers {
            var grouped = make(lr)
            grouped.learningRateScales = scales
            var parameters = start
            for g in gradientSteps { try grouped.update(&parameters, gradients: g) }
            for k in start.indices {
                var alone = make(lr * (k < scales.count ? scales[k] : 1))
                var p = [start[k]]
                for g in gradientSteps { try alone.update(&p, gradients: [g[k]]) }
                XCTAssertEqual(parameters[k], p[0], "\(name), tensor \(k)")
            }
            XCTAssertEqual(parameters[1], start[1], "\(name): scale 0 freezes")
            XCTAssertNotEqual(parameters[3], start[3], "\(name): a missing scale is 1")
        }
        // Bad scales are refused before anything moves.
        for (bad, message) in [([1, 1, 1, 1, 1], "5 scales for 4 parameters"), ([1, -1], "[1]"), ([.nan], "[0]")] {
            var opt = makers[1].1(lr)
            opt.learningRateScales = bad
            var parameters = start
            XCTAssertThrowsError(try opt.update(&parameters, gradients: gradientSteps[0])) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
            XCTAssertEqual(parameters, start)
        }
    }

    func testStepDecay() {
        let schedule = StepDecay(initial: 0.1, factor: 0.5, interval: 10)
        XCTAssertEqual(schedule.rate(atStep: 0), 0.1)
        XCTAssertEqual(schedule.rate(atStep: 9), 0.1)
        XCTAssertEqual(schedule.rate(atStep: 10), 0.05, accuracy: 1e-15)
        XCTAssertEqual(schedule.rate(atStep: 25), 0.025, accuracy: 1e-15)
    }

    /// Hand-computed: warm-up (t + 1)/w · peak, the cosine's midpoint at (peak + min)/2, min at and after T.
    func testCosineDecay() throws {
        let schedule = try CosineDecay(peak: 0.01, minimum: 0.001, steps: 1000, warmupSteps: 100)
        XCTAssertEqual(schedule.rate(atStep: 0), 0.0001, accuracy: 1e-18)
        XCTAssertEqual(schedule.rate(atStep: 49), 0.005, accuracy: 1e-18)
        XCTAssertEqual(schedule.rate(atStep: 99), 0.01)
        XCTAssertEqual(schedule.rate(atStep: 100), 0.01)
        XCTAssertEqual(schedule.rate(atStep: 550), 0.0055, accuracy: 1e-15)
        // A quarter of the way: min + (peak − min)(1 + cos(π/4))/2.
        XCTAssertEqual(schedule.rate(atStep: 325), 0.001 + 0.009 * (1 + 0.5.squareRoot()) / 2, accuracy: 1e-15)
        XCTAssertEqual(schedule.rate(atStep: 1000), 0.001, accuracy: 1e-18)
        XCTAssertEqual(schedule.rate(atStep: 5000), 0.001, accuracy: 1e-18)
        let noWarmup = try CosineDecay(peak: 1, steps: 10)
        XCTAssertEqual(noWarmup.rate(atStep: 0), 1)
        XCTAssertEqual(noWarmup.rate(atStep: 10), 0)
        for (bad, what) in [({ try CosineDecay(peak: 0, steps: 10) }, "peak"), ({ try CosineDecay(peak: 1, minimum: 2, steps: 10) }, "minimum"),
                            ({ try CosineDecay(peak: 1, steps: 10, warmupSteps: 10) }, "steps")] as [(() throws -> CosineDecay, String)] {
            XCTAssertThrowsError(try bad()) { XCTAssertTrue("\($0)".contains(what), "\($0)") }
        }
    }

    func testPiecewiseConstant() throws {
        let schedule = try PiecewiseConstant(values: [1e-4, 3e-5, 1e-5], boundaries: [10, 25])
        let expected: [(Int, Double)] = [(0, 1e-4), (9, 1e-4), (10, 3e-5), (24, 3e-5), (25, 1e-5), (1_000_000, 1e-5)]
        for (step, rate) in expected { XCTAssertEqual(schedule.rate(atStep: step), rate, "step \(step)") }
        XCTAssertEqual(try PiecewiseConstant(values: [0.5], boundaries: []).rate(atStep: 7), 0.5)
        for (values, boundaries, what) in [([1.0, 2.0], [Int](), "one more rate"), ([1.0, -1.0], [5], "not negative"),
                                           ([1.0, .nan], [5], "finite"), ([1.0, 2.0, 3.0], [5, 5], "increasing"),
                                           ([1.0, 2.0], [0], "≥ 1")] {
            XCTAssertThrowsError(try PiecewiseConstant(values: values, boundaries: boundaries)) { XCTAssertTrue("\($0)".contains(what), "\($0)") }
        }
    }

    func testClipByGlobalNorm() throws {
        // Gradients [3] and [4]: norm 5; clipped to 1 → scaled by 1/(5 + 1e-6).
        var g = [try Tensor<Double>(shape: [1], scalars: [3]), try Tensor<Double>(shape: [1], scalars: [4])]
        let norm = try GradientClipping.clipByGlobalNorm(&g, maxNorm: 1)
        XCTAssertEqual(norm, 5)
        XCTAssertEqual(g[0].scalars[0], 3 / (5 + 1e-6), accuracy: 1e-15)
        XCTAssertEqual(g[1].scalars[0], 4 / (5 + 1e-6), accuracy: 1e-15)
        // Below the limit nothing changes.
        var small = [try Tensor<Double>(shape: [2], scalars: [0.1, 0.2])]
        XCTAssertEqual(try GradientClipping.clipByGlobalNorm(&small, maxNorm: 1), (0.05).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(small[0].scalars, [0.1, 0.2])
        // Non-finite gradients are refused with the tensor's name.
        var bad = [try Tensor<Double>(shape: [2], scalars: [0.1, .infinity])]
        XCTAssertThrowsError(try GradientClipping.clipByGlobalNorm(&bad, maxNorm: 1, names: ["weight_hh_l0"])) { error in
            XCTAssertTrue("\(error)".contains("weight_hh_l0"), "\(error)")
        }
        var values = [try Tensor<Double>(shape: [3], scalars: [-5, 0.5, 7])]
        GradientClipping.clipByValue(&values, limit: 1)
        XCTAssertEqual(values[0].scalars, [-1, 0.5, 1])
    }
}
