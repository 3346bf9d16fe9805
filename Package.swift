// swift-tools-version: 6.1
import PackageDescription

/// Release builds keep preconditions (`-O`, not `-Ounchecked`); hot paths rely on them.
/// The simulation's hot targets skip the runtime exclusivity checks in release builds
/// (debug builds keep them, and the test suite runs in debug): they cost a fifth of the
/// simulator's time in a profile.
let hotPathSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

/// On x86-64 the consensus core is compiled for SSSE3, which every x86-64 processor since
/// Intel's Core 2 (2006) and AMD's Bulldozer (2011) has: BLAKE3's rotations by 8 and 16
/// then become one `pshufb` each, a seventh of a compression faster than shifts.
/// `BLAKE3_SSSE3` lets the code choose those byte shuffles (without SSSE3 they would be
/// slower than shifts). The condition is the architecture of the machine that builds.
#if arch(x86_64)
let vectorSettings: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mssse3"]), .define("BLAKE3_SSSE3")]
#else
let vectorSettings: [SwiftSetting] = []
#endif

let package = Package(
    name: "cretoscale",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cretoscale", targets: ["cretoscale"]),
        .library(name: "ConsensusCore", targets: ["ConsensusCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", exact: "0.2.0"),
    ],
    targets: [
        .target(
            name: "ConsensusCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: hotPathSettings + vectorSettings
        ),
        .target(name: "CacheHints"),
        .target(
            name: "Simulation",
            dependencies: ["ConsensusCore", "CacheHints", .product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: hotPathSettings
        ),
        .target(name: "Scenarios", dependencies: ["Simulation", "ConsensusCore"]),
        .target(name: "ResultStore", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        .target(
            name: "CretoScaleCLI",
            dependencies: [
                "ConsensusCore",
                "Simulation",
                "Scenarios",
                "ResultStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "cretoscale", dependencies: ["CretoScaleCLI"]),
        .testTarget(name: "ConsensusCoreTests", dependencies: ["ConsensusCore"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "ConsensusCore"]),
        .testTarget(name: "ScenariosTests", dependencies: ["Scenarios", "Simulation"]),
        .testTarget(name: "CretoScaleCLITests", dependencies: ["CretoScaleCLI", "ResultStore", "Scenarios"]),
        .testTarget(
            name: "ResultStoreTests",
            dependencies: ["ResultStore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
