namespace Discovery.Grains.Reliability;

/// <summary>How the watcher of each protected VM checks on it (section <c>Discovery:Watch</c>).</summary>
public sealed class WatchOptions
{
    /// <summary>How often a watcher asks the VM's node agent about the VM's domain.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a node agent (or its hypervisor) may not answer before the watcher declares the VM lost, when the
    /// membership has not declared its silo dead meanwhile (a dead silo is acted on at once).
    /// </summary>
    public TimeSpan UnreachableFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one question to the node agent or to the VM may take before it counts as unanswered.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a protected VM asks the watcher of its node whether it watches it, and tells it again if not (the
    /// messages that tell a watcher are one-way: one may be lost with a silo, or overtaken by another).
    /// </summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Null when every value is usable, else which key is wrong (relative to the section) and why.</summary>
    public string? Validate() =>
        Interval <= TimeSpan.Zero ? $"Interval must be positive (got {Interval})"
        : UnreachableFor <= TimeSpan.Zero ? $"UnreachableFor must be positive (got {UnreachableFor})"
        : CallTimeout <= TimeSpan.Zero ? $"CallTimeout must be positive (got {CallTimeout})"
        : CheckEvery <= TimeSpan.Zero ? $"CheckEvery must be positive (got {CheckEvery})"
        : null;
}
