#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One subcommand of `rnn`, e.g. `rnn init`. Each lives in its own file and is listed in
/// ``Commands/all``.
///
/// Exit status convention: 0 success; 1 the command ran but failed (I/O, numerical
/// failure); 2 bad invocation (``UsageError``): one line saying what is wrong and where to find the usage.
protocol Command {
    /// The word after `rnn`, e.g. `"init"`.
    static var name: String { get }
    /// One line for the command list of `rnn --help`.
    static var summary: String { get }
    /// The full help text of `rnn NAME --help`.
    static var usage: String { get }
    /// Runs the command with the arguments that follow its name (`--help` is handled
    /// before this is called). Throw ``UsageError`` for a bad invocation; any other error
    /// is reported as a failure with exit status 1.
    static func run(_ arguments: [String]) throws -> Int32
}

/// A bad invocation: unknown flag, missing or malformed value, wrong argument count.
/// Reported as `rnn NAME: error: MESSAGE` and `see 'rnn NAME --help'`, exit status 2.
struct UsageError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Writes to standard error without buffering (C `stderr` is shared mutable state, which
/// Swift 6 does not allow to touch from arbitrary code).
func printError(_ text: String, newline: Bool = true) {
    var line = text
    if newline && !line.hasSuffix("\n") { line += "\n" }
    let bytes = Array(line.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { buffer in
            write(2, buffer.baseAddress! + offset, buffer.count - offset)
        }
        if written <= 0 {
            if written < 0 && errno == EINTR { continue }
            return
        }
        offset += written
    }
}

/// The dispatcher: `rnn COMMAND [ARGUMENTS]`.
enum Dispatcher {
    static var toolUsage: String {
        var text = """
            usage: rnn COMMAND [OPTIONS]

            Recurrent networks in Swift: initialise, train, benchmark and run RNNs.

            Commands:

            """
        let width = Commands.all.map { $0.name.count }.max() ?? 0
        for command in Commands.all {
            text += "  " + command.name + String(repeating: " ", count: width - command.name.count + 2)
                + command.summary + "\n"
        }
        text += """

            Run 'rnn COMMAND --help' for the options of one command.
            Exit status: 0 success, 1 failure, 2 invalid usage.
            """
        return text
    }

    /// The line after a usage error: where the usage is, instead of the whole usage after every typo.
    static func seeHelp(_ command: String?) -> String {
        "see 'rnn \(command.map { $0 + " " } ?? "")--help'"
    }

    /// Runs the tool and returns the process exit status.
    static func main(_ arguments: [String]) -> Int32 {
        guard let first = arguments.first else {
            printError(toolUsage)
            return 2
        }
        if first == "--help" || first == "-h" || first == "help" {
            if first == "help", arguments.count > 1 {
                guard let command = Commands.all.first(where: { $0.name == arguments[1] }) else {
                    printError("rnn: error: unknown command '\(arguments[1])'\n" + seeHelp(nil))
                    return 2
                }
                print(command.usage)
                return 0
            }
            print(toolUsage)
            return 0
        }
        if first == "--version" {
            print("rnn (swift-recurrent)")
            return 0
        }
        guard let command = Commands.all.first(where: { $0.name == first }) else {
            let kind = first.hasPrefix("-") ? "option" : "command"
            printError("rnn: error: unknown \(kind) '\(first)'\n" + seeHelp(nil))
            return 2
        }
        let rest = Array(arguments.dropFirst())
        if rest.prefix(while: { $0 != "--" }).contains(where: { $0 == "--help" || $0 == "-h" }) {
            print(command.usage)
            return 0
        }
        do {
            return try command.run(rest)
        } catch let error as UsageError {
            printError("rnn \(command.name): error: \(error.message)\n" + seeHelp(command.name))
            return 2
        } catch {
            printError("rnn \(command.name): error: \(error)")
            return 1
        }
    }
}
