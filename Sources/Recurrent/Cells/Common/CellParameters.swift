/// The trainable tensors of a cell, by name: a cell's parameter value and, of the same type, its gradient.
///
/// A cell's code reads and writes its tensors by name (`gradients.weightHH`); the flat list that optimizers see,
/// ``RecurrentCell/parameters``, and its names are derived from ``fields`` in one place, so slot numbers appear
/// nowhere. Every cell has `W_ih` (P, I) and `b_ih` (P): ``RecurrentLayer`` computes the input projection
/// and its gradients with them.
///
/// ```swift
/// let cell = try LSTMCell<Float>(inputSize: 2, hiddenSize: 8)
/// var gradients = cell.namedParameters.zeros()     // LSTMCell<Float>.Parameters
/// gradients.weightHH.zero()
/// print(cell.namedParameters.names)                // ["weight_ih", "bias_ih", "weight_hh", "bias_hh"]
/// ```
public protocol CellParameters<Scalar>: Sendable {
    /// The floating-point type of the tensors.
    associatedtype Scalar: RecurrentScalar
    /// W_ih (P, I): the input projection's weight.
    var weightIH: Tensor<Scalar> { get set }
    /// b_ih (P): the input projection's bias.
    var biasIH: Tensor<Scalar> { get set }
    /// Every tensor with its name (PyTorch-style where PyTorch has it), in the order of the flat view
    /// ``RecurrentCell/parameters``; `weight_ih` and `bias_ih` come first.
    var fields: [(name: String, keyPath: WritableKeyPath<Self, Tensor<Scalar>>)] { get }
    /// The tensors of ``fields``, in order: the flat view. The default reads them through the key paths of
    /// ``fields``, which a generic type builds anew at every call; a type may list its tensors directly.
    var tensors: [Tensor<Scalar>] { get }
    /// The names of the recurrent matrices, those that multiply the previous state (for example `weight_hh`):
    /// what recurrent-matrix regularizers and spectral diagnostics act on.
    var recurrentWeightNames: [String] { get }
}

extension CellParameters {
    /// The names of ``fields``, in order.
    public var names: [String] { fields.map(\.name) }

    /// The tensors of ``fields``, in order: the flat view (read through the key paths of ``fields``).
    public var tensors: [Tensor<Scalar>] { fields.map { self[keyPath: $0.keyPath] } }

    /// The tensor called `name`, or `nil`.
    public func tensor(named name: String) -> Tensor<Scalar>? {
        fields.first { $0.name == name }.map { self[keyPath: $0.keyPath] }
    }

    /// The recurrent matrices named by ``recurrentWeightNames``, in that order.
    public var recurrentWeights: [Tensor<Scalar>] { recurrentWeightNames.compactMap { tensor(named: $0) } }

    /// The same fields with every tensor zero: the starting point of accumulated gradients.
    public func zeros() -> Self {
        var copy = self
        for field in fields {
            let shape = copy[keyPath: field.keyPath].shape
            copy[keyPath: field.keyPath] = Tensor(unchecked: shape, scalars: Tensor<Scalar>.zeroedScalars(count: shape.reduce(1, *)))
        }
        return copy
    }

    /// Replaces every tensor from the flat view, after checking the count, each shape and that every value is finite.
    /// - Parameters:
    ///   - newValue: tensors in the order of ``fields``.
    ///   - owner: the name used in error messages, e.g. `LSTMCell.setParameters`.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` on a count mismatch,
    ///   ``RecurrentError/shapeMismatch(operation:expected:got:)`` naming the tensor whose shape is wrong, and
    ///   ``RecurrentError/nonFinite(what:index:)`` naming the tensor and the first NaN or infinity. Nothing is
    ///   replaced when anything is wrong.
    public mutating func replaceTensors(with newValue: [Tensor<Scalar>], owner: String) throws {
        let fields = self.fields
        guard newValue.count == fields.count else {
            throw RecurrentError.invalidArgument(
                what: owner, reason: "expected \(fields.count) tensors \(fields.map(\.name)), got \(newValue.count)")
        }
        for (field, new) in zip(fields, newValue) {
            try new.requireShape(self[keyPath: field.keyPath].shape, "\(owner)(\(field.name))")
            try new.requireFinite("\(owner)(\(field.name))")
        }
        for (field, new) in zip(fields, newValue) { self[keyPath: field.keyPath] = new }
    }

    /// Exchanges the tensors with those of a flat list of the same layout (no copies): a flat gradient list
    /// becomes a named value and back.
    @usableFromInline
    mutating func swapTensors(with list: inout [Tensor<Scalar>]) {
        for (index, field) in fields.enumerated() { swap(&self[keyPath: field.keyPath], &list[index]) }
    }
}
