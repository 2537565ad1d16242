namespace Discovery.Placement;

/// <summary>
/// Placement as the design wants it: ask the nodes of the nearest site first, then add the next nearest site, and
/// so on until the search finds hosts for every VM. Only as many sites are asked as the VE needs.
/// </summary>
public sealed class LocalityFirstPlanner(PlacementSearch search)
{
    /// <summary>
    /// Plans <paramref name="problem"/>, adding the candidates of <paramref name="sitesNearestFirst"/> one site at a
    /// time as <paramref name="ring"/> returns them.
    /// </summary>
    public async Task<LocalityFirstPlan> PlanAsync(
        PlacementProblem problem,
        IReadOnlyList<string> sitesNearestFirst,
        Func<string, Task<IReadOnlyList<Candidate>>> ring)
    {
        var candidates = new List<Candidate>();
        PlacementOutcome? outcome = null;
        var asked = 0;
        foreach (var site in sitesNearestFirst)
        {
            asked++;
            var added = await ring(site);
            if (added.Count == 0 && outcome is not null)
                continue;
            candidates.AddRange(added);
            outcome = search.Solve(problem, candidates);
            if (outcome.Succeeded)
                break;
        }
        return new LocalityFirstPlan(outcome ?? search.Solve(problem, candidates), asked, candidates.Count);
    }
}

/// <summary>The outcome of a locality-first plan, with how far it had to look.</summary>
/// <param name="Outcome">The search's outcome over every candidate asked.</param>
/// <param name="SitesAsked">How many sites were asked for candidates.</param>
/// <param name="CandidatesSeen">How many nodes were considered.</param>
public sealed record LocalityFirstPlan(PlacementOutcome Outcome, int SitesAsked, int CandidatesSeen);
