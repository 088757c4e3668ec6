// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "swift-recurrent",
    products: [
        .library(name: "Recurrent", targets: ["Recurrent"]),
        .library(name: "RecurrentInitializers", targets: ["RecurrentInitializers"]),
        .library(name: "RecurrentTraining", targets: ["RecurrentTraining"]),
        .library(name: "RecurrentData", targets: ["RecurrentData"]),
        .library(name: "RecurrentDiagnostics", targets: ["RecurrentDiagnostics"]),
        .executable(name: "rnn", targets: ["rnn"]),
    ],
    targets: [
        // Initializations as plain row-major arrays; depends on nothing.
        .target(name: "RecurrentInitializers"),
        // GEMM and activation kernels with runtime CPU dispatch (AVX-512 / AVX2+FMA / portable C).
        .target(name: "CRecurrentKernels"),
        // Tensors, cells, the sequence loop and BPTT, the stacked/bidirectional model with its readout.
        .target(name: "Recurrent", dependencies: ["RecurrentInitializers", "CRecurrentKernels"]),
        // Losses, optimizers, learning-rate schedules, the training loop, checkpoints.
        .target(name: "RecurrentTraining", dependencies: ["Recurrent", "RecurrentInitializers", "RecurrentData"]),
        // Datasets: addition/multiplication problems, MNIST from IDX (gzip decoded in-house).
        .target(name: "RecurrentData", dependencies: ["Recurrent", "RecurrentInitializers"]),
        // Spectra of recurrent matrices, hidden-state dynamics, SVG plots of both.
        .target(name: "RecurrentDiagnostics", dependencies: ["Recurrent", "RecurrentInitializers"]),
        .executableTarget(name: "rnn", dependencies: ["Recurrent", "RecurrentInitializers", "RecurrentTraining", "RecurrentData",
                                                      "RecurrentDiagnostics"]),
        // Fuzz target for the safetensors and .npy readers (see Scripts/fuzz.sh); replays a corpus when built normally.
        .executableTarget(name: "safetensors-fuzz", dependencies: ["Recurrent", "RecurrentInitializers", "RecurrentData"]),
        .testTarget(name: "RecurrentInitializersTests", dependencies: ["RecurrentInitializers"]),
        .testTarget(name: "RecurrentTests", dependencies: ["Recurrent", "RecurrentInitializers"], exclude: ["Fixtures"]),
        .testTarget(name: "RecurrentTrainingTests", dependencies: ["RecurrentTraining", "Recurrent", "RecurrentInitializers", "RecurrentData"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "RecurrentDiagnosticsTests", dependencies: ["RecurrentDiagnostics", "Recurrent", "RecurrentInitializers"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "RecurrentDataTests", dependencies: ["RecurrentData", "Recurrent", "RecurrentInitializers"]),
        // Every ```swift block of README.md and the DocC articles, compiled and run (see Tests/DocumentationExamplesTests/SnippetHarness.swift).
        .testTarget(name: "DocumentationExamplesTests", dependencies: ["Recurrent", "RecurrentInitializers", "RecurrentTraining", "RecurrentData"]),
    ],
    swiftLanguageModes: [.v6]
)
