using Discovery.Scheduling.Nodes;
using Discovery.Scheduling.Workload;

namespace Discovery.Bench.Scheduling;

/// <summary>The workload and detector both schedulers get, built afresh for each so neither sees the other's state.</summary>
public static class Workloads
{
    /// <summary>Demand starts at half of each VM's vCPUs; a walk that moves half the time by up to 15 % of its size per tick.</summary>
    public const double InitialFraction = 0.5;

    // Below this CPU and memory utilisation a node is emptied when consolidating: well under the ~70 % mean.
    private const double UnderloadThreshold = 0.3;

    public static RandomWalkOptions Walk(DvmsBenchmarkOptions options) =>
        new(Seed: options.Seed, StepSeconds: options.MonitorSeconds, Volatility: 0.5, MaxStepFraction: 0.15, InitialFraction: InitialFraction);

    public static OverloadOptions Detection(DvmsBenchmarkOptions options) =>
        new(OverloadThreshold: 1.0, UnderloadThreshold: options.Consolidation ? UnderloadThreshold : 0);

    public static RandomWalkDemand Demand(SyntheticInfrastructure infrastructure, DvmsBenchmarkOptions options) => new(Walk(options), infrastructure.Sizes);

    public static OverloadDetector Detector(DvmsBenchmarkOptions options) => new(Detection(options));
}
