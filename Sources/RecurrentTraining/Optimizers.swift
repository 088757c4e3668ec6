import Recurrent

/// Updates a list of parameter tensors from their gradients, PyTorch's update rules.
///
/// ```swift
/// var parameters = [try Tensor<Double>(shape: [2], scalars: [1, 2])]
/// let gradients = [try Tensor<Double>(shape: [2], scalars: [0.5, -0.5])]
/// var sgd = SGD<Double>(learningRate: 0.1)
/// try sgd.update(&parameters, gradients: gradients)   // parameters[0] == [0.95, 2.05]
/// ```
public protocol Optimizer<Scalar>: Sendable {
    /// The scalar type of the parameters.
    associatedtype Scalar: RecurrentScalar
    /// Current learning rate (schedules change it between steps).
    var learningRate: Double { get set }
    /// Per-tensor multipliers of ``learningRate``, in parameter order (PyTorch's parameter groups with their own
    /// `lr`): tensor k is updated with `learningRate · learningRateScales[k]`; missing entries are 1 and an
    /// empty list (the default) gives every tensor the same rate. Checked by ``update(_:gradients:)``: every
    /// scale must be finite and ≥ 0, and there may not be more scales than parameters.
    ///
    /// ```swift
    /// var rmsprop = RMSprop<Float>(learningRate: 1e-4)
    /// // an Elman cell's weight_ih, bias_ih, weight_hh, bias_hh: the recurrent matrix at 0.3 × 1e-4
    /// rmsprop.learningRateScales = [1, 1, 0.3, 1]
    /// ```
    var learningRateScales: [Double] { get set }
    /// Number of updates applied so far.
    var stepCount: Int { get }
    /// One update: `parameters` and `gradients` must have the same shapes, in the same order, on every call.
    /// - Parameters:
    ///   - parameters: the tensors to update in place.
    ///   - gradients: ∂L/∂parameters, same count and shapes.
    /// - Throws: `RecurrentError` on a count or shape mismatch, an invalid learning-rate scale or weight decay
    ///   (nothing is updated then).
    mutating func update(_ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>]) throws
    /// Internal buffers (momentum, moments), for checkpoints.
    var state: [Tensor<Scalar>] { get }
    /// Restores buffers saved from ``state`` together with the step count.
    /// - Parameters:
    ///   - state: tensors previously read from ``state``.
    ///   - stepCount: the ``stepCount`` saved with them.
    /// - Throws: `RecurrentError` when the number of tensors does not fit the optimizer.
    mutating func restore(state: [Tensor<Scalar>], stepCount: Int) throws
}

func checkUpdate<S: RecurrentScalar>(_ parameters: [Tensor<S>], _ gradients: [Tensor<S>], scales: [Double],
                                     weightDecay: Double, _ name: String) throws {
    guard parameters.count == gradients.count else {
        throw RecurrentError.invalidArgument(what: "\(name).update", reason: "\(parameters.count) parameters but \(gradients.count) gradients")
    }
    for (index, (p, g)) in zip(parameters, gradients).enumerated() {
        try g.requireShape(p.shape, "\(name).update gradient \(index)")
    }
    guard scales.count <= parameters.count else {
        throw RecurrentError.invalidArgument(what: "\(name).learningRateScales",
                                             reason: "\(scales.count) scales for \(parameters.count) parameters")
    }
    if let index = scales.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
        throw RecurrentError.invalidArgument(what: "\(name).learningRateScales[\(index)]",
                                             reason: "must be finite and ≥ 0, got \(scales[index])")
    }
    guard weightDecay.isFinite && weightDecay >= 0 else {
        throw RecurrentError.invalidArgument(what: "\(name).weightDecay", reason: "must be finite and ≥ 0, got \(weightDecay)")
    }
}

/// The learning rate of tensor k: `learningRate · scales[k]`, or `learningRate` where no scale is given.
func scaledRate(_ learningRate: Double, _ scales: [Double], _ k: Int) -> Double {
    k < scales.count ? learningRate * scales[k] : learningRate
}

/// Buffers shaped like the parameters, created on the first update.
func matchingBuffers<S: RecurrentScalar>(_ buffers: inout [Tensor<S>], _ parameters: [Tensor<S>]) {
    if buffers.count != parameters.count || zip(buffers, parameters).contains(where: { $0.shape != $1.shape }) {
        buffers = parameters.map { try! Tensor(shape: $0.shape) }
    }
}

func restoreBuffers<S: RecurrentScalar>(_ state: [Tensor<S>], count: Int, _ name: String) throws -> [[Tensor<S>]] {
    guard count > 0 else { return [] }
    guard state.count % count == 0 else {
        throw RecurrentError.invalidArgument(what: "\(name).restore", reason: "state has \(state.count) tensors, not a multiple of \(count)")
    }
    let n = state.count / count
    return (0..<count).map { Array(state[$0 * n..<($0 + 1) * n]) }
}

/// Stochastic gradient descent with optional momentum μ and Nesterov momentum (PyTorch's `SGD`):
///
///     v ← μ·v + g        p ← p − lr·v              (classic)
///     v ← μ·v + g        p ← p − lr·(g + μ·v)      (Nesterov)
public struct SGD<Scalar: RecurrentScalar>: Optimizer {
    /// lr.
    public var learningRate: Double
    /// Per-tensor multipliers of lr (see ``Optimizer/learningRateScales``); empty: one rate for all.
    public var learningRateScales: [Double] = []
    /// μ ∈ [0, 1); 0 is plain gradient descent.
    public var momentum: Double
    /// Whether the step uses Nesterov's look-ahead `g + μ·v` instead of `v`.
    public var nesterov: Bool
    /// λ, L2 weight decay: the gradient becomes g + λ·p (PyTorch's `weight_decay`; 0 disables).
    public var weightDecay: Double
    /// Updates applied so far.
    public private(set) var stepCount = 0
    var velocity: [Tensor<Scalar>] = []

    /// Plain, momentum or Nesterov SGD.
    /// - Parameters:
    ///   - learningRate: lr > 0.
    ///   - momentum: μ ∈ [0, 1).
    ///   - nesterov: use Nesterov momentum.
    ///   - weightDecay: λ ≥ 0, L2 weight decay added to the gradient (default 0).
    public init(learningRate: Double, momentum: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    /// One update: g ← g + λ·p, v ← μ·v + g, then p ← p − lr·v (or p − lr·(g + μ·v) with Nesterov), elementwise for
    /// every tensor.
    /// The buffers are created (zero) on the first call.
    /// - Parameters:
    ///   - parameters: the tensors to update in place.
    ///   - gradients: ∂L/∂parameters, same count and shapes.
    /// - Throws: `RecurrentError` on a count or shape mismatch, an invalid learning-rate scale or weight decay
    ///   (nothing is updated then).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func update(_ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>]) throws {
        try checkUpdate(parameters, gradients, scales: learningRateScales, weightDecay: weightDecay, "SGD")
        matchingBuffers(&velocity, parameters)
        let (mu, lambda) = (Scalar(momentum), Scalar(weightDecay))
        for k in parameters.indices {
            let lr = Scalar(scaledRate(learningRate, learningRateScales, k))
            let g = gradients[k].scalars
            velocity[k].withUnsafeMutableBufferPointer { v in
                parameters[k].withUnsafeMutableBufferPointer { p in
                    for j in 0..<p.count {
                        let gj = lambda == 0 ? g[j] : g[j] + lambda * p[j]
                        v[j] = mu * v[j] + gj
                        p[j] -= lr * (nesterov ? gj + mu * v[j] : v[j])
                    }
                }
            }
        }
        stepCount += 1
    }

    /// The velocity v of every parameter (empty before the first update).
    public var state: [Tensor<Scalar>] { velocity }
    /// Restores the velocities and the step count saved from ``state`` and ``stepCount``.
    /// - Parameters:
    ///   - state: one velocity per parameter, or none.
    ///   - stepCount: the updates done when the state was saved.
    public mutating func restore(state: [Tensor<Scalar>], stepCount: Int) throws {
        velocity = state
        self.stepCount = stepCount
    }
}

/// RMSprop (Tieleman & Hinton; PyTorch's `RMSprop` without centering or momentum):
///
///     s ← ρ·s + (1 − ρ)·g²        p ← p − lr·g / (√s + ε)
public struct RMSprop<Scalar: RecurrentScalar>: Optimizer {
    /// lr.
    public var learningRate: Double
    /// Per-tensor multipliers of lr (see ``Optimizer/learningRateScales``); empty: one rate for all.
    public var learningRateScales: [Double] = []
    /// ρ, the decay of the running mean of g² (PyTorch's `alpha`).
    public var decay: Double
    /// ε, added to √s in the denominator.
    public var epsilon: Double
    /// λ, L2 weight decay: the gradient becomes g + λ·p (PyTorch's `weight_decay`; 0 disables).
    public var weightDecay: Double
    /// Updates applied so far.
    public private(set) var stepCount = 0
    var meanSquare: [Tensor<Scalar>] = []

    /// RMSprop with PyTorch's defaults.
    /// - Parameters:
    ///   - learningRate: lr.
    ///   - decay: ρ (PyTorch's `alpha`, default 0.99).
    ///   - epsilon: ε added to √s (default 1e-8).
    ///   - weightDecay: λ ≥ 0, L2 weight decay added to the gradient (default 0).
    public init(learningRate: Double, decay: Double = 0.99, epsilon: Double = 1e-8, weightDecay: Double = 0) {
        self.learningRate = learningRate
        self.decay = decay
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// One update: g ← g + λ·p, s ← ρ·s + (1 − ρ)·g², then p ← p − lr·g / (√s + ε), elementwise for every tensor.
    /// The buffers are created (zero) on the first call.
    /// - Parameters:
    ///   - parameters: the tensors to update in place.
    ///   - gradients: ∂L/∂parameters, same count and shapes.
    /// - Throws: `RecurrentError` on a count or shape mismatch, an invalid learning-rate scale or weight decay
    ///   (nothing is updated then).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func update(_ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>]) throws {
        try checkUpdate(parameters, gradients, scales: learningRateScales, weightDecay: weightDecay, "RMSprop")
        matchingBuffers(&meanSquare, parameters)
        let (rho, eps, lambda) = (Scalar(decay), Scalar(epsilon), Scalar(weightDecay))
        for k in parameters.indices {
            let lr = Scalar(scaledRate(learningRate, learningRateScales, k))
            let g = gradients[k].scalars
            meanSquare[k].withUnsafeMutableBufferPointer { s in
                parameters[k].withUnsafeMutableBufferPointer { p in
                    for j in 0..<p.count {
                        let gj = lambda == 0 ? g[j] : g[j] + lambda * p[j]
                        s[j] = rho * s[j] + (1 - rho) * gj * gj
                        p[j] -= lr * gj / (s[j].squareRoot() + eps)
                    }
                }
            }
        }
        stepCount += 1
    }

    /// The running mean s of g² for every parameter (empty before the first update).
    public var state: [Tensor<Scalar>] { meanSquare }
    /// Restores the running means and the step count saved from ``state`` and ``stepCount``.
    /// - Parameters:
    ///   - state: one running mean per parameter, or none.
    ///   - stepCount: the updates done when the state was saved.
    public mutating func restore(state: [Tensor<Scalar>], stepCount: Int) throws {
        meanSquare = state
        self.stepCount = stepCount
    }
}

/// Adam (Kingma & Ba 2015; PyTorch's `Adam`), with bias correction:
///
///     m ← β₁·m + (1 − β₁)·g      v ← β₂·v + (1 − β₂)·g²
///     p ← p − lr·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
///
/// With weight decay λ, either g ← g + λ·p first (`Adam(weight_decay=λ)`), or, decoupled, p ← p·(1 − lr·λ)
/// first (`AdamW`):
///
/// ```swift
/// let adamW = Adam<Float>(learningRate: 1e-3, weightDecay: 0.01, decoupledWeightDecay: true)
/// ```
public struct Adam<Scalar: RecurrentScalar>: Optimizer {
    /// lr.
    public var learningRate: Double
    /// Per-tensor multipliers of lr (see ``Optimizer/learningRateScales``); empty: one rate for all.
    public var learningRateScales: [Double] = []
    /// β₁, the decay of the first moment m.
    public var beta1: Double
    /// β₂, the decay of the second moment v.
    public var beta2: Double
    /// ε, added to the corrected √v.
    public var epsilon: Double
    /// λ, weight decay (0 disables): added to the gradient as g + λ·p (PyTorch's `Adam(weight_decay:)`), or, when
    /// ``decoupledWeightDecay`` is set, applied to the weights as p ← p·(1 − lr·λ) before the step (`AdamW`).
    public var weightDecay: Double
    /// Whether ``weightDecay`` is decoupled from the gradient (AdamW, Loshchilov & Hutter 2019).
    public var decoupledWeightDecay: Bool
    /// Updates applied so far (t of the bias correction).
    public private(set) var stepCount = 0
    var firstMoment: [Tensor<Scalar>] = []
    var secondMoment: [Tensor<Scalar>] = []

    /// Adam with PyTorch's defaults.
    /// - Parameters:
    ///   - learningRate: lr (default 1e-3).
    ///   - beta1: β₁ (0.9).
    ///   - beta2: β₂ (0.999).
    ///   - epsilon: ε (1e-8).
    ///   - weightDecay: λ ≥ 0 (default 0).
    ///   - decoupledWeightDecay: decay the weights directly, as AdamW (PyTorch's `AdamW` default is λ = 0.01),
    ///     instead of adding λ·p to the gradient (default false).
    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0, decoupledWeightDecay: Bool = false) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
    }

    /// One update: the weight decay, the moments m and v, then the bias-corrected step, elementwise for every tensor.
    /// The buffers are created (zero) on the first call.
    /// - Parameters:
    ///   - parameters: the tensors to update in place.
    ///   - gradients: ∂L/∂parameters, same count and shapes.
    /// - Throws: `RecurrentError` on a count or shape mismatch, an invalid learning-rate scale or weight decay
    ///   (nothing is updated then).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func update(_ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>]) throws {
        try checkUpdate(parameters, gradients, scales: learningRateScales, weightDecay: weightDecay, "Adam")
        matchingBuffers(&firstMoment, parameters)
        matchingBuffers(&secondMoment, parameters)
        stepCount += 1
        let t = Double(stepCount)
        let correction1 = 1 - Double.exp(t * Double.log(beta1)), correction2 = 1 - Double.exp(t * Double.log(beta2))
        let (b1, b2, eps) = (Scalar(beta1), Scalar(beta2), Scalar(epsilon))
        let root2 = Scalar(correction2.squareRoot())
        let coupled = Scalar(decoupledWeightDecay ? 0 : weightDecay)
        for k in parameters.indices {
            let rate = scaledRate(learningRate, learningRateScales, k)
            let stepSize = Scalar(rate / correction1)
            let shrink = Scalar(decoupledWeightDecay ? 1 - rate * weightDecay : 1)
            let g = gradients[k].scalars
            firstMoment[k].withUnsafeMutableBufferPointer { m in
                secondMoment[k].withUnsafeMutableBufferPointer { v in
                    parameters[k].withUnsafeMutableBufferPointer { p in
                        for j in 0..<p.count {
                            if shrink != 1 { p[j] *= shrink }
                            let gj = coupled == 0 ? g[j] : g[j] + coupled * p[j]
                            m[j] = b1 * m[j] + (1 - b1) * gj
                            v[j] = b2 * v[j] + (1 - b2) * gj * gj
                            p[j] -= stepSize * m[j] / (v[j].squareRoot() / root2 + eps)
                        }
                    }
                }
            }
        }
    }

    /// The first moments m of every parameter, then the second moments v (empty before the first update).
    public var state: [Tensor<Scalar>] { firstMoment + secondMoment }
    /// Restores the moments and the step count (t of the bias correction) saved from ``state`` and ``stepCount``.
    /// - Parameters:
    ///   - state: the m tensors followed by the v tensors, or none.
    ///   - stepCount: the updates done when the state was saved.
    /// - Throws: `RecurrentError` when the tensors cannot be split into two equal halves.
    public mutating func restore(state: [Tensor<Scalar>], stepCount: Int) throws {
        let parts = try restoreBuffers(state, count: 2, "Adam")
        (firstMoment, secondMoment) = parts.isEmpty ? ([], []) : (parts[0], parts[1])
        self.stepCount = stepCount
    }
}

/// Gradient clipping, the standard remedy for exploding gradients in BPTT.
///
/// ```swift
/// var gradients = [try Tensor<Double>(shape: [2], scalars: [3, 4])]       // norm 5
/// let norm = try GradientClipping.clipByGlobalNorm(&gradients, maxNorm: 1)
/// // norm == 5; gradients[0] ≈ [0.6, 0.8]
/// ```
public enum GradientClipping {
    /// Scales all gradients together so their global L2 norm is at most `maxNorm` (PyTorch's `clip_grad_norm_`,
    /// factor `maxNorm / (norm + 1e-6)`), and returns the norm before clipping.
    /// - Parameters:
    ///   - gradients: the tensors, scaled in place.
    ///   - maxNorm: the largest allowed global norm (`.infinity` only checks finiteness).
    ///   - names: parameter names for the error message.
    /// - Returns: the global norm ‖g‖₂ before clipping.
    /// - Throws: `RecurrentError.nonFinite` naming the tensor when a gradient is NaN or infinite:
    ///   an update from it would silently destroy the model.
    @discardableResult
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public static func clipByGlobalNorm<S: RecurrentScalar>(_ gradients: inout [Tensor<S>], maxNorm: Double,
                                                             names: [String]? = nil) throws -> Double {
        var sum = 0.0
        for (k, g) in gradients.enumerated() {
            try g.requireFinite("gradient of \(names?[k] ?? "parameter \(k)")")
            for v in g.scalars { sum += Double(v) * Double(v) }
        }
        let norm = sum.squareRoot()
        if norm > maxNorm {
            let scale = S(maxNorm / (norm + 1e-6))
            for k in gradients.indices { gradients[k] = gradients[k].scaled(by: scale) }
        }
        return norm
    }

    /// Clamps every gradient element to [−limit, limit].
    /// - Parameters:
    ///   - gradients: the tensors, clamped in place.
    ///   - limit: the bound, > 0.
    public static func clipByValue<S: RecurrentScalar>(_ gradients: inout [Tensor<S>], limit: Double) {
        let l = S(limit)
        for k in gradients.indices { gradients[k] = gradients[k].map { Swift.min(Swift.max($0, -l), l) } }
    }
}
