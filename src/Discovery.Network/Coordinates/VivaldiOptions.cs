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
    /// Seattle matrices by about 0.02 and changes nothing on well-behaved ones.
    /// </summary>
    public double MaxPullRatio { get; init; } = 1.0;

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
        : MaxPullRatio < 0 ? $"MaxPullRatio must not be negative (got {MaxPullRatio})"
        : null;
}
