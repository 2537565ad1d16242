using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Placement;
using Discovery.Abstractions.Sites;
using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Grains.Tests.Placement;

[Collection(ClusterCollection.Name)]
public sealed class SitePlacementTests(SiteClusterFixture fixture)
{
    private static readonly NodeSpec Small = new(4, 8192);

    [Fact]
    public async Task Every_node_agent_runs_on_a_silo_of_its_own_site()
    {
        var test = Guid.NewGuid().ToString("N")[..8];
        var ids = SiteClusterFixture.Sites
            .SelectMany(site => Enumerable.Range(1, 10).Select(i => new NodeId(site, $"placed-{test}-{i}")))
            .ToList();

        var infos = await Task.WhenAll(ids.Select(id => fixture.Client.GetGrain<INodeGrain>(id.ToString()).RegisterAsync(Small)));

        Assert.All(infos, info =>
        {
            // The grain's own view and the test cluster's record of which silo serves which site must agree.
            Assert.Equal(info.Id.Site, info.HostSite);
            Assert.Equal(info.Id.Site, fixture.SiteOf(SiloAddress.FromParsableString(info.HostSilo)));
        });
        Assert.Equal(SiteClusterFixture.Sites.Order(), infos.Select(i => i.HostSite).Distinct().Order());
    }

    [Fact]
    public async Task A_site_grain_lists_the_nodes_registered_on_its_site_only()
    {
        var test = Guid.NewGuid().ToString("N")[..8];
        await fixture.Client.GetGrain<INodeGrain>($"lyon/listed-{test}-a").RegisterAsync(Small);
        await fixture.Client.GetGrain<INodeGrain>($"lyon/listed-{test}-b").RegisterAsync(Small);
        await fixture.Client.GetGrain<INodeGrain>($"paris/listed-{test}-c").RegisterAsync(Small);

        var lyon = await fixture.Client.GetGrain<ISiteGrain>("lyon").GetNodeNamesAsync();
        var paris = await fixture.Client.GetGrain<ISiteGrain>("paris").GetNodeNamesAsync();

        Assert.Contains($"listed-{test}-a", lyon);
        Assert.Contains($"listed-{test}-b", lyon);
        Assert.DoesNotContain($"listed-{test}-c", lyon);
        Assert.Contains($"listed-{test}-c", paris);
    }

    [Fact]
    public async Task A_node_of_a_site_without_a_silo_fails_with_an_error_naming_the_site()
    {
        var node = fixture.Client.GetGrain<INodeGrain>($"nowhere/node-{Guid.NewGuid():N}");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => node.GetInfoAsync());

        var unavailable = Assert.IsType<SiteUnavailableException>(error.GetBaseException());
        Assert.Equal("nowhere", unavailable.Site);
        Assert.Contains("no silo of site 'nowhere' is up", unavailable.Message);
        Assert.Contains("--site nowhere", unavailable.Message);
    }

    [Fact]
    public async Task A_key_without_a_valid_site_is_refused()
    {
        var node = fixture.Client.GetGrain<INodeGrain>("Not A Site/node-1");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => node.GetInfoAsync());

        Assert.Contains("must start with a site", error.GetBaseException().Message);
    }

    [Fact]
    public async Task Registering_an_impossible_node_names_the_node_and_the_problem()
    {
        var node = fixture.Client.GetGrain<INodeGrain>($"paris/bad-{Guid.NewGuid():N}");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => node.RegisterAsync(new NodeSpec(0, 1024)));

        Assert.Contains("at least 1 CPU", error.Message);
        Assert.Contains("paris/bad-", error.Message);
    }
}
