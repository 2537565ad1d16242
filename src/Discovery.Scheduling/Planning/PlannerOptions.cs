namespace Discovery.Scheduling.Planning;

/// <summary>Bounds of the partition planner's search.</summary>
/// <param name="MaxMigrations">The most migrations a plan may have.</param>
/// <param name="MaxSteps">The most (VM, target) moves the search may try before giving up.</param>
/// <param name="MakeRoom">Whether the search may move VMs between other nodes of the partition to make room.</param>
public sealed record PlannerOptions(int MaxMigrations = 8, int MaxSteps = 20_000, bool MakeRoom = true)
{
    /// <summary>Throws when a value is out of range, naming it and what would be valid.</summary>
    public PlannerOptions Validate()
    {
        if (MaxMigrations < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxMigrations), MaxMigrations, "MaxMigrations must be at least 1");
        if (MaxSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "MaxSteps must be at least 1");
        return this;
    }
}
