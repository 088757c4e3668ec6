/// The cells `rnn` builds by name, shared by every command (train, compare, run, bench).
///
/// The same names and cases as the library's cell registry; this file goes away when the command line
/// uses that registry.
enum CellKind: String, CaseIterable, Sendable {
    case srnn
    case srnnReLU = "srnn-relu"
    case lstm
    case gru
    case gruResetBefore = "gru-reset-before"
    case scrn
    case irnn
    case nprnn
}
