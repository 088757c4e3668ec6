import XCTest
@testable import RecurrentTraining
import Recurrent
import RecurrentData
import RecurrentInitializers

/// The update a `Trainer` step should make, written out by hand: forward, MSE on the last output, backward,
/// one plain SGD step — with hooks for what a regularizer adds. Trainer tests compare against it bit for bit.
/// - Parameters:
///   - model: the reference model, updated in place.
///   - batch: the batch the trainer saw.
///   - learningRate: SGD's rate.
///   - topOutputGradient: ∂(extra loss)/∂(top states) for the backward pass, from the model and its pass.
///   - adjustGradients: a last change to the parameter gradients before the update.
func handWrittenSGDStep(_ model: inout RecurrentModel<SimpleRNNCell<Double>>, on batch: TaskBatch<Double>, learningRate: Double,
                        topOutputGradient: (RecurrentModel<SimpleRNNCell<Double>>, RecurrentModel<SimpleRNNCell<Double>>.Pass) throws
                            -> Tensor<Double>? = { _, _ in nil },
                        adjustGradients: (RecurrentModel<SimpleRNNCell<Double>>, inout [Tensor<Double>]) throws -> Void = { _, _ in }) throws {
    var none: RandomGenerator? = nil
    let pass = try model.forward(batch.inputs, generator: &none)
    let loss = try Loss.meanSquaredError(prediction: pass.output, target: XCTUnwrap(batch.targets))
    var gradients = model.zeroGradients()
    try model.backwardWithoutInputGradient(pass, outputGradient: loss.gradient, topOutputGradient: topOutputGradient(model, pass),
                                           into: &gradients)
    try adjustGradients(model, &gradients)
    var sgd = SGD<Double>(learningRate: learningRate)
    var parameters = model.parameters
    try sgd.update(&parameters, gradients: gradients)
    try model.setParameters(parameters)
}
