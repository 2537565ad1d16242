using Discovery.Abstractions.Coordinates;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Scheduling;
using Discovery.Abstractions.Sites;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Client;

namespace Discovery.Dashboard.Services;

/// <summary>
/// Every question and command the console sends to the cluster, in one place. Pages never talk to grains directly,
/// so what the console can do is readable here.
/// </summary>
public sealed class ClusterView(DiscoveryClient client)
{
    private IClusterClient Grains => client.Grains;

    /// <summary>The cluster's id, for the app bar.</summary>
    public string ClusterId { get; init; } = "discovery";

    /// <summary>The sites and their silos.</summary>
    public Task<IReadOnlyList<SiteOverview>> SitesAsync() => Grains.GetGrain<IClusterOverviewGrain>(0).GetSitesAsync();

    /// <summary>The ids (<c>site/name</c>) of a site's nodes.</summary>
    public async Task<IReadOnlyList<string>> NodeIdsAsync(string site) =>
        (await Grains.GetGrain<ISiteGrain>(site).GetNodeNamesAsync()).Select(name => $"{site}/{name}").ToList();

    /// <summary>The capacity and allocations of every node of a site, as its agents last reported them.</summary>
    public Task<IReadOnlyList<NodeLoad>> LoadsAsync(string site) => Grains.GetGrain<ISiteGrain>(site).GetLoadsAsync();

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
    public Task<NodeInfo> NodeAsync(string node) => Grains.GetGrain<INodeGrain>(node).GetInfoAsync();

    /// <summary>A node's coordinate, or null before its agent has one.</summary>
    public async Task<NodeCoordinate?> CoordinateAsync(string node)
    {
        var report = await Grains.GetGrain<INodeLocalityGrain>(node).GetCoordinateAsync();
        return report.Coordinate.Vector.Count == 0 ? null : report.Coordinate;
    }

    /// <summary>The <paramref name="k"/> nodes nearest a node, by the spiral search.</summary>
    public Task<NearestResult> NearestAsync(string node, int k) =>
        Grains.GetGrain<ILocalityGrain>(0).NearestAsync(new NearestQuery(NearestTarget.OfNode(node), k));

    /// <summary>A site's coordinate (the centroid of its nodes), or null when none has one yet.</summary>
    public Task<NodeCoordinate?> SiteCoordinateAsync(string site) => Grains.GetGrain<ILocalityGrain>(0).GetSiteCoordinateAsync(site);

    /// <summary>Stops placing VMs on a node (it keeps its VMs).</summary>
    public Task<NodeInfo> MaintenanceAsync(string node) => Grains.GetGrain<INodeGrain>(node).SetStatusAsync(NodeStatus.Maintenance);

    /// <summary>Nodes in standby and the watts they save.</summary>
    public Task<EnergyReport> EnergyAsync() => Grains.GetGrain<IEnergyGrain>(0).GetReportAsync();

    /// <summary>Takes a node out of maintenance or standby.</summary>
    public Task<NodeInfo> BringBackAsync(string node) => Grains.GetGrain<INodeGrain>(node).SetStatusAsync(NodeStatus.Up);

    /// <summary>Moves a node's VMs away; progress arrives as events.</summary>
    public Task<DrainReport> DrainAsync(string node) => Grains.GetGrain<INodeDrainGrain>(node).DrainAsync(NewRequest());

    /// <summary>A VM's record.</summary>
    public Task<VmInfo> VmAsync(string vm) => Grains.GetGrain<IVmGrain>(vm).GetInfoAsync();

    /// <summary>One page of VE ids.</summary>
    public Task<VePage> VesAsync(int offset, int count, string? filter) => Grains.GetGrain<IVeDirectoryGrain>(0).ListAsync(offset, count, filter);

    /// <summary>Where a VE's VMs are and in which state.</summary>
    public Task<VeInfo> VeAsync(string ve) => Grains.GetGrain<IVeGrain>(ve).LocateAsync();

    /// <summary>Suspends every VM of a VE.</summary>
    public Task<VeInfo> SuspendVeAsync(string ve) => Grains.GetGrain<IVeGrain>(ve).SuspendAsync(NewRequest());

    /// <summary>Resumes every VM of a VE.</summary>
    public Task<VeInfo> ResumeVeAsync(string ve) => Grains.GetGrain<IVeGrain>(ve).ResumeAsync(NewRequest());

    /// <summary>Stops every VM of a VE.</summary>
    public Task<VeInfo> StopVeAsync(string ve, bool force) => Grains.GetGrain<IVeGrain>(ve).StopAsync(NewRequest(), force);

    /// <summary>Suspends one VM.</summary>
    public Task<VmInfo> SuspendVmAsync(string vm) => Grains.GetGrain<IVmGrain>(vm).SuspendAsync();

    /// <summary>Resumes one VM.</summary>
    public Task<VmInfo> ResumeVmAsync(string vm) => Grains.GetGrain<IVmGrain>(vm).ResumeAsync();

    /// <summary>Stops one VM.</summary>
    public Task<VmInfo> StopVmAsync(string vm) => Grains.GetGrain<IVmGrain>(vm).StopAsync(force: true);

    /// <summary>Moves one VM of a VE near a site; the VE refuses (and says which constraint) when it may not move.</summary>
    public Task<VeInfo> RelocateAsync(string ve, string vm, string site) =>
        Grains.GetGrain<IVeGrain>(ve).RelocateAsync(Locality.NearSite(site), NewRequest(), vm);

    /// <summary>Every imported image with its dedup and where its chunks are.</summary>
    public Task<IReadOnlyList<Abstractions.Images.ImageDetails>> ImagesAsync() => client.Images.ListAsync();

    /// <summary>How many chunks and bytes each site's store holds.</summary>
    public Task<(int Chunks, long Bytes)> StoreUsageAsync(string site) =>
        Grains.GetGrain<Abstractions.Images.ISiteChunkStoreGrain>(site).GetUsageAsync();

    private static string NewRequest() => $"console-{Guid.NewGuid():N}";
}
