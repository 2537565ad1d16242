using static Discovery.Placement.Tests.Infra;

namespace Discovery.Placement.Tests;

public sealed class LocalityFirstPlannerTests
{
    private static readonly Dictionary<string, List<Candidate>> Rings = new()
    {
        ["fr-paris"] = Sites(("fr-paris", 1, 2, 4)),
        ["fr-lyon"] = Sites(("fr-lyon", 4, 2, 4)),
        ["fr-nice"] = Sites(("fr-nice", 9, 2, 4)),
    };

    private static async Task<(LocalityFirstPlan Plan, List<string> Asked)> PlanAsync(VeSpec spec)
    {
        var asked = new List<string>();
        var plan = await new LocalityFirstPlanner(new PlacementSearch()).PlanAsync(PlacementProblem.For(spec), ["fr-paris", "fr-lyon", "fr-nice"], site =>
        {
            asked.Add(site);
            return Task.FromResult<IReadOnlyList<Candidate>>(Rings[site]);
        });
        return (plan, asked);
    }

    [Fact]
    public async Task Only_the_nearest_site_is_asked_when_it_is_enough()
    {
        var (plan, asked) = await PlanAsync(Ve([Vm("a", 4), Vm("b", 4)]));

        Assert.True(plan.Outcome.Succeeded);
        Assert.Equal(["fr-paris"], asked);
        Assert.Equal(2, plan.CandidatesSeen);
    }

    [Fact]
    public async Task Sites_are_added_outward_until_the_ve_fits()
    {
        var (plan, asked) = await PlanAsync(Ve([Vm("w", 4, count: 5)]));

        Assert.True(plan.Outcome.Succeeded);
        Assert.Equal(["fr-paris", "fr-lyon", "fr-nice"], asked);
        Assert.Equal(1, plan.Outcome.Plan!.Values.Count(c => c.Host.Site == "fr-nice"));
    }

    [Fact]
    public async Task When_nothing_fits_every_site_was_asked_and_the_failure_explains()
    {
        var (plan, asked) = await PlanAsync(Ve([Vm("w", 4, count: 7)]));

        Assert.False(plan.Outcome.Succeeded);
        Assert.Equal(3, asked.Count);
        Assert.Contains("not enough free capacity", plan.Outcome.Failure);
    }
}
