// Builds an np-RNN from public API only, runs a forward pass and BPTT, and checks one gradient
// against a finite difference, as a user would when trying the library for the first time.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Recurrent
import RecurrentInitializers

let cell = try SimpleRNNCell<Double>.npRNN(inputSize: 2, hiddenSize: 16, seed: 3)
let layer = RecurrentLayer(cell: cell)
var generator = RandomGenerator(seed: 1)
let x = try Tensor<Double>(shape: [10, 4, 2], scalars: (0..<80).map { _ in generator.nextUniform() })

let pass = try layer.forward(x)
let loss = pass.finalState.sum()
var gradients = layer.cell.zeroGradients()
_ = try layer.backward(pass, finalStateGradient: Tensor(shape: pass.finalState.shape, repeating: 1), into: &gradients)

// The largest entry of ∂L/∂W_hh, checked by central differences (a zero entry would prove nothing).
let epsilon = 1e-6
let index = gradients[2].scalars.indices.max { abs(gradients[2].scalars[$0]) < abs(gradients[2].scalars[$1]) }!
func lossWith(_ delta: Double) throws -> Double {
    var p = cell.parameters
    var w = p[2].scalars
    w[index] += delta
    p[2] = try Tensor(shape: p[2].shape, scalars: w)
    var c = cell
    try c.setParameters(p)
    return try RecurrentLayer(cell: c).forward(x).finalState.sum()
}
let numeric = (try lossWith(epsilon) - lossWith(-epsilon)) / (2 * epsilon)
let analytic = gradients[2].scalars[index]
print("loss \(loss)  dL/dW_hh[\(index / 16), \(index % 16)] analytic \(analytic) numeric \(numeric)")
guard analytic != 0, abs(analytic - numeric) <= 1e-6 * max(1, abs(numeric)) else {
    print("gradient mismatch")
    exit(1)
}
print("consumer OK")
