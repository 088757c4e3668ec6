import Recurrent

/// One of the library's optimizers, chosen at run time (for example from a command-line flag).
public enum AnyOptimizer<Scalar: RecurrentScalar>: Optimizer {
    case sgd(SGD<Scalar>)
    case rmsprop(RMSprop<Scalar>)
    case adam(Adam<Scalar>)

    /// Builds an optimizer by name: `sgd` (momentum 0.9), `nesterov` (Nesterov momentum 0.9), `rmsprop`, `adam`.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` for an unknown name.
    public init(name: String, learningRate: Double) throws {
        switch name {
        case "sgd": self = .sgd(SGD(learningRate: learningRate, momentum: 0.9))
        case "nesterov": self = .sgd(SGD(learningRate: learningRate, momentum: 0.9, nesterov: true))
        case "rmsprop": self = .rmsprop(RMSprop(learningRate: learningRate))
        case "adam": self = .adam(Adam(learningRate: learningRate))
        default:
            throw RecurrentError.invalidArgument(what: "optimizer", reason: "unknown name '\(name)'; use sgd, nesterov, rmsprop or adam")
        }
    }

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

    public var stepCount: Int {
        switch self {
        case let .sgd(o): return o.stepCount
        case let .rmsprop(o): return o.stepCount
        case let .adam(o): return o.stepCount
        }
    }

    public mutating func update(_ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>]) throws {
        switch self {
        case var .sgd(o): try o.update(&parameters, gradients: gradients); self = .sgd(o)
        case var .rmsprop(o): try o.update(&parameters, gradients: gradients); self = .rmsprop(o)
        case var .adam(o): try o.update(&parameters, gradients: gradients); self = .adam(o)
        }
    }

    public var state: [Tensor<Scalar>] {
        switch self {
        case let .sgd(o): return o.state
        case let .rmsprop(o): return o.state
        case let .adam(o): return o.state
        }
    }

    public mutating func restore(state: [Tensor<Scalar>], stepCount: Int) throws {
        switch self {
        case var .sgd(o): try o.restore(state: state, stepCount: stepCount); self = .sgd(o)
        case var .rmsprop(o): try o.restore(state: state, stepCount: stepCount); self = .rmsprop(o)
        case var .adam(o): try o.restore(state: state, stepCount: stepCount); self = .adam(o)
        }
    }
}
