using System.Reflection;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Security;
using Discovery.Abstractions.Sites;
using Discovery.Grains.Security;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Orleans.Concurrency;
using Xunit;

namespace Discovery.Grains.Tests.Security;

/// <summary>
/// Two tenants on one cluster: the second may touch nothing of the first's, through any method of any grain
/// interface a client can reach, and every refusal is audited.
/// </summary>
[Collection(SecureClusterCollection.Name)]
public sealed class IsolationTests(SecureClusterFixture fixture)
{
    // Methods any authenticated caller may call, each for a reason checked elsewhere: listings filter by caller
    // (tested below), and where the sites are is no tenant's secret. (Imports upload chunks for their own tenant only.)
    private static readonly HashSet<string> OpenToTenants =
    [
        "IVeDirectoryGrain.ListAsync", "IImageDirectoryGrain.ListAsync",
        "ILocalityGrain.NearestAsync", "ILocalityGrain.GetSiteCoordinateAsync", "IClusterOverviewGrain.GetSitesAsync",
        "IGatewaySiteGrain.GetSiteAsync", "IIdentityGrain.WhoAmIAsync",
    ];

    private static IEnumerable<Type> GrainInterfaces() => typeof(IVeGrain).Assembly.GetTypes()
        .Where(t => t.IsInterface && typeof(IGrain).IsAssignableFrom(t) && t.GetMethods().Length > 0);

    private static IEnumerable<MethodInfo> Methods(Type grain) => grain.GetMethods().OrderBy(m => m.Name, StringComparer.Ordinal);

    [Fact]
    public void Every_grain_interface_of_the_contracts_has_a_decided_access_rule()
    {
        var undecided = GrainInterfaces().Where(t => !ClientAccess.Interfaces.Contains(t)).Select(t => t.Name).ToList();
        Assert.True(undecided.Count == 0, $"add these to ClientAccess (who may call them?): {string.Join(", ", undecided)}");
        var open = GrainInterfaces().SelectMany(t => Methods(t).Where(m => ClientAccess.For(m) == ClientAccess.Authenticated).Select(m => $"{t.Name}.{m.Name}"));
        Assert.Equal(OpenToTenants.Order(), open.Order());
    }

    [Fact]
    public async Task A_second_tenant_is_refused_every_method_on_the_first_tenants_things_and_each_refusal_is_audited()
    {
        var (owner, ownerKey) = await fixture.NewTenantAsync("owner");
        var (other, otherKey) = await fixture.NewTenantAsync("other");
        var (ve, vm, image) = await CreateThingsAsync(owner, ownerKey);

        var refused = new List<string>();
        var oneWay = new List<string>();
        foreach (var grain in GrainInterfaces())
        {
            foreach (var method in Methods(grain).Where(m => !OpenToTenants.Contains($"{grain.Name}.{m.Name}")))
            {
                var name = $"{grain.Name}.{method.Name}";
                var target = Grain(grain, owner, ve, vm, image);
                var call = () => SecureClusterFixture.CallAsAsync(otherKey, () => (Task)method.Invoke(target, Arguments(method))!);
                if (method.GetCustomAttribute<OneWayAttribute>() is not null)
                {
                    await call();
                    oneWay.Add(name);
                    continue;
                }
                var e = await Record.ExceptionAsync(call);
                Assert.True(e is ForbiddenException, $"{name} as tenant {other}: expected ForbiddenException, got {e?.GetType().Name ?? "success"}: {e?.Message}");
                Assert.Contains($"tenant:{other}", ((ForbiddenException)e!).Caller);
                refused.Add(name);
            }
        }
        Assert.Contains("IVeGrain.LocateAsync", refused);
        Assert.Contains("IImageGrain.GetDetailsAsync", refused);

        // One-way calls cannot carry the refusal back; the audit log shows them refused all the same.
        await Eventually.HoldsAsync(async () =>
        {
            var audit = await fixture.Admin.Identity.AuditAsync(10_000);
            var audited = audit.Where(a => a.Caller == $"tenant:{other}").Select(a => a.Operation.Split(' ')[0]).ToHashSet();
            return refused.Concat(oneWay).All(audited.Contains);
        }, "an audit entry for every refused call");
    }

    [Fact]
    public async Task Listings_show_a_tenant_only_its_own_ves_and_images()
    {
        var (owner, ownerKey) = await fixture.NewTenantAsync("lister");
        var (other, otherKey) = await fixture.NewTenantAsync("peeker");
        var (ve, _, image) = await CreateThingsAsync(owner, ownerKey);

        var seenByOther = await fixture.As(otherKey).VirtualEnvironments.ListAsync(owner);
        Assert.Empty(seenByOther.Ves);
        Assert.Equal(0, seenByOther.Total);
        Assert.DoesNotContain(await fixture.As(otherKey).Images.ListAsync(), i => i.Name == image);

        Assert.Contains(ve, (await fixture.As(ownerKey).VirtualEnvironments.ListAsync(owner)).Ves);
        Assert.Contains(await fixture.As(ownerKey).Images.ListAsync(), i => i.Name == image);
        Assert.Contains(ve, (await fixture.Admin.VirtualEnvironments.ListAsync(owner)).Ves);
        _ = other;
    }

    [Fact]
    public async Task The_owner_keeps_full_use_of_its_own_things()
    {
        var (owner, ownerKey) = await fixture.NewTenantAsync("keeper");
        var (ve, vm, image) = await CreateThingsAsync(owner, ownerKey);
        var sdk = fixture.As(ownerKey);

        Assert.Equal(VeStatus.Running, (await sdk.VirtualEnvironments.LocateAsync(ve)).Status);
        Assert.Equal(vm, (await SecureClusterFixture.CallAsAsync(ownerKey, () => fixture.Client.GetGrain<Abstractions.VirtualMachines.IVmGrain>(vm).GetInfoAsync())).Id);
        Assert.Equal(owner, (await sdk.Images.ShowAsync(image)).Owner);
        await sdk.VirtualEnvironments.SuspendAsync(ve);
        await sdk.VirtualEnvironments.DeleteAsync(ve);
        await sdk.Images.DeleteAsync(image);
    }

    [Fact]
    public async Task Tenants_are_refused_the_infrastructure_and_identity_operations()
    {
        var (tenant, key) = await fixture.NewTenantAsync("plain");
        var sdk = fixture.As(key);
        var node = await NodeAsync($"ops-{tenant}");

        var drain = await Assert.ThrowsAsync<ForbiddenException>(() => sdk.Nodes.MaintenanceAsync(node));
        Assert.Contains("administrators", drain.Reason);
        await Assert.ThrowsAsync<ForbiddenException>(() => sdk.Identity.CreateTenantAsync($"{tenant}-x"));
        await Assert.ThrowsAsync<ForbiddenException>(() => sdk.Identity.AuditAsync());
        Assert.Equal(new Principal(tenant, Role.Tenant), await sdk.Identity.WhoAmIAsync());
        Assert.NotEmpty(await sdk.Nodes.SitesAsync());
    }

    // A deployed one-VM VE and an imported image, owned by the tenant.
    private async Task<(string Ve, string Vm, string Image)> CreateThingsAsync(string tenant, string key)
    {
        var node = await NodeAsync($"n-{tenant}");
        var sdk = fixture.As(key);
        var ve = $"{tenant}/shop";
        await sdk.VirtualEnvironments.CreateAsync(ve, new VeSpec([new VmTemplate("web", 1, 256)], [new Fence(["web"], [node])]));
        await sdk.VirtualEnvironments.DeployAsync(ve, Locality.NearSite("lyon"));
        var content = new byte[96 << 10];
        new Random(tenant.GetHashCode()).NextBytes(content);
        var image = $"img-{tenant}";
        await sdk.Images.ImportAsync(image, new MemoryStream(content), "disk.img", tenant);
        return (ve, $"{ve}/web", image);
    }

    private async Task<string> NodeAsync(string name)
    {
        var id = $"lyon/{name}";
        await SecureClusterFixture.CallAsAsync(SecureClusterFixture.AdminKey, () => fixture.Client.GetGrain<INodeGrain>(id).RegisterAsync(new NodeSpec(4, 4096)));
        return id;
    }

    // The first tenant's grain for interfaces keyed by its things; a plausible key for the rest.
    private IGrain Grain(Type grain, string owner, string ve, string vm, string image)
    {
        if (typeof(IGrainWithIntegerKey).IsAssignableFrom(grain))
            return fixture.Client.GetGrain(grain, 0L);
        if (typeof(IGrainWithGuidKey).IsAssignableFrom(grain))
            return fixture.Client.GetGrain(grain, Guid.NewGuid());
        var key = grain.Name switch
        {
            nameof(IVeGrain) => ve,
            nameof(Abstractions.VirtualMachines.IVmGrain) => vm,
            nameof(Abstractions.Images.IImageGrain) => image,
            nameof(ITenantQuotaGrain) or nameof(ISecurityPolicyGrain) => owner,
            nameof(ISiteGrain) or nameof(Abstractions.Images.ISiteChunkStoreGrain) => "lyon",
            _ => "lyon/n-x",
        };
        return fixture.Client.GetGrain(grain, key);
    }

    // Refused calls never reach the grain, so any arguments of the right types do.
    private static object?[] Arguments(MethodInfo method) =>
        method.GetParameters().Select(p => p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null).ToArray();
}
