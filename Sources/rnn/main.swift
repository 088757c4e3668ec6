#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CRecurrentKernels

/// The subcommands of `rnn`. To add one, create `XxxCommand.swift` conforming to
/// ``Command`` and list it here.
enum Commands {
    static var all: [any Command.Type] {
        [
            InitCommand.self,
            TrainCommand.self,
            GenerateCommand.self,
            CompareCommand.self,
            PlotCommand.self,
            RunCommand.self,
            InfoCommand.self,
            BenchCommand.self,
            SpectrumCommand.self,
            DynamicsCommand.self,
        ]
    }
}

// Training frees and allocates the same large buffers at every step: keep them in the heap rather than give
// them back to the system and fault them in again (glibc; a no-op elsewhere).
_ = rnn_keep_freed_memory()
exit(Dispatcher.main(Array(CommandLine.arguments.dropFirst())))
