using Discovery.Abstractions.Coordinates;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Security;
using Discovery.Abstractions.Scheduling;
using Discovery.Abstractions.Sites;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Client;
using Discovery.Dashboard.Security;

namespace Discovery.Dashboard.Services;

/// <summary>
/// Every question and command the console sends to the cluster, in one place. Pages never talk to grains directly,
/// so what the console can do is readable here. Each circuit has its own, and every call carries its user's credential,
/// so the silo decides what that user may see and do (a tenant asking for a node gets a <see cref="ForbiddenException"/>).
/// </summary>
/// <param name="client">The console's connection to the cluster.</param>
/// <param name="user">The user calls are made for; null for the console's own live feed, which calls with the connection's credential.</param>
public sealed class ClusterView(DiscoveryClient client, ConsoleUser? user)
{
    private IClusterClient Grains => client.Grains;

    /// <summary>The cluster's id, for the app bar.</summary>
    public string ClusterId { get; init; } = "discovery";

    /// <summary>The sites and their silos.</summary>
    public Task<IReadOnlyList<SiteOverview>> SitesAsync() => As(() => Grains.GetGrain<IClusterOverviewGrain>(0).GetSitesAsync());

    /// <summary>The ids (<c>site/name</c>) of a site's nodes.</summary>
    public async Task<IReadOnlyList<string>> NodeIdsAsync(string site) =>
        (await As(() => Grains.GetGrain<ISiteGrain>(site).GetNodeNamesAsync())).Select(name => $"{site}/{name}").ToList();

    /// <summary>The capacity and allocations of every node of a site, as its agents last reported them.</summary>
    public Task<IReadOnlyList<NodeLoad>> LoadsAsync(string site) => As(() => Grains.GetGrain<ISiteGrain>(site).GetLoadsAsync());

    /// <summary>The loads of every node of the sites that are up, with the sites that could not answer.</summary>
    public async Task<(List<NodeLoad> Loads, List<string> Unanswered)> AllLoadsAsync(IEnumerable<SiteOverview> sites)
    {
        var up = sites.Where(s => s.IsUp).ToList();
        var answers = await Task.WhenAll(up.Select(async s =>
        {
            try
            {
                return (s.Name, Loads: await LoadsAsync(s.Name));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return (s.Name, Loads: (IReadOnlyList<NodeLoad>?)null);
            }
        }));
        return (answers.SelectMany(a => a.Loads ?? []).ToList(), answers.Where(a => a.Loads is null).Select(a => a.Name).ToList());
    }

    /// <summary>What a node's agent says about itself.</summary>
    public Task<NodeInfo> NodeAsync(string node) => As(() => Grains.GetGrain<INodeGrain>(node).GetInfoAsync());

    /// <summary>A node's coordinate, or null before its agent has one.</summary>
    public async Task<NodeCoordinate?> CoordinateAsync(string node)
    {
        var report = await As(() => Grains.GetGrain<INodeLocalityGrain>(node).GetCoordinateAsync());
        return report.Coordinate.Vector.Count == 0 ? null : report.Coordinate;
    }

    /// <summary>The <paramref name="k"/> nodes nearest a node, by the spiral search.</summary>
    public Task<NearestResult> NearestAsync(string node, int k) =>
        As(() => Grains.GetGrain<ILocalityGrain>(0).NearestAsync(new NearestQuery(NearestTarget.OfNode(node), k)));

    /// <summary>A site's coordinate (the centroid of its nodes), or null when none has one yet.</summary>
    public Task<NodeCoordinate?> SiteCoordinateAsync(string site) => As(() => Grains.GetGrain<ILocalityGrain>(0).GetSiteCoordinateAsync(site));

    /// <summary>Stops placing VMs on a node (it keeps its VMs).</summary>
    public Task<NodeInfo> MaintenanceAsync(string node) => As(() => Grains.GetGrain<INodeGrain>(node).SetStatusAsync(NodeStatus.Maintenance));

    /// <summary>Nodes in standby and the watts they save.</summary>
    public Task<EnergyReport> EnergyAsync() => As(() => Grains.GetGrain<IEnergyGrain>(0).GetReportAsync());

    /// <summary>Fails a node on purpose (a drill; in-process test hosts only): it goes down and its protected VMs restart elsewhere.</summary>
    public Task FailAsync(string node) => As(async () =>
    {
        await Grains.GetGrain<INodeGrain>(node).FailAsync();
        return true;
    });

    /// <summary>Takes a node out of maintenance, standby or a failure drill.</summary>
    public Task<NodeInfo> BringBackAsync(string node) => As(() => Grains.GetGrain<INodeGrain>(node).SetStatusAsync(NodeStatus.Up));

    /// <summary>Moves a node's VMs away; progress arrives as events.</summary>
    public Task<DrainReport> DrainAsync(string node) => As(() => Grains.GetGrain<INodeDrainGrain>(node).DrainAsync(NewRequest()));

    /// <summary>A VM's record.</summary>
    public Task<VmInfo> VmAsync(string vm) => As(() => Grains.GetGrain<IVmGrain>(vm).GetInfoAsync());

    /// <summary>One page of VE ids.</summary>
    public Task<VePage> VesAsync(int offset, int count, string? filter) => As(() => Grains.GetGrain<IVeDirectoryGrain>(0).ListAsync(offset, count, filter));

    /// <summary>Where a VE's VMs are and in which state.</summary>
    public Task<VeInfo> VeAsync(string ve) => As(() => Grains.GetGrain<IVeGrain>(ve).LocateAsync());

    /// <summary>Suspends every VM of a VE.</summary>
    public Task<VeInfo> SuspendVeAsync(string ve) => As(() => Grains.GetGrain<IVeGrain>(ve).SuspendAsync(NewRequest()));

    /// <summary>Resumes every VM of a VE.</summary>
    public Task<VeInfo> ResumeVeAsync(string ve) => As(() => Grains.GetGrain<IVeGrain>(ve).ResumeAsync(NewRequest()));

    /// <summary>Starts again elsewhere the VMs of a VE that failed with their node and were not protected.</summary>
    public Task<VeInfo> RepairVeAsync(string ve) => As(() => Grains.GetGrain<IVeGrain>(ve).RepairAsync(NewRequest()));

    /// <summary>Stops every VM of a VE.</summary>
    public Task<VeInfo> StopVeAsync(string ve, bool force) => As(() => Grains.GetGrain<IVeGrain>(ve).StopAsync(NewRequest(), force));

    /// <summary>Suspends one VM.</summary>
    public Task<VmInfo> SuspendVmAsync(string vm) => As(() => Grains.GetGrain<IVmGrain>(vm).SuspendAsync());

    /// <summary>Resumes one VM.</summary>
    public Task<VmInfo> ResumeVmAsync(string vm) => As(() => Grains.GetGrain<IVmGrain>(vm).ResumeAsync());

    /// <summary>Stops one VM.</summary>
    public Task<VmInfo> StopVmAsync(string vm) => As(() => Grains.GetGrain<IVmGrain>(vm).StopAsync(force: true));

    /// <summary>Moves one VM of a VE near a site; the VE refuses (and says which constraint) when it may not move.</summary>
    public Task<VeInfo> RelocateAsync(string ve, string vm, string site) =>
        As(() => Grains.GetGrain<IVeGrain>(ve).RelocateAsync(Locality.NearSite(site), NewRequest(), vm));

    /// <summary>Every imported image with its dedup and where its chunks are.</summary>
    public async Task<IReadOnlyList<Abstractions.Images.ImageDetails>> ImagesAsync() => await (await FacadeAsync()).Images.ListAsync();

    /// <summary>The user's quota: its limits and what its VEs and images hold.</summary>
    public async Task<QuotaStatus> QuotaAsync(string tenant) => await (await FacadeAsync()).Identity.QuotaAsync(tenant);

    /// <summary>How many chunks and bytes each site's store holds.</summary>
    public Task<(int Chunks, long Bytes)> StoreUsageAsync(string site) =>
        As(() => Grains.GetGrain<Abstractions.Images.ISiteChunkStoreGrain>(site).GetUsageAsync());

    // Set inside an async method, the credential flows into this call only; it takes precedence over the
    // connection's own, which the client adds only to calls that carry none.
    private async Task<T> As<T>(Func<Task<T>> call)
    {
        if (user is not null && await user.CredentialAsync() is { } credential)
            RequestContext.Set(SecurityContext.CredentialKey, credential);
        return await call();
    }

    // The SDK's facade for the user: its calls carry the user's credential.
    private async Task<DiscoveryClient> FacadeAsync() =>
        user is null ? client : DiscoveryClient.Attach(client.Grains, credential: await user.CredentialAsync());

    private static string NewRequest() => $"console-{Guid.NewGuid():N}";
}
