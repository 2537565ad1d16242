namespace Discovery.Scheduling.Nodes;

/// <summary>When a node's load becomes an event.</summary>
/// <param name="OverloadThreshold">Utilisation of CPU or memory above which a node is overloaded (1 is full).</param>
/// <param name="UnderloadThreshold">Utilisation of both CPU and memory below which a node with VMs is underloaded; 0 disables.</param>
/// <param name="SustainSeconds">How long the condition must last before the event is raised, so a spike is not an event.</param>
public sealed record OverloadOptions(double OverloadThreshold = 1.0, double UnderloadThreshold = 0.2, double SustainSeconds = 0)
{
    /// <summary>Throws when a value is out of range, naming it and what would be valid.</summary>
    public OverloadOptions Validate()
    {
        if (!(OverloadThreshold > 0) || double.IsInfinity(OverloadThreshold))
            throw new ArgumentOutOfRangeException(nameof(OverloadThreshold), OverloadThreshold, "OverloadThreshold must be a positive fraction of capacity, e.g. 1.0");
        if (UnderloadThreshold < 0 || !(UnderloadThreshold < OverloadThreshold))
            throw new ArgumentOutOfRangeException(nameof(UnderloadThreshold), UnderloadThreshold, $"UnderloadThreshold must be ≥ 0 and below OverloadThreshold ({OverloadThreshold})");
        if (SustainSeconds < 0 || double.IsNaN(SustainSeconds))
            throw new ArgumentOutOfRangeException(nameof(SustainSeconds), SustainSeconds, "SustainSeconds must be 0 or more");
        return this;
    }
}
