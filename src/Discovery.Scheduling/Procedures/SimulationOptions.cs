using Discovery.Scheduling.Planning;

namespace Discovery.Scheduling.Procedures;

/// <summary>How the simulated network and hosts behave.</summary>
/// <param name="Seed">Same seed, same run.</param>
/// <param name="LatencySeconds">One-way delay of a message.</param>
/// <param name="JitterSeconds">Random extra delay, uniform between 0 and this.</param>
/// <param name="MigrationSeconds">How long one migration takes; a plan's migrations run one after the other.</param>
/// <param name="MaxSteps">The most messages the run delivers before it stops (a guard against a protocol that never ends).</param>
/// <param name="Dvms">The procedure's timeouts and limits.</param>
/// <param name="Planner">The planner's search bounds.</param>
public sealed record SimulationOptions(
    int Seed = 1,
    double LatencySeconds = 0.01,
    double JitterSeconds = 0.005,
    double MigrationSeconds = 0,
    int MaxSteps = 1_000_000,
    DvmsOptions? Dvms = null,
    PlannerOptions? Planner = null)
{
    /// <summary>Throws when a value is out of range, naming it and what would be valid.</summary>
    public SimulationOptions Validate()
    {
        if (LatencySeconds < 0 || !double.IsFinite(LatencySeconds))
            throw new ArgumentOutOfRangeException(nameof(LatencySeconds), LatencySeconds, "LatencySeconds must be 0 or more");
        if (JitterSeconds < 0 || !double.IsFinite(JitterSeconds))
            throw new ArgumentOutOfRangeException(nameof(JitterSeconds), JitterSeconds, "JitterSeconds must be 0 or more");
        if (MigrationSeconds < 0 || !double.IsFinite(MigrationSeconds))
            throw new ArgumentOutOfRangeException(nameof(MigrationSeconds), MigrationSeconds, "MigrationSeconds must be 0 or more");
        if (MaxSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "MaxSteps must be at least 1");
        var dvms = (Dvms ?? new DvmsOptions()).Validate();
        if (dvms.ReplyTimeoutSeconds <= 2 * (LatencySeconds + JitterSeconds))
            throw new ArgumentOutOfRangeException(nameof(Dvms), dvms.ReplyTimeoutSeconds, $"Dvms.ReplyTimeoutSeconds must exceed a round trip ({2 * (LatencySeconds + JitterSeconds)} s) or live nodes are skipped");
        (Planner ?? new PlannerOptions()).Validate();
        return this;
    }
}
