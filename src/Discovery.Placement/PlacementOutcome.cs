namespace Discovery.Placement;

/// <summary>The result of a search: a host for every VM, or why there is none.</summary>
/// <param name="Plan">The chosen candidate per VM, or null when the search failed.</param>
/// <param name="Failure">Why it failed, naming the VM and what excluded each candidate; null on success.</param>
/// <param name="Steps">How many (VM, candidate) pairs were examined.</param>
public sealed record PlacementOutcome(IReadOnlyDictionary<string, Candidate>? Plan, string? Failure, int Steps)
{
    /// <summary>Whether every VM got a host.</summary>
    public bool Succeeded => Plan is not null;
}
