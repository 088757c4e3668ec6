// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "swift-recurrent",
    products: [
        .library(name: "Recurrent", targets: ["Recurrent"]),
        .library(name: "RecurrentInitializers", targets: ["RecurrentInitializers"]),
        .executable(name: "rnn", targets: ["rnn"]),
    ],
    targets: [
        // Initializations as plain row-major arrays; depends on nothing.
        .target(name: "RecurrentInitializers"),
        // GEMM and activation kernels with runtime CPU dispatch (AVX-512 / AVX2+FMA / portable C).
        .target(name: "CRecurrentKernels"),
        // Tensors, cells, the sequence loop and BPTT.
        .target(name: "Recurrent", dependencies: ["RecurrentInitializers", "CRecurrentKernels"]),
        .executableTarget(name: "rnn", dependencies: ["Recurrent", "RecurrentInitializers"]),
        .testTarget(name: "RecurrentInitializersTests", dependencies: ["RecurrentInitializers"]),
        .testTarget(name: "RecurrentTests", dependencies: ["Recurrent", "RecurrentInitializers"]),
    ],
    swiftLanguageModes: [.v6]
)
