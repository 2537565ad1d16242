namespace Discovery.Placement.Tests;

/// <summary>Small hand-made infrastructures: sites at given RTTs from the requester, each with identical nodes.</summary>
internal static class Infra
{
    public static List<Candidate> Sites(params (string Site, double RttMs, int Nodes, int Vcpus)[] sites) =>
        sites.SelectMany(s => Enumerable.Range(1, s.Nodes).Select(i =>
            new Candidate(new PlacementHost($"{s.Site}/n{i}", s.Site, s.Site.StartsWith("fr") ? "fr" : "eu"), new Resources(s.Vcpus, s.Vcpus * 4096L, 1000), s.RttMs)))
        .ToList();

    public static VeSpec Ve(IEnumerable<VmTemplate> vms, params PlacementConstraint[] constraints) => new(vms.ToList(), constraints);

    public static VmTemplate Vm(string name, int vcpus = 1, int count = 1) => new(name, vcpus, vcpus * 1024L, Count: count);

    public static PlacementOutcome Solve(VeSpec ve, IReadOnlyList<Candidate> candidates) =>
        new PlacementSearch().Solve(PlacementProblem.For(ve), candidates);

    public static string HostOf(this PlacementOutcome outcome, string vm) => outcome.Plan![vm].Host.Node;

    public static string SiteOf(this PlacementOutcome outcome, string vm) => outcome.Plan![vm].Host.Site;
}
