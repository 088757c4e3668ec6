import Recurrent
import RecurrentInitializers

extension RecurrentModel {
    /// A copy of this model for one training pass with variational recurrent dropout (Gal & Ghahramani 2016):
    /// every layer's cell (both directions) gets its own mask (B, H), one row per sequence, drawn from
    /// `generator` bottom layer first, fixed over all steps of the pass. Run forward and backward with the
    /// copy (so the backward pass applies the masks of its forward pass); the parameters are shared, so its
    /// gradients are this model's. With p = 0 the result is this model, unchanged.
    /// - Parameters:
    ///   - probability: p in [0, 1).
    ///   - batch: B of the coming pass.
    ///   - generator: the source of the masks.
    /// - Throws: for p outside [0, 1), B ≤ 0, or a cell that does not support the mask (only
    ///   `RecurrentDropoutCell` cells do: LSTM, and GRU with the reset gate after the product).
    public func withRecurrentDropout(_ probability: Double, batch: Int, generator: inout RandomGenerator) throws -> RecurrentModel {
        guard probability >= 0, probability < 1 else {
            throw RecurrentError.invalidArgument(what: "recurrent dropout", reason: "must be in [0, 1), got \(probability)")
        }
        guard probability > 0 else { return self }
        var copy = self
        for l in layers.indices {
            copy.layers[l].cell = try masked(layers[l].cell, probability, batch: batch, generator: &generator)
            if isBidirectional {
                copy.reverseLayers[l].cell = try masked(reverseLayers[l].cell, probability, batch: batch, generator: &generator)
            }
        }
        return copy
    }

    /// Whether every cell supports variational recurrent dropout.
    public var supportsRecurrentDropout: Bool {
        (layers + reverseLayers).allSatisfy { $0.cell is any RecurrentDropoutCell }
    }

    private func masked(_ cell: Cell, _ p: Double, batch: Int, generator: inout RandomGenerator) throws -> Cell {
        guard let capable = cell as? any RecurrentDropoutCell<Scalar>,
              let result = try applyMask(capable, p, batch: batch, generator: &generator) as? Cell else {
            let kind = cell.descriptor["cell"] ?? "\(Cell.self)"
            throw RecurrentError.invalidArgument(what: "recurrent dropout",
                                                 reason: "needs LSTM or GRU (reset after the product) cells, not \(kind)")
        }
        return result
    }

    private func applyMask<C: RecurrentDropoutCell>(_ cell: C, _ p: Double, batch: Int, generator: inout RandomGenerator) throws -> C {
        let h = cell.outputSize
        let mask: Tensor<C.Scalar> = try recurrentDropoutMask(batch: batch, hiddenSize: h, probability: p, generator: &generator)
        return try cell.applyingRecurrentMask(mask)
    }
}
