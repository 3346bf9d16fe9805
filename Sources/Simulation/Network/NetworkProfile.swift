/// The network profiles of the specification (FR-2.4.1).
public enum NetworkProfile: String, Sendable, CaseIterable {
    /// Same host or rack: under 1 ms, no loss.
    case local
    /// A data-centre LAN: 1–10 ms, 0.01 % loss.
    case lan
    /// The public internet across regions: 50–200 ms, 0.1 % loss.
    case wan
    /// A poor network: 200–500 ms, 1 % loss.
    case degraded

    /// One-way latency range of the profile.
    public var latencyRange: ClosedRange<SimDuration> {
        switch self {
        case .local: .microseconds(100)...(.milliseconds(1))
        case .lan: .milliseconds(1)...(.milliseconds(10))
        case .wan: .milliseconds(50)...(.milliseconds(200))
        case .degraded: .milliseconds(200)...(.milliseconds(500))
        }
    }

    /// Per-message loss probability of the profile.
    public var lossRate: Double {
        switch self {
        case .local: 0
        case .lan: 0.0001
        case .wan: 0.001
        case .degraded: 0.01
        }
    }

    /// Per-node upload bandwidth in Mbit/s; nil is unlimited.
    public var uploadMbps: Double? {
        switch self {
        case .local: nil
        case .lan: 1_000
        case .wan: 100
        case .degraded: 10
        }
    }

    /// Regions nodes are spread over (WAN only).
    public var regions: Int { self == .wan ? 6 : 1 }
}

/// The network a run uses: a profile and any overrides.
public struct NetworkOptions: Sendable, Equatable {
    /// The profile the defaults come from.
    public var profile: NetworkProfile
    /// Per-message loss probability.
    public var lossRate: Double
    /// Per-node upload bandwidth in Mbit/s; nil is unlimited.
    public var uploadMbps: Double?
    /// Shortest one-way link latency.
    public var minLatency: SimDuration
    /// Longest one-way link latency.
    public var maxLatency: SimDuration
    /// Regions (1–6); with more than one, link latencies follow the region matrix.
    public var regions: Int
    /// Per-message jitter, as a fraction of the link's latency (uniform in [0, jitter]).
    public var jitter = 0.1

    /// The profile's values.
    public init(profile: NetworkProfile) {
        self.profile = profile
        lossRate = profile.lossRate
        uploadMbps = profile.uploadMbps
        minLatency = profile.latencyRange.lowerBound
        maxLatency = profile.latencyRange.upperBound
        regions = profile.regions
    }
}

/// Six world regions and the one-way latencies between them, in milliseconds.
///
/// Shaped after public measurements of the kind a blockchain network simulator
/// (SimBlock) uses: North America ↔ Europe 124 ms, inside Europe 11 ms, inside Japan
/// 12 ms, Europe ↔ Australia 294 ms, South America ↔ Asia-Pacific 325 ms; the other
/// entries are of the same origin, rounded. The simulator maps the matrix linearly
/// onto the profile's latency range, so a WAN keeps the profile's bounds and the
/// regions' structure.
enum WorldRegions {
    /// North America, Europe, South America, Asia-Pacific, Japan, Australia.
    static let names = ["north-america", "europe", "south-america", "asia-pacific", "japan", "australia"]
    /// Share of nodes in each region.
    static let shares = [0.33, 0.49, 0.01, 0.11, 0.02, 0.04]
    /// One-way latency in ms between regions.
    static let latencyMs: [[Double]] = [
        [32, 124, 184, 198, 151, 189],
        [124, 11, 227, 237, 252, 294],
        [184, 227, 69, 325, 301, 322],
        [198, 237, 325, 85, 58, 198],
        [151, 252, 301, 58, 12, 126],
        [189, 294, 322, 198, 126, 16],
    ]
}
