namespace Discovery.Grains.Reliability;

/// <summary>
/// How a silo sheds load: beyond these limits a call is refused at once with a "busy, retry" answer instead of
/// waiting in a queue until its caller's response timeout.
/// </summary>
public sealed class OverloadOptions
{
    /// <summary>
    /// Calls waiting for one grain (a VE, a node agent, a site registry) beyond which new ones are refused. Half of it
    /// logs a warning that the grain is hot. 0 means no limit.
    /// </summary>
    public int MaxQueuedCallsPerGrain { get; set; } = 1000;

    /// <summary>
    /// The silo's gateway refuses new client calls while the silo's CPU is above this percentage (Orleans' load
    /// shedding); calls between silos still flow. Null: never.
    /// </summary>
    public int? ShedClientCallsAboveCpuPercent { get; set; }

    /// <summary>Null when the options make sense, else what is wrong.</summary>
    public string? Validate() =>
        MaxQueuedCallsPerGrain < 0 ? $"the queued-calls limit per grain must be 0 (no limit) or more, not {MaxQueuedCallsPerGrain}"
        : ShedClientCallsAboveCpuPercent is < 1 or > 100 ? $"the CPU threshold for shedding client calls must be a percentage from 1 to 100, not {ShedClientCallsAboveCpuPercent}"
        : null;
}
