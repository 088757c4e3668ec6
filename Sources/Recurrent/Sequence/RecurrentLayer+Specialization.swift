// The one place where the built-in cells are pre-specialized.
//
// `forward`, `infer` and the `backward` variants of ``RecurrentLayer`` are `@inlinable`: a caller that names
// its concrete cell type inlines them and gets specialized code. A generic caller — a `RecurrentModel<Cell>`
// built from a `CellKind` at run time, the trainer, the command-line tool — calls the library's compiled
// generic code instead, and without specialization its time loop would reach every scalar through protocol
// witnesses (several times slower). All passes therefore go through `run(_:gradients:)`, whose `@_specialize`
// list makes the generic entry point jump to code compiled for each built-in cell in Float and Double.
// Writing the list once is the reason for the `Job` value: Swift has no way to name an attribute list.
// A cell added to the library is added to this list to be fast from generic code — and to the one other list,
// on `RecurrentModel.step`, whose per-step work around the layers' passes is small enough that running it
// unspecialized (type metadata looked up at run time) cost as much as an LSTM step's product at hidden 64.

import CRecurrentKernels

extension RecurrentLayer {
    /// One pass of the time loop, as asked by a public entry point.
    @usableFromInline
    enum Job {
        /// ``RecurrentLayer/forward(_:initialState:lengths:)``: input, initial state, lengths.
        case forward(Tensor<Scalar>, Tensor<Scalar>?, [Int]?)
        /// ``RecurrentLayer/infer(_:initialState:lengths:)``: input, initial state, lengths, and the
        /// ``InferencePlan`` of an earlier pass to reuse (`nil`: the pass makes its own).
        case infer(Tensor<Scalar>, Tensor<Scalar>?, [Int]?, InferencePlan?)
        /// The backward variants: the pass, output and final-state gradients, the gradient-flow record.
        case backward(Pass, Tensor<Scalar>?, Tensor<Scalar>?, UnsafeMutablePointer<Double>?, inputGradient: Bool)
    }

    /// What a ``Job`` returns, case for case.
    @usableFromInline
    enum Outcome {
        case forward(Pass)
        case infer(Tensor<Scalar>, Tensor<Scalar>)
        case backward(Tensor<Scalar>, Tensor<Scalar>)
    }

    /// Runs one job; `gradients` is read and added to by a backward job only.
    @inlinable
    @_specialize(where Cell == LSTMCell<Float>)
    @_specialize(where Cell == LSTMCell<Double>)
    @_specialize(where Cell == GRUCell<Float>)
    @_specialize(where Cell == GRUCell<Double>)
    @_specialize(where Cell == SimpleRNNCell<Float>)
    @_specialize(where Cell == SimpleRNNCell<Double>)
    @_specialize(where Cell == SCRNCell<Float>)
    @_specialize(where Cell == SCRNCell<Double>)
    func run(_ job: Job, gradients: inout [Tensor<Scalar>]) throws -> Outcome {
        // The whole pass runs with subnormals flushed to zero when `KernelSettings.flushesSubnormals` (x86-64);
        // the caller's floating-point mode is back on return.
        let callerMode = rnn_fp_enter()
        defer { rnn_fp_leave(callerMode) }
        switch job {
        case let .forward(input, initialState, lengths):
            return .forward(try forwardPass(input, initialState: initialState, lengths: lengths))
        case let .infer(input, initialState, lengths, plan):
            let (outputs, finalState) = try inferencePass(input, initialState: initialState, lengths: lengths, reusing: plan)
            return .infer(outputs, finalState)
        case let .backward(pass, outputGradient, finalStateGradient, norms, inputGradient):
            let (dInput, dInitial) = try backwardPass(pass, outputGradient: outputGradient,
                                                      finalStateGradient: finalStateGradient, into: &gradients,
                                                      stateGradientNorms: norms, inputGradient: inputGradient)
            return .backward(dInput, dInitial)
        }
    }
}
