/// Errors thrown by ``Initializers``, ``SymmetricEigensolver`` and ``RandomGenerator``.
///
/// Every message names the function and the argument at fault, so that a failure
/// deep inside model construction can be traced without a debugger.
///
/// ```swift
/// do {
///     _ = try Initializers.identity(size: 0)
/// } catch {
///     print(error)   // Initializers.identity(size:scale:): size must be positive, got 0
/// }
/// ```
public enum InitializerError: Error, Equatable, CustomStringConvertible {
    /// A size argument is zero or negative.
    ///
    /// - Parameters:
    ///   - what: the function and argument, e.g. `"Initializers.identity(size:scale:): size"`.
    ///   - value: the rejected value.
    case invalidSize(what: String, value: Int)
    /// An argument that is not usable (non-finite, negative, wrong shape, not symmetric, …);
    /// the message names the function and the argument.
    case invalidArgument(String)
    /// An iterative algorithm did not converge within its iteration cap; the message
    /// names the algorithm and where it stopped.
    case notConverged(String)

    /// A one-line message naming what went wrong and where.
    ///
    /// ```swift
    /// InitializerError.invalidSize(what: "Initializers.lstmBias(hiddenSize:forgetBias:): hiddenSize", value: -1).description
    /// // "Initializers.lstmBias(hiddenSize:forgetBias:): hiddenSize must be positive, got -1"
    /// ```
    public var description: String {
        switch self {
        case let .invalidSize(what, value):
            return "\(what) must be positive, got \(value)"
        case let .invalidArgument(message):
            return message
        case let .notConverged(message):
            return message
        }
    }
}
