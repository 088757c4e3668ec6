extension RecurrentModel {
    /// The gradient flow through time of the bottom layer (forward direction): `norms[t] = ‖∂L/∂h_t‖` for the loss
    /// whose output gradient is given (see `RecurrentLayer.backward(_:outputGradient:finalStateGradient:into:recordingGradientFlow:)`).
    /// Parameters are not changed; the gradients computed on the way are discarded.
    /// - Parameters:
    ///   - pass: a forward pass of this model.
    ///   - outputGradient: ∂L/∂output, shaped like `pass.output`.
    /// - Returns: T norms, step 0 first.
    public func gradientFlow(_ pass: Pass, outputGradient: Tensor<Scalar>) throws -> [Double] {
        var gradients = zeroGradients()
        var flow: [Double]? = []
        _ = try backward(pass, outputGradient: outputGradient, into: &gradients, flow: &flow)
        return flow ?? []
    }
}
