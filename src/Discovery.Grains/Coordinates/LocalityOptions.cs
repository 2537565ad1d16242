using Discovery.Network.Latency;

namespace Discovery.Grains.Coordinates;

/// <summary>How node agents measure the network and keep their coordinates (section <c>Discovery:Locality</c>).</summary>
public sealed class LocalityOptions
{
    /// <summary>How often each node agent measures one neighbour; each agent starts at a random point of the first period.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Coordinate dimensions besides the height.</summary>
    public int Dimensions { get; set; } = 8;

    /// <summary>Where RTT samples come from: <c>geography</c> (emulated from site locations), <c>matrix</c> (emulated from <see cref="Matrix"/>) or <c>tcp</c> (real).</summary>
    public string Probe { get; set; } = "geography";

    /// <summary>The RTT matrix file for the <c>matrix</c> probe.</summary>
    public string? Matrix { get; set; }

    /// <summary>The unit of <see cref="Matrix"/>: <c>ms</c> or <c>s</c>.</summary>
    public string MatrixUnit { get; set; } = "ms";

    /// <summary>How long a TCP probe waits for a connection.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A coordinate is stored and published once it moved this much (estimated RTT to where it was), in ms.</summary>
    public double PublishAfterMs { get; set; } = 1.0;

    /// <summary>Null when usable, else which key is wrong and why.</summary>
    public string? Validate() =>
        Interval <= TimeSpan.Zero ? $"Interval must be positive (got {Interval})"
        : Dimensions is < 1 or > 64 ? $"Dimensions must be between 1 and 64 (got {Dimensions})"
        : Probe is not ("geography" or "matrix" or "tcp") ? $"Probe must be geography, matrix or tcp (got '{Probe}')"
        : Probe == "matrix" && string.IsNullOrWhiteSpace(Matrix) ? "Probe matrix needs Matrix, the RTT matrix file"
        : MatrixUnit is not ("ms" or "s") ? $"MatrixUnit must be ms or s (got '{MatrixUnit}')"
        : ProbeTimeout <= TimeSpan.Zero ? $"ProbeTimeout must be positive (got {ProbeTimeout})"
        : PublishAfterMs < 0 ? $"PublishAfterMs must not be negative (got {PublishAfterMs})"
        : null;

    /// <summary>The probe these options describe.</summary>
    public IRttProbe CreateProbe(IReadOnlyDictionary<string, Discovery.Network.GeoPoint> sites) => Probe switch
    {
        "tcp" => new TcpConnectProbe(ProbeTimeout),
        "matrix" => new MatrixProbe(RttMatrix.Load(Matrix!, MatrixUnit == "s" ? RttUnit.Seconds : RttUnit.Milliseconds), Matrix!),
        _ => GeographicProbe.Over(sites, seed: Environment.TickCount),
    };
}
