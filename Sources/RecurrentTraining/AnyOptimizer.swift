import Recurrent

/// One of the library's optimizers, chosen at run time (for example from a command-line flag).
///
/// Every member of ``Optimizer`` forwards to the wrapped optimizer, so a ``Trainer`` can hold any of them
/// in one stored property and checkpoint its state.
///
/// ```swift
/// var optimizer = try AnyOptimizer<Float>(name: "nesterov", learningRate: 0.01)
/// optimizer.learningRate = 0.005          // forwarded to the wrapped SGD
/// ```
public enum AnyOptimizer<Scalar: RecurrentScalar>: Optimizer {
    /// Stochastic gradient descent, optionally with (Nesterov) momentum.
    case sgd(SGD<Scalar>)
    /// RMSprop.
    case rmsprop(RMSprop<Scalar>)
    /// Adam with bias correction.
    case adam(Adam<Scalar>)

    /// Builds an optimizer by name: `sgd` (momentum 0.9), `nesterov` (Nesterov momentum 0.9), `rmsprop`, `adam`,
    /// `adamw` (Adam with decoupled weight decay).
    /// - Parameters:
    ///   - name: one of `sgd`, `nesterov`, `rmsprop`, `adam`, `adamw`.
    ///   - learningRate: the initial learning rate.
    ///   - weightDecay: λ ≥ 0: L2 decay added to the gradient, or for `adamw` applied to the weights
    ///     (default 0, or PyTorch's 0.01 for `adamw`).
    /// - Throws: `RecurrentError.invalidArgument` for an unknown name.
    public init(name: String, learningRate: Double, weightDecay: Double? = nil) throws {
        let lambda = weightDecay ?? (name == "adamw" ? 0.01 : 0)
        switch name {
        case "sgd": self = .sgd(SGD(learningRate: learningRate, momentum: 0.9, weightDecay: lambda))
        case "nesterov": self = .sgd(SGD(learningRate: learningRate, momentum: 0.9, nesterov: true, weightDecay: lambda))
        case "rmsprop": self = .rmsprop(RMSprop(learningRate: learningRate, weightDecay: lambda))
        case "adam": self = .adam(Adam(learningRate: learningRate, weightDecay: lambda))
        case "adamw": self = .adam(Adam(learningRate: learningRate, weightDecay: lambda, decoupledWeightDecay: true))
        default:
            throw RecurrentError.invalidArgument(
                what: "optimizer", reason: "unknown name '\(name)'; use sgd, nesterov, rmsprop, adam or adamw")
        }
    }

    /// The wrapped optimizer's learning rate; setting it sets the wrapped optimizer's.
    public var learningRate: Double {
        get {
            switch self {
            case let .sgd(o): return o.learningRate
            case let .rmsprop(o): return o.learningRate
            case let .adam(o): return o.learningRate
            }
        }
        set {
            switch self {
            case var .sgd(o): o.learningRate = newValue; self = .sgd(o)
            case var .rmsprop(o): o.learningRate = newValue; self = .rmsprop(o)
            case var .adam(o): o.learningRate = newValue; self = .adam(o)
            }
        }
    }

    /// The wrapped optimizer's per-tensor learning-rate multipliers; setting them sets the wrapped optimizer's.
    public var learningRateScales: [Double] {
        get {
            switch self {
            case let .sgd(o): return o.learningRateScales
            case let .rmsprop(o): return o.learningRateScales
            case let .adam(o): return o.learningRateScales
            }
        }
        set {
            switch self {
            case var .sgd(o): o.learningRateScales = newValue; self = .sgd(o)
            case var .rmsprop(o): o.learningRateScales = newValue; self = .rmsprop(o)
            case var .adam(o): o.learningRateScales = newValue; self = .adam(o)
            }
        }
    }

    /// The wrapped optimizer's number of updates.
    public var stepCount: Int {
        switch self {
        case let .sgd(o): return o.stepCount
        case let .rmsprop(o): return o.stepCount
        case let .adam(o): return o.stepCount
        }
    }

    /// One update by the wrapped optimizer (see ``Optimizer/update(_:gradients:)``).
    /// - Parameters:
    ///   - parameters: the tensors to update in place.
    ///   - gradients: ∂L/∂parameters, same count and shapes.
    /// - Throws: `RecurrentError` on a count or shape mismatch or an invalid learning-rate scale.
    public mutating func update(_ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>]) throws {
        switch self {
        case var .sgd(o): try o.update(&parameters, gradients: gradients); self = .sgd(o)
        case var .rmsprop(o): try o.update(&parameters, gradients: gradients); self = .rmsprop(o)
        case var .adam(o): try o.update(&parameters, gradients: gradients); self = .adam(o)
        }
    }

    /// The wrapped optimizer's buffers, for checkpoints.
    public var state: [Tensor<Scalar>] {
        switch self {
        case let .sgd(o): return o.state
        case let .rmsprop(o): return o.state
        case let .adam(o): return o.state
        }
    }

    /// Restores the wrapped optimizer's buffers and step count.
    /// - Parameters:
    ///   - state: tensors previously read from ``state``.
    ///   - stepCount: the ``stepCount`` saved with them.
    /// - Throws: `RecurrentError` when the tensors do not fit the wrapped optimizer.
    public mutating func restore(state: [Tensor<Scalar>], stepCount: Int) throws {
        switch self {
        case var .sgd(o): try o.restore(state: state, stepCount: stepCount); self = .sgd(o)
        case var .rmsprop(o): try o.restore(state: state, stepCount: stepCount); self = .rmsprop(o)
        case var .adam(o): try o.restore(state: state, stepCount: stepCount); self = .adam(o)
        }
    }
}
