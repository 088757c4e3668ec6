// Fuzz target for the untrusted-file readers (safetensors, .npy and the UEA/UCR archive's .ts).
//
// Built normally, it replays files given on the command line (a regression run over a corpus).
// Built by Scripts/fuzz.sh with `--sanitize=fuzzer -Xswiftc -DFUZZING` (and `--sanitize=address` with --asan, as
// CI runs it), libFuzzer drives `LLVMFuzzerTestOneInput` with mutated inputs, guided by coverage.
import Recurrent
import RecurrentData

func exercise(_ bytes: [UInt8]) {
    if let contents = try? SafeTensors.decode(bytes, as: Float.self, source: "fuzz") {
        // Anything accepted must be internally consistent.
        for (_, tensor) in contents.tensors {
            precondition(tensor.count == tensor.shape.reduce(1, *), "accepted tensor with inconsistent shape")
        }
    }
    _ = try? NPY.decode(bytes, as: Double.self, source: "fuzz")
    if let file = try? TimeSeriesFile.parse(bytes: bytes, source: "fuzz") {
        // Anything accepted keeps the documented invariants.
        precondition(file.dimensions >= 1 && file.values.count == file.count, "accepted .ts file with inconsistent cases")
        for (length, values) in zip(file.lengths, file.values) {
            precondition(length >= 1 && values.count == length * file.dimensions, "accepted .ts case of inconsistent length")
            precondition(values.allSatisfy(\.isFinite), "accepted a non-finite .ts value")
        }
        if let labels = file.labels, let names = file.classNames {
            precondition(labels.count == file.count && labels.allSatisfy { names.indices.contains($0) }, "accepted .ts label out of range")
        }
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    exercise(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#else
import RecurrentInitializers
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            do {
                exercise(try FileIO.readAll(path))
            } catch {
                print("cannot read \(path): \(error)")
                exit(1)
            }
        }
        print("replayed \(CommandLine.arguments.count - 1) input(s) without a crash")
    }
}
#endif
