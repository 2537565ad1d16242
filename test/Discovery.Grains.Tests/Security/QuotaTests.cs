using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Security;
using Discovery.Grains.Security;
using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Grains.Tests.Security;

/// <summary>Per-tenant quotas, held before placement reserves nodes and given back on failure and deletion.</summary>
[Collection(SecureClusterCollection.Name)]
public sealed class QuotaTests(SecureClusterFixture fixture)
{
    [Fact]
    public void Quota_arithmetic_names_the_first_limit_passed()
    {
        var limits = new QuotaLimits(Vcpus: 8, Vms: 3);
        Assert.Null(Quotas.Exceeded(limits, new QuotaUsage(6, 0, 2), new QuotaUsage(2, 4096, 1)));
        Assert.Equal("3 vCPUs asked, 6 of 8 in use", Quotas.Exceeded(limits, new QuotaUsage(6, 0, 2), new QuotaUsage(3, 0, 1)));
        Assert.Equal("1 VMs asked, 3 of 3 in use", Quotas.Exceeded(limits, new QuotaUsage(0, 0, 3), new QuotaUsage(1, 0, 1)));
        Assert.Null(Quotas.Exceeded(new QuotaLimits(), new QuotaUsage(1000, 1 << 30, 1000), new QuotaUsage(1, 1, 1, 1)));
    }

    [Fact]
    public async Task Concurrent_deploys_never_take_a_tenant_past_its_quota_and_failures_give_it_back()
    {
        var (tenant, key) = await fixture.NewTenantAsync("quota");
        await fixture.Admin.Identity.SetQuotaAsync(tenant, new QuotaLimits(Vms: 3, Vcpus: 100));
        var node = $"lyon/q-{tenant}";
        await SecureClusterFixture.CallAsAsync(SecureClusterFixture.AdminKey, () => fixture.Client.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(64, 65536)));
        var sdk = fixture.As(key);
        var ves = Enumerable.Range(0, 8).Select(i => $"{tenant}/ve-{i}").ToList();
        foreach (var ve in ves)
            await sdk.VirtualEnvironments.CreateAsync(ve, new VeSpec([new VmTemplate("vm", 1, 128)], [new Fence(["vm"], [node])]));

        var outcomes = await Task.WhenAll(ves.Select(ve => Record.ExceptionAsync(() => sdk.VirtualEnvironments.DeployAsync(ve, Locality.NearSite("lyon")))));

        Assert.Equal(3, outcomes.Count(e => e is null));
        Assert.All(outcomes.OfType<Exception>(), e => Assert.Contains("quota is exceeded: 1 VMs asked, 3 of 3 in use", Assert.IsType<QuotaExceededException>(e).Message));
        Assert.Equal(3, (await sdk.Identity.QuotaAsync(tenant)).Used.Vms);
        Assert.Equal(3, (await fixture.Admin.Identity.QuotaAsync(tenant)).Used.Vms);

        // A deployment that fails for another reason gives its share back.
        var refused = ves[outcomes.ToList().FindIndex(e => e is not null)];
        await fixture.Admin.Identity.SetQuotaAsync(tenant, new QuotaLimits(Vms: 10));
        var impossible = $"{tenant}/spread-on-one-node";
        await sdk.VirtualEnvironments.CreateAsync(impossible, new VeSpec([new VmTemplate("vm", 1, 128, Count: 2)], [new Fence(["vm"], [node]), new Spread(["vm"])]));
        await Assert.ThrowsAsync<PlacementFailedException>(() => sdk.VirtualEnvironments.DeployAsync(impossible, Locality.NearSite("lyon")));
        Assert.Equal(3, (await sdk.Identity.QuotaAsync(tenant)).Used.Vms);

        // Deleting a VE gives its share back.
        await fixture.Admin.Identity.SetQuotaAsync(tenant, new QuotaLimits(Vms: 3));
        await sdk.VirtualEnvironments.DeleteAsync(ves[outcomes.ToList().FindIndex(e => e is null)]);
        await sdk.VirtualEnvironments.DeployAsync(refused, Locality.NearSite("lyon"));
        Assert.Equal(3, (await sdk.Identity.QuotaAsync(tenant)).Used.Vms);
    }

    [Fact]
    public async Task A_tenant_may_read_but_not_set_its_quota_and_never_another_tenants()
    {
        var (tenant, key) = await fixture.NewTenantAsync("reader");
        var (other, _) = await fixture.NewTenantAsync("neighbour");
        Assert.Equal(tenant, (await fixture.As(key).Identity.QuotaAsync(tenant)).Tenant);
        await Assert.ThrowsAsync<ForbiddenException>(() => fixture.As(key).Identity.SetQuotaAsync(tenant, new QuotaLimits(Vms: 1000)));
        await Assert.ThrowsAsync<ForbiddenException>(() => fixture.As(key).Identity.QuotaAsync(other));
    }

    [Fact]
    public async Task Imported_images_count_against_the_image_quota()
    {
        var (tenant, key) = await fixture.NewTenantAsync("images");
        await fixture.Admin.Identity.SetQuotaAsync(tenant, new QuotaLimits(ImageBytes: 100 << 10));
        var content = new byte[80 << 10];
        new Random(7).NextBytes(content);
        var sdk = fixture.As(key);
        await sdk.Images.ImportAsync($"first-{tenant}", new MemoryStream(content), "a.img", tenant);
        new Random(8).NextBytes(content);
        var e = await Assert.ThrowsAsync<QuotaExceededException>(() => sdk.Images.ImportAsync($"second-{tenant}", new MemoryStream(content), "b.img", tenant));
        Assert.Contains("bytes of images", e.Message);
        await sdk.Images.DeleteAsync($"first-{tenant}");
        await sdk.Images.ImportAsync($"second-{tenant}", new MemoryStream(content), "b.img", tenant);
    }
}
