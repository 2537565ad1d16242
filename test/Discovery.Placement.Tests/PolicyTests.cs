using Discovery.Placement.Policies;
using Xunit;

namespace Discovery.Placement.Tests;

public sealed class PolicyTests
{
    private const string French = """
        name: french-data
        allow-sites: [paris, lyon, fr-north]
        forbid-sites: lyon
        exclusive-nodes: true
        no-colocation-with: [globex]
        encrypted-images: false
        max-rtt: { to: paris, ms: 20 }
        isolated-images: true
        """;

    [Fact]
    public void Every_clause_parses_with_the_line_it_is_on()
    {
        var policy = PolicyParser.Parse(French);
        Assert.Equal("french-data", policy.Name);
        Assert.Equal(
            ["allow-sites@2", "forbid-sites@3", "exclusive-nodes@4", "no-colocation-with@5", "max-rtt@7", "isolated-images@8"],
            policy.Clauses.Select(c => $"{c.Keyword}@{c.Line}"));
        Assert.Equal(new MaxRtt("paris", 20, 7), policy.Clauses[^2]);
        Assert.Equal(new IsolatedImages(8), policy.Clauses[^1]);
    }

    [Theory]
    [InlineData("name: x\nallow-site: [paris]", "line 2, column 1: unknown clause 'allow-site'")]
    [InlineData("name: x\nmax-rtt: { to: paris, ms: -3 }", "line 2, column 27: max-rtt.ms must be a positive number")]
    [InlineData("name: x\nexclusive-nodes: maybe", "line 2, column 18: exclusive-nodes is true or false, not 'maybe'")]
    [InlineData("name: x\nisolated-images: sometimes", "line 2, column 18: isolated-images is true or false, not 'sometimes'")]
    [InlineData("allow-sites: [paris]", "a policy needs a name")]
    [InlineData("name: x\nallow-sites: [paris", "line 3, column 1")]
    public void A_wrong_policy_is_refused_with_its_line_and_column(string text, string expected)
    {
        var e = Assert.Throws<PolicyParseException>(() => PolicyParser.Parse(text));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_refusal_names_the_policy_its_owner_the_clause_and_its_line()
    {
        var policies = new[] { new AttachedPolicy("acme", PolicyParser.Parse("name: eu\nallow-sites: [fr-north]")) };
        Assert.Null(PolicyDecisionPoint.Refuse(new PolicyRequest("acme", "deploy acme/shop/web", "paris", "fr-north", policies)));
        Assert.Equal(
            "deploy acme/shop/web: refused by policy 'eu' of acme, clause allow-sites (line 2): site lyon (fr-south) is not among fr-north",
            PolicyDecisionPoint.Refuse(new PolicyRequest("acme", "deploy acme/shop/web", "lyon", "fr-south", policies)));
    }

    [Fact]
    public void An_exclusive_tenant_closes_its_nodes_to_others_and_keeps_out_of_theirs()
    {
        var exclusive = new[] { new AttachedPolicy("acme", PolicyParser.Parse("name: alone\nexclusive-nodes: true")) };
        var none = Array.Empty<AttachedPolicy>();
        var acmeHere = new Dictionary<string, IReadOnlyList<AttachedPolicy>> { ["acme"] = exclusive };
        var globexHere = new Dictionary<string, IReadOnlyList<AttachedPolicy>> { ["globex"] = none };

        Assert.Contains("clause exclusive-nodes (line 2): node lyon/n1 hosts acme, which keeps its nodes to itself",
            PolicyDecisionPoint.Refuse(new PolicyRequest("globex", "deploy", "lyon", null, none, "lyon/n1", acmeHere)));
        Assert.Contains("node lyon/n1 hosts other tenants' VMs (globex)",
            PolicyDecisionPoint.Refuse(new PolicyRequest("acme", "deploy", "lyon", null, exclusive, "lyon/n1", globexHere)));
        Assert.Null(PolicyDecisionPoint.Refuse(new PolicyRequest("acme", "deploy", "lyon", null, exclusive, "lyon/n1", new Dictionary<string, IReadOnlyList<AttachedPolicy>>())));
    }

    [Fact]
    public void Rtt_colocation_and_encryption_clauses_refuse_what_they_say()
    {
        var policy = new[] { new AttachedPolicy("acme/shop", PolicyParser.Parse("name: p\nmax-rtt: { to: paris, ms: 10 }\nno-colocation-with: [globex]\nencrypted-images: true")) };
        var far = new PolicyRequest("acme", "move", "lyon", null, policy, "lyon/n1", RttToSite: _ => 12);
        Assert.Contains("clause max-rtt (line 2): lyon/n1 is 12 ms from paris, more than 10 ms", PolicyDecisionPoint.Refuse(far));
        var near = far with { RttToSite = _ => 4 };
        Assert.Null(PolicyDecisionPoint.Refuse(near));
        Assert.Contains("clause no-colocation-with (line 3): node lyon/n1 hosts globex",
            PolicyDecisionPoint.Refuse(near with { Neighbours = new Dictionary<string, IReadOnlyList<AttachedPolicy>> { ["globex"] = [] } }));
        Assert.Contains("clause encrypted-images (line 4)", PolicyDecisionPoint.Refuse(near with { ImageEncrypted = false }));
    }
}
