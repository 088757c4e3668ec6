import Recurrent

/// One of the library's optimizers, chosen at run time (for example from a command-line flag).
///
/// Every member of ``Optimizer`` forwards to the wrapped optimizer (through ``base``), so a ``Trainer`` can hold
/// any of them in one stored property and checkpoint its state. In a ``Trainer`` the learning rate belongs to
/// the schedule (``TrainingConfiguration/schedule``), which sets the optimizer's rate before every update;
/// the rate given here is the one used outside a trainer.
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

    /// The wrapped optimizer, as an existential: every member of ``Optimizer`` below forwards to it.
    public var base: any Optimizer<Scalar> {
        switch self {
        case let .sgd(o): o
        case let .rmsprop(o): o
        case let .adam(o): o
        }
    }

    /// Runs `body` on the wrapped optimizer and stores the result back in the same case. `self` lets go of its
    /// copy first, so that the optimizer's buffers are uniquely referenced and updated in place.
    private mutating func mutateBase<R>(_ body: (inout any Optimizer<Scalar>) throws -> R) rethrows -> R {
        var wrapped = base
        self = .sgd(SGD(learningRate: 0))
        defer {
            switch wrapped {
            case let o as SGD<Scalar>: self = .sgd(o)
            case let o as RMSprop<Scalar>: self = .rmsprop(o)
            case let o as Adam<Scalar>: self = .adam(o)
            default: preconditionFailure("AnyOptimizer wraps only SGD, RMSprop and Adam")
            }
        }
        return try body(&wrapped)
    }

    /// The wrapped optimizer's learning rate; setting it sets the wrapped optimizer's.
    public var learningRate: Double {
        get { base.learningRate }
        set { mutateBase { $0.learningRate = newValue } }
    }

    /// The wrapped optimizer's per-tensor learning-rate multipliers; setting them sets the wrapped optimizer's.
    public var learningRateScales: [Double] {
        get { base.learningRateScales }
        set { mutateBase { $0.learningRateScales = newValue } }
    }

    /// The wrapped optimizer's number of updates.
    public var stepCount: Int { base.stepCount }

    /// One update by the wrapped optimizer (see ``Optimizer/update(_:gradients:)``).
    /// - Parameters:
    ///   - parameters: the tensors to update in place.
    ///   - gradients: ∂L/∂parameters, same count and shapes.
    /// - Throws: `RecurrentError` on a count or shape mismatch or an invalid learning-rate scale.
    public mutating func update(_ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>]) throws {
        try mutateBase { try $0.update(&parameters, gradients: gradients) }
    }

    /// The wrapped optimizer's buffers, for checkpoints.
    public var state: [Tensor<Scalar>] { base.state }

    /// Restores the wrapped optimizer's buffers and step count.
    /// - Parameters:
    ///   - state: tensors previously read from ``state``.
    ///   - stepCount: the ``stepCount`` saved with them.
    /// - Throws: `RecurrentError` when the tensors do not fit the wrapped optimizer.
    public mutating func restore(state: [Tensor<Scalar>], stepCount: Int) throws {
        try mutateBase { try $0.restore(state: state, stepCount: stepCount) }
    }
}
