/// A per-feature affine normalization of a model's raw input, x′_d = (x_d − μ_d) / σ_d, applied before the first
/// layer: the standardization fitted on the training data, carried by the model and its file so that a loaded
/// model takes raw input.
///
/// ``RecurrentModel`` applies it at the start of ``RecurrentModel/predict(_:lengths:)``,
/// ``RecurrentModel/step(_:state:)`` and ``RecurrentModel/forward(_:initialStates:lengths:generator:)`` (so
/// training, evaluation and inference all read raw input, and `predict(raw)` equals the model without
/// normalization on standardized input, bit for bit); ``RecurrentModel/backward(_:outputGradient:topOutputGradient:into:)``
/// returns ∂L/∂x = ∂L/∂x′ / σ. It is not trained. On a ragged batch only the real steps are normalized: padding
/// stays zero, as the layers never read it.
///
/// Each value is computed in `Double` and rounded once to the scalar type: x′ = Scalar((Double(x) − Double(μ)) / Double(σ)).
/// The module `RecurrentData` fits one on a data set (`FeatureStandardization`) and converts it.
///
/// ```swift
/// var model = try RecurrentModel(inputSize: 2, outputSize: 1) { input, _, _ in
///     try GRUCell<Float>(inputSize: input, hiddenSize: 8, seed: 1)
/// }
/// model.inputNormalization = try InputNormalization(mean: [10, -3], scale: [2, 0.5])
/// let raw = try Tensor<Float>(shape: [4, 1, 2], repeating: 10)   // (T, B, I), raw units
/// let y = try model.predict(raw)                                 // the network sees (10 − 10) / 2 = 0 and 26
/// ```
public struct InputNormalization<Scalar: RecurrentScalar>: Sendable, Equatable {
    /// μ_d, one per input feature, finite.
    public let mean: [Scalar]
    /// σ_d, one per input feature, finite and positive: the normalized input is (x − μ) / σ.
    public let scale: [Scalar]

    /// The tensor names under which a saved model stores the normalization: μ and σ, each of shape (I).
    public static var tensorNames: (mean: String, scale: String) { ("input_normalization.mean", "input_normalization.scale") }

    /// Creates a normalization.
    /// - Parameters:
    ///   - mean: μ_d, finite, at least one.
    ///   - scale: σ_d, finite and positive, as many as `mean`.
    /// - Throws: `RecurrentError.invalidArgument` naming the feature for a value out of range or mismatched counts.
    public init(mean: [Scalar], scale: [Scalar]) throws {
        guard !mean.isEmpty, mean.count == scale.count else {
            throw RecurrentError.invalidArgument(what: "InputNormalization",
                                                 reason: "needs as many means as scales (at least one), got \(mean.count) and \(scale.count)")
        }
        if let d = mean.firstIndex(where: { !$0.isFinite }) {
            throw RecurrentError.invalidArgument(what: "InputNormalization mean[\(d)]", reason: "must be finite, got \(mean[d])")
        }
        if let d = scale.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw RecurrentError.invalidArgument(what: "InputNormalization scale[\(d)]", reason: "must be finite and positive, got \(scale[d])")
        }
        self.mean = mean
        self.scale = scale
    }

    /// The number of features I it normalizes.
    public var featureCount: Int { mean.count }

    /// Normalizes an input whose last axis holds the features: (T, B, I) for a sequence batch, (B, I) for one step.
    /// - Parameters:
    ///   - input: a tensor with ``featureCount`` entries on its last axis.
    ///   - lengths: for a rank-3 input, optional per-row lengths: steps at and after a row's length are left as
    ///     they are (padding).
    /// - Returns: the normalized tensor, same shape.
    /// - Throws: `RecurrentError` when the last axis is not ``featureCount`` or the lengths do not fit the input.
    public func apply(to input: Tensor<Scalar>, lengths: [Int]? = nil) throws -> Tensor<Scalar> {
        let d = featureCount
        guard input.rank >= 1, input.shape[input.rank - 1] == d else {
            throw RecurrentError.shapeMismatch(operation: "InputNormalization input", expected: "last axis \(d)", got: "\(input.shape)")
        }
        let (mu, sigma) = (mean.map(Double.init), scale.map(Double.init))
        var result = input
        guard let lengths, input.rank == 3 else {
            result.withUnsafeMutableBufferPointer { x in
                for i in x.indices { x[i] = Scalar((Double(x[i]) - mu[i % d]) / sigma[i % d]) }
            }
            return result
        }
        let (steps, batch) = (input.shape[0], input.shape[1])
        guard lengths.count == batch, lengths.allSatisfy({ (0...steps).contains($0) }) else {
            throw RecurrentError.invalidArgument(what: "InputNormalization lengths",
                                                 reason: "expected \(batch) lengths in 0...\(steps), got \(lengths)")
        }
        result.withUnsafeMutableBufferPointer { x in   // (T, B, I)
            for (b, length) in lengths.enumerated() {
                for t in 0..<length {
                    let row = (t * batch + b) * d
                    for f in 0..<d { x[row + f] = Scalar((Double(x[row + f]) - mu[f]) / sigma[f]) }
                }
            }
        }
        return result
    }

    /// ∂L/∂x from ∂L/∂x′: each feature's gradient divided by its σ (padded steps carry a zero gradient either way).
    /// - Parameter gradient: ∂L/∂x′, last axis ``featureCount``.
    /// - Returns: ∂L/∂x, same shape.
    /// - Throws: `RecurrentError.shapeMismatch` when the last axis is not ``featureCount``.
    public func inputGradient(_ gradient: Tensor<Scalar>) throws -> Tensor<Scalar> {
        let d = featureCount
        guard gradient.rank >= 1, gradient.shape[gradient.rank - 1] == d else {
            throw RecurrentError.shapeMismatch(operation: "InputNormalization gradient", expected: "last axis \(d)", got: "\(gradient.shape)")
        }
        var result = gradient
        result.withUnsafeMutableBufferPointer { g in
            for i in g.indices { g[i] /= scale[i % d] }
        }
        return result
    }

    /// The two tensors a saved model stores, named by ``tensorNames``, each (I).
    public var namedTensors: [(String, Tensor<Scalar>)] {
        [(Self.tensorNames.mean, try! Tensor(shape: [featureCount], scalars: mean)),
         (Self.tensorNames.scale, try! Tensor(shape: [featureCount], scalars: scale))]
    }

    /// Reads the normalization stored in a file's tensors, if any.
    /// - Parameters:
    ///   - contents: a saved model (or a checkpoint's model part).
    ///   - inputSize: the model's input width I: both tensors must have shape (I).
    /// - Returns: `nil` when the file stores none (a file written before normalization existed: identity).
    /// - Throws: `RecurrentError` naming the file and the tensor when only one of the two is present, one has the
    ///   wrong shape, a mean is not finite, or a scale is not finite and positive.
    public static func stored(in contents: SafeTensors.Contents<Scalar>, inputSize: Int) throws -> InputNormalization? {
        let names = tensorNames
        let mean = contents.tensors.first { $0.name == names.mean }?.tensor
        let scale = contents.tensors.first { $0.name == names.scale }?.tensor
        if mean == nil && scale == nil { return nil }
        func checked(_ tensor: Tensor<Scalar>?, _ name: String) throws -> Tensor<Scalar> {
            let what = "\(contents.source): tensor '\(name)'"
            guard let tensor else {
                throw RecurrentError.invalidArgument(what: what, reason: "missing (the file stores only half of the input normalization)")
            }
            guard tensor.shape == [inputSize] else {
                throw RecurrentError.shapeMismatch(operation: what, expected: "[\(inputSize)]", got: "\(tensor.shape)")
            }
            try tensor.requireFinite(what)
            return tensor
        }
        let m = try checked(mean, names.mean), s = try checked(scale, names.scale)
        if let bad = s.scalars.firstIndex(where: { !($0 > 0) }) {
            throw RecurrentError.invalidArgument(what: "\(contents.source): tensor '\(names.scale)'",
                                                 reason: "scale[\(bad)] is \(s.scalars[bad]); every scale must be positive")
        }
        return try InputNormalization(mean: m.scalars, scale: s.scalars)
    }
}
