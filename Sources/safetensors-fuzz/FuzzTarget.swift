// Fuzz target for the untrusted-file readers (safetensors and .npy).
//
// Built normally, it replays files given on the command line (a regression run over a corpus).
// Built by Scripts/fuzz.sh with `--sanitize=fuzzer -Xswiftc -DFUZZING`, libFuzzer drives
// `LLVMFuzzerTestOneInput` with mutated inputs under AddressSanitizer-free coverage feedback.
import Recurrent

func exercise(_ bytes: [UInt8]) {
    if let contents = try? SafeTensors.decode(bytes, as: Float.self, source: "fuzz") {
        // Anything accepted must be internally consistent.
        for (_, tensor) in contents.tensors {
            precondition(tensor.count == tensor.shape.reduce(1, *), "accepted tensor with inconsistent shape")
        }
    }
    _ = try? NPY.decode(bytes, as: Double.self, source: "fuzz")
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
