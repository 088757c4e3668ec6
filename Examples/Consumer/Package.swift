// swift-tools-version: 6.0
// A user's package: depends on the library by path, as it would by URL and version.
import PackageDescription

let package = Package(
    name: "Consumer",
    dependencies: [.package(name: "swift-recurrent", path: "../..")],
    targets: [
        .executableTarget(name: "Consumer", dependencies: [
            .product(name: "Recurrent", package: "swift-recurrent"),
            .product(name: "RecurrentInitializers", package: "swift-recurrent"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
