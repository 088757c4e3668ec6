#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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

exit(Dispatcher.main(Array(CommandLine.arguments.dropFirst())))
