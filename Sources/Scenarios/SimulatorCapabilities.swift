/// The scenario features the simulator can actually run.
///
/// Validation refuses a scenario that asks for anything outside this set, naming the
/// feature, so that a scenario written ahead of the simulator fails loudly instead of
/// running without its fault or attack.
public struct SimulatorCapabilities: Sendable, Equatable {
    /// Fault kinds the simulator can inject.
    public var faultKinds: Set<Scenario.Fault.Kind>
    /// Byzantine behaviours the simulator can play (used only when `byzantine.fraction` > 0).
    public var byzantineBehaviors: Set<Scenario.Byzantine.Behavior>
    /// Whether Byzantine shares can be counted by stake (`byzantine.stakeWeighted`).
    public var stakeWeightedByzantine: Bool
    /// Whether honest nodes can score peers and flag Byzantine ones (`detection.enabled`).
    public var detection: Bool
    /// Workload patterns the simulator can generate.
    public var workloadPatterns: Set<Scenario.Workload.Pattern>
    /// Whether a per-node memory limit can be enforced (`node.memoryLimitMB`).
    public var memoryLimit: Bool
    /// Whether nodes have a disk model whose parameters a scenario may set (`node.disk`).
    public var diskModel: Bool

    /// Creates a capability set; every optional feature is off unless given, and only the
    /// constant workload is assumed.
    public init(
        faultKinds: Set<Scenario.Fault.Kind> = [],
        byzantineBehaviors: Set<Scenario.Byzantine.Behavior> = [],
        stakeWeightedByzantine: Bool = false,
        detection: Bool = false,
        workloadPatterns: Set<Scenario.Workload.Pattern> = [.constant],
        memoryLimit: Bool = false,
        diskModel: Bool = false
    ) {
        self.faultKinds = faultKinds
        self.byzantineBehaviors = byzantineBehaviors
        self.stakeWeightedByzantine = stakeWeightedByzantine
        self.detection = detection
        self.workloadPatterns = workloadPatterns
        self.memoryLimit = memoryLimit
        self.diskModel = diskModel
    }

    /// What this build of the simulator supports. Edit here as features land.
    public static var current: SimulatorCapabilities {
        SimulatorCapabilities(
            faultKinds: Set(Scenario.Fault.Kind.allCases),
            byzantineBehaviors: Set(Scenario.Byzantine.Behavior.allCases),
            stakeWeightedByzantine: true,
            detection: true,
            workloadPatterns: Set(Scenario.Workload.Pattern.allCases),
            memoryLimit: true,
            diskModel: true
        )
    }

    /// Every feature the scenario format can describe, for checking files ahead of the simulator.
    public static var everything: SimulatorCapabilities {
        SimulatorCapabilities(
            faultKinds: Set(Scenario.Fault.Kind.allCases),
            byzantineBehaviors: Set(Scenario.Byzantine.Behavior.allCases),
            stakeWeightedByzantine: true,
            detection: true,
            workloadPatterns: Set(Scenario.Workload.Pattern.allCases),
            memoryLimit: true,
            diskModel: true
        )
    }
}
