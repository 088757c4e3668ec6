/// Every cell the library builds by name: the one registry that the command line, saved files and
/// documentation share. Adding a cell is one folder under `Cells/` and one case here (with its line in
/// ``summary`` and in ``CellSpecification/visit(_:)``).
///
/// ```swift
/// let kind = try CellKind(name: "nprnn")
/// print(kind.summary)
/// ```
public enum CellKind: String, CaseIterable, Sendable {
    /// Elman RNN with tanh, PyTorch's default initialization.
    case srnn
    /// Elman RNN with ReLU, PyTorch's default initialization.
    case srnnReLU = "srnn-relu"
    /// LSTM, forget-gate bias 1 by default (Jozefowicz et al. 2015).
    case lstm
    /// GRU with the reset gate after the recurrent product (PyTorch, cuDNN).
    case gru
    /// GRU with the reset gate before the recurrent product (Cho et al. 2014).
    case gruResetBefore = "gru-reset-before"
    /// Structurally constrained RNN (Mikolov et al. 2014).
    case scrn
    /// IRNN (Le, Jaitly & Hinton 2015): ReLU, `W_hh = scale·I` (scale 1 in the paper; see
    /// ``CellSpecification/identityScale``).
    case irnn
    /// np-RNN (Talathi & Vartak 2015): ReLU, normalized positive-definite `W_hh`.
    case nprnn
    /// np-tanhRNN: the np-RNN initialization with tanh, the comparison of Talathi & Vartak 2015.
    case nptanh

    /// One line describing the kind, for help texts.
    public var summary: String {
        switch self {
        case .srnn: "Elman RNN, tanh, PyTorch initialization"
        case .srnnReLU: "Elman RNN, ReLU, PyTorch initialization"
        case .lstm: "LSTM (PyTorch gate order), forget-gate bias 1"
        case .gru: "GRU, reset gate after the recurrent product (PyTorch)"
        case .gruResetBefore: "GRU, reset gate before the recurrent product (Cho et al. 2014)"
        case .scrn: "structurally constrained RNN: fast sigmoid layer and slow context (Mikolov et al. 2014)"
        case .irnn: "IRNN: ReLU, W_hh = scale·I, zero biases (Le et al. 2015)"
        case .nprnn: "np-RNN: ReLU, normalized positive-definite W_hh (Talathi & Vartak 2015)"
        case .nptanh: "np-tanhRNN: tanh with the np-RNN initialization (Talathi & Vartak 2015)"
        }
    }

    /// The valid names, in registry order, joined by `|` (for usage texts).
    public static var namesList: String { allCases.map(\.rawValue).joined(separator: "|") }

    /// The kind called `name`.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` listing the valid names.
    public init(name: String) throws {
        guard let kind = CellKind(rawValue: name) else {
            throw RecurrentError.invalidArgument(
                what: "cell '\(name)'", reason: "unknown cell; valid names: \(CellKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = kind
    }

    /// Whether the cell is a simple (Elman) RNN, whatever its nonlinearity and initialization.
    public var isSimpleRNN: Bool {
        switch self {
        case .srnn, .srnnReLU, .irnn, .nprnn, .nptanh: true
        case .lstm, .gru, .gruResetBefore, .scrn: false
        }
    }
}

/// Builds cells: a generic operation over the cell type that ``CellSpecification/visit(_:)`` calls with the
/// concrete cell of a ``CellKind`` (Swift has no generic closures, so the "for any cell type" step is a method).
///
/// ```swift
/// struct CountParameters: CellVisitor {
///     typealias Scalar = Float
///     func visit<Cell: RecurrentCell>(_ makeCell: (Int, Int, Int) throws -> Cell) throws -> Int
///     where Cell.Scalar == Float {
///         try makeCell(3, 0, 0).parameterCount
///     }
/// }
/// let spec = CellSpecification(kind: .lstm, inputSize: 3, hiddenSize: 8)
/// let count = try spec.visit(CountParameters())   // 4·8·(3 + 8) + 2·4·8 = 416
/// ```
public protocol CellVisitor {
    /// The scalar type of the cells to build.
    associatedtype Scalar: RecurrentScalar
    /// What the visit returns.
    associatedtype Result
    /// Called once with a cell factory of the specification's concrete cell type.
    /// - Parameter makeCell: builds the cell of a layer from (input width, layer index, direction index);
    ///   the seed of each (layer, direction) is ``CellSpecification/seed(layer:direction:)``.
    func visit<Cell: RecurrentCell>(_ makeCell: (_ inputSize: Int, _ layer: Int, _ direction: Int) throws -> Cell) throws
        -> Result where Cell.Scalar == Scalar
}
