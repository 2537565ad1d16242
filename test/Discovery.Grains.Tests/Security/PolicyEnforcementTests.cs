using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Images;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Security;
using Discovery.Grains.Images;
using Discovery.Images;
using Discovery.Testing.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Discovery.Grains.Tests.Security;

/// <summary>A jurisdiction policy against every path that places or moves: deploy, relocate, the schedulers' move, HA restart, image replication.</summary>
[Collection(SecureClusterCollection.Name)]
public sealed class PolicyEnforcementTests(SecureClusterFixture fixture)
{
    private const string ParisOnly = "name: paris-only\nallow-sites: [paris]\n";

    private async Task<string> NodeAsync(string site, string name)
    {
        var id = $"{site}/{name}";
        await SecureClusterFixture.CallAsAsync(SecureClusterFixture.AdminKey, () => fixture.Client.GetGrain<INodeGrain>(id).RegisterAsync(new NodeSpec(4, 4096)));
        return id;
    }

    [Fact]
    public async Task A_jurisdiction_policy_holds_through_deploy_relocate_and_a_scheduler_move()
    {
        var (tenant, key) = await fixture.NewTenantAsync("juris");
        var sdk = fixture.As(key);
        var paris = await NodeAsync("paris", $"p-{tenant}");
        var lyon = await NodeAsync("lyon", $"l-{tenant}");
        await sdk.Policies.SetAsync(tenant, ParisOnly);

        // Placed outside: refused, and nothing is left reserved.
        var outside = $"{tenant}/outside";
        await sdk.VirtualEnvironments.CreateAsync(outside, new VeSpec([new VmTemplate("vm", 1, 128)], [new Fence(["vm"], [lyon])]));
        var refused = await Assert.ThrowsAsync<PolicyViolationException>(() => sdk.VirtualEnvironments.DeployAsync(outside, Locality.NearSite("lyon")));
        Assert.Contains($"within the sites allowed by policy 'paris-only' of {tenant}, clause allow-sites (line 2)", refused.Message);
        Assert.Empty((await fixture.Admin.Nodes.GetAsync(lyon)).Vms!);

        // Placed inside: fine; moved out by relocation or by the schedulers' primitive: refused, and it stays.
        var shop = $"{tenant}/shop";
        await sdk.VirtualEnvironments.CreateAsync(shop, new VeSpec([new VmTemplate("vm", 1, 128)], [new Fence(["vm"], [paris, lyon])]));
        Assert.Equal(paris, (await sdk.VirtualEnvironments.DeployAsync(shop, Locality.NearSite("paris"))).Vm("vm").Node);
        // The search looks no further than paris, so relocating near lyon leaves the VM where it is.
        Assert.Equal(paris, (await sdk.VirtualEnvironments.RelocateAsync(shop, Locality.NearSite("lyon"))).Vm("vm").Node);
        var move = await Assert.ThrowsAsync<PolicyViolationException>(() =>
            SecureClusterFixture.CallAsAsync(SecureClusterFixture.AdminKey, () => fixture.Client.GetGrain<IVeGrain>(shop).MoveVmAsync("vm", lyon, Guid.NewGuid().ToString("N"))));
        Assert.Contains($"move {shop}/vm on {lyon}: refused by policy 'paris-only' of {tenant}, clause allow-sites (line 2): site lyon", move.Message);
        Assert.Equal(paris, (await sdk.VirtualEnvironments.LocateAsync(shop)).Vm("vm").Node);
    }

    [Fact]
    public async Task A_jurisdiction_policy_holds_through_an_ha_restart_a_protected_vm_waits_rather_than_leave_its_sites()
    {
        var (tenant, key) = await fixture.NewTenantAsync("hajuris");
        var sdk = fixture.As(key);
        var (first, second) = (await NodeAsync("paris", $"ha1-{tenant}"), await NodeAsync("paris", $"ha2-{tenant}"));
        var lyon = await NodeAsync("lyon", $"hal-{tenant}");
        await sdk.Policies.SetAsync(tenant, ParisOnly);
        var shop = $"{tenant}/ha";
        await sdk.VirtualEnvironments.CreateAsync(shop, new VeSpec([new VmTemplate("vm", 1, 128, Ha: HaMode.Restart)], [new Fence(["vm"], [first, second, lyon])]));
        Assert.Equal(first, (await sdk.VirtualEnvironments.DeployAsync(shop, Locality.NearNode(first))).Vm("vm").Node);
        var fail = (string id) => SecureClusterFixture.CallAsAsync(SecureClusterFixture.AdminKey, () => fixture.Client.GetGrain<INodeGrain>(id).FailAsync());

        // Its node fails: it restarts on the other paris node, never on lyon, although lyon is free and allowed by its fence.
        await fail(first);
        await Testing.Eventually.HoldsAsync(async () => (await sdk.VirtualEnvironments.LocateAsync(shop)).Vm("vm") is { State: Abstractions.VirtualMachines.VmState.Running } vm && vm.Node == second,
            $"the protected VM to run again on {second}");

        // That one fails too: only lyon is left, which the policy forbids, so it waits for capacity in paris.
        await fail(second);
        await Testing.Eventually.HoldsAsync(async () => (await sdk.VirtualEnvironments.LocateAsync(shop)).Vm("vm").State == Abstractions.VirtualMachines.VmState.Failed,
            "the protected VM to wait, failed, for a node its policy allows");
        Assert.NotEqual(lyon, (await sdk.VirtualEnvironments.LocateAsync(shop)).Vm("vm").Node);
        Assert.Empty((await fixture.Admin.Nodes.GetAsync(lyon)).Vms!);
    }

    [Fact]
    public async Task An_exclusive_tenant_shares_no_node()
    {
        var (loner, lonerKey) = await fixture.NewTenantAsync("loner");
        var (other, otherKey) = await fixture.NewTenantAsync("crowd");
        var node = await NodeAsync("rennes", $"x-{loner}");
        await fixture.As(lonerKey).Policies.SetAsync(loner, "name: alone\nexclusive-nodes: true");
        var spec = new VeSpec([new VmTemplate("vm", 1, 128)], [new Fence(["vm"], [node])]);
        await fixture.As(lonerKey).VirtualEnvironments.CreateAsync($"{loner}/a", spec);
        await fixture.As(lonerKey).VirtualEnvironments.DeployAsync($"{loner}/a", Locality.NearSite("rennes"));

        await fixture.As(otherKey).VirtualEnvironments.CreateAsync($"{other}/b", spec);
        var e = await Assert.ThrowsAsync<PolicyViolationException>(() => fixture.As(otherKey).VirtualEnvironments.DeployAsync($"{other}/b", Locality.NearSite("rennes")));
        Assert.Contains($"node {node} hosts {loner}, which keeps its nodes to itself", e.Message);
    }

    [Fact]
    public async Task Image_chunks_are_replicated_only_where_the_owners_policy_allows()
    {
        var (tenant, key) = await fixture.NewTenantAsync("data");
        var sdk = fixture.As(key);
        await sdk.Policies.SetAsync(tenant, "name: no-rennes\nforbid-sites: [rennes]");
        var content = new byte[64 << 10];
        new Random(11).NextBytes(content);
        var image = await sdk.Images.ImportAsync($"img-{tenant}", new MemoryStream(content), "disk.img", tenant);
        Assert.DoesNotContain("rennes", image.ReplicasBySite.Keys);
        Assert.True(image.ReplicasBySite.Count >= 2, string.Join(",", image.ReplicasBySite.Keys));
    }

    // The secure cluster's silos share an operator chunk key (SecureClusterFixture): imports are sealed at rest.
    [Fact]
    public async Task An_encrypted_images_policy_boots_images_sealed_at_rest_and_refuses_a_declared_image()
    {
        var (tenant, key) = await fixture.NewTenantAsync("sealed");
        var sdk = fixture.As(key);
        var node = await NodeAsync("paris", $"s-{tenant}");
        await sdk.Policies.SetAsync(tenant, "name: sealed\nencrypted-images: true\n");
        var content = new byte[256 << 10];
        new Random(12).NextBytes(content);

        var image = await sdk.Images.ImportAsync($"img-{tenant}", new MemoryStream(content), "disk.img", tenant);

        Assert.True(image.EncryptedAtRest);
        var manifest = await SecureClusterFixture.CallAsAsync(SecureClusterFixture.AdminKey, () => fixture.Client.GetGrain<IImageGrain>(image.Name).GetManifestAsync());
        var sealedFiles = 0;
        foreach (var silo in fixture.Cluster.Silos.Where(s => image.ReplicasBySite.ContainsKey(fixture.SiteOfSilo[s.Name])))
        {
            var stores = silo.ServiceProvider.GetRequiredService<ChunkStores>();
            foreach (var chunk in manifest!.Chunks.Select(c => ChunkKey.Parse(c.Id)).Distinct())
            {
                var path = stores.Of(fixture.SiteOfSilo[silo.Name], chunk.Tenant).PathOf(chunk.Hash);
                if (!File.Exists(path))
                    continue;
                Assert.True(ChunkCipher.IsSealed(await File.ReadAllBytesAsync(path)), $"{path} is stored plain");
                sealedFiles++;
            }
        }
        Assert.True(sealedFiles >= 2 * manifest!.Chunks.DistinctBy(c => c.Id).Count(), $"only {sealedFiles} chunk files found on the replica sites");

        // Booting it: allowed, and the node got the image (its chunks opened with the key on the way).
        await sdk.VirtualEnvironments.CreateAsync($"{tenant}/web", new VeSpec([new VmTemplate("vm", 1, 128, Image: image.Name)], [new Fence(["vm"], [node])]));
        Assert.Equal(node, (await sdk.VirtualEnvironments.DeployAsync($"{tenant}/web", Locality.NearSite("paris"))).Vm("vm").Node);

        // An image the infrastructure declared lives on the nodes' own disks, outside the sealed stores: refused.
        var declared = $"declared-{tenant}";
        await SecureClusterFixture.CallAsAsync(SecureClusterFixture.AdminKey, () => fixture.Client.GetGrain<IImageGrain>(declared).RegisterAsync(new ImageInfo(1)));
        await sdk.VirtualEnvironments.CreateAsync($"{tenant}/old", new VeSpec([new VmTemplate("vm", 1, 128, Image: declared)], [new Fence(["vm"], [node])]));
        var refused = await Assert.ThrowsAsync<PolicyViolationException>(() => sdk.VirtualEnvironments.DeployAsync($"{tenant}/old", Locality.NearSite("paris")));
        Assert.Contains("clause encrypted-images (line 2): the VM's image is not encrypted at rest", refused.Message);
    }

    [Fact]
    public async Task A_policy_that_does_not_parse_is_refused_with_its_line_and_column_and_others_cannot_set_it()
    {
        var (tenant, key) = await fixture.NewTenantAsync("typo");
        var e = await Assert.ThrowsAsync<ArgumentException>(() => fixture.As(key).Policies.SetAsync(tenant, "name: x\nallow-sites: [paris]\nexclusive: true"));
        Assert.Contains("line 3, column 1: unknown clause 'exclusive'", e.Message);
        var (_, otherKey) = await fixture.NewTenantAsync("meddler");
        await Assert.ThrowsAsync<ForbiddenException>(() => fixture.As(otherKey).Policies.SetAsync(tenant, null));
        await Assert.ThrowsAsync<ForbiddenException>(() => fixture.As(otherKey).Policies.SetAsync($"{tenant}/ve", ParisOnly));
    }
}
