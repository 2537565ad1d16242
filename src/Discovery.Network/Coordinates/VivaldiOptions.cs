namespace Discovery.Network.Coordinates;

/// <summary>
/// The constants of Vivaldi (Dabek et al. 2004) with the refinements of Ledlie et al. 2007. Defaults are chosen by
/// measurement with <c>discovery-bench vivaldi</c>; see docs/benchmarks.md.
/// </summary>
public sealed record VivaldiOptions
{
    /// <summary>Euclidean dimensions, besides the height.</summary>
    public int Dimensions { get; init; } = 8;

    /// <summary>The largest local error estimate (1.5 = "I know nothing").</summary>
    public double ErrorMax { get; init; } = 1.5;

    /// <summary>How fast the error estimate follows new samples (c_e).</summary>
    public double ErrorGain { get; init; } = 0.25;

    /// <summary>The largest fraction of a sample's error one update moves the coordinate by (c_c).</summary>
    public double Timestep { get; init; } = 0.25;

    /// <summary>The least height, in ms: every node is at least this far from the core.</summary>
    public double HeightMinMs { get; init; } = 0.01;

    /// <summary>How many recent samples per peer the latency filter keeps; the filter answers their median.</summary>
    public int LatencyFilterSize { get; init; } = 3;

    /// <summary>How many recent prediction errors the adjustment term averages (0 to switch it off).</summary>
    public int AdjustmentWindow { get; init; } = 20;

    /// <summary>
    /// Distance from the origin, in ms, at which gravity pulls as hard as a 1-ms error; keeps coordinates from
    /// drifting. 150 s (as Serf): any stronger squeezes networks whose RTTs reach hundreds of ms.
    /// </summary>
    public double GravityRhoMs { get; init; } = 150_000;

    /// <summary>
    /// The largest pull one sample exerts, as a multiple of its RTT (0: no limit). 1 lowers the median error on the
    /// Seattle matrices by about 0.02 and changes nothing on well-behaved ones. It trades p90 for median there: 0.5
    /// lowers the Seattle median by another 0.01 but raises its p90 by 0.2–0.4; 2 or more does the reverse.
    /// </summary>
    public double MaxPullRatio { get; init; } = 1.0;

    /// <summary>
    /// How much a sample's pull is scaled by (typical / RTT), typical being the geometric mean of the node's own
    /// samples (0: off, as in Serf). Short paths then pull harder and long ones softer, so the fit follows relative
    /// rather than absolute error — the error users see when they rank peers by nearness. 0.5, measured beside Serf
    /// with <c>compare-vivaldi.sh</c>: on the Internet-like matrices the median falls from ~0.08 to ~0.07 and the p90
    /// from ~0.34 to ~0.25, the Seattle p90 from ~2.0 to ~1.6; 1 is better still on the Internet-like matrices but
    /// raises the Seattle median by 0.04 and the geographic one by 0.005; 0.3 gains half as much.
    /// </summary>
    public double RelativeWeight { get; init; } = 0.5;

    /// <summary>The most one update may move a coordinate, in ms (a bounded adjustment against wild samples).</summary>
    public double MaxStepMs { get; init; } = 1000;

    /// <summary>Null when usable, else which value is wrong and why.</summary>
    public string? Validate() =>
        Dimensions is < 1 or > 64 ? $"Dimensions must be between 1 and 64 (got {Dimensions})"
        : ErrorMax <= 0 ? $"ErrorMax must be positive (got {ErrorMax})"
        : ErrorGain is <= 0 or > 1 ? $"ErrorGain must be in (0, 1] (got {ErrorGain})"
        : Timestep is <= 0 or > 1 ? $"Timestep must be in (0, 1] (got {Timestep})"
        : HeightMinMs < 0 ? $"HeightMinMs must not be negative (got {HeightMinMs})"
        : LatencyFilterSize < 1 ? $"LatencyFilterSize must be at least 1 (got {LatencyFilterSize})"
        : AdjustmentWindow < 0 ? $"AdjustmentWindow must not be negative (got {AdjustmentWindow})"
        : GravityRhoMs <= 0 ? $"GravityRhoMs must be positive (got {GravityRhoMs})"
        : MaxStepMs <= 0 ? $"MaxStepMs must be positive (got {MaxStepMs})"
        : RelativeWeight is < 0 or > 2 ? $"RelativeWeight must be between 0 and 2 (got {RelativeWeight})"
        : MaxPullRatio < 0 ? $"MaxPullRatio must not be negative (got {MaxPullRatio})"
        : null;
}
