using Discovery.Abstractions.Images;
using Discovery.Abstractions.Sites;
using Microsoft.Extensions.Logging;

namespace Discovery.Grains.Sites;

/// <summary>
/// Bridges Orleans membership to the infrastructure's events: when a silo is declared dead, its site's registry
/// reports the nodes whose agents ran there as unreachable and recovers their VMs. Every silo sees the same membership
/// change and reports it; the site registry keeps only the first report.
/// </summary>
public sealed class SiloDeathWatcher(
    IClusterMembershipService membership,
    SiteTopology topology,
    IGrainFactory grains,
    ILogger<SiloDeathWatcher> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<SiloAddress> _reported = [];
    private Task _watching = Task.CompletedTask;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloDeathWatcher), ServiceLifecycleStage.Active,
            _ => { _watching = Task.Run(WatchAsync); return Task.CompletedTask; },
            async _ => { await _stop.CancelAsync(); await _watching; });

    private async Task WatchAsync()
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(_stop.Token))
            {
                foreach (var member in snapshot.Members.Values)
                {
                    var site = topology.SiteOf(member.SiloAddress); // remembers the site of every silo seen alive
                    if (member.Status == SiloStatus.Dead && site is not null && _reported.Add(member.SiloAddress))
                        await ReportAsync(site, member.SiloAddress);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task ReportAsync(string site, SiloAddress silo)
    {
        try
        {
            // The site records the loss once, however many silos report it, and drives the VMs' recovery itself
            // until it is done: this silo may die right after reporting.
            await grains.GetGrain<ISiteGrain>(site).SiloDeadAsync(silo.ToParsableString());
            // Chunks that had a replica there may now have too few: copy them again from the survivors.
            foreach (var image in await grains.GetGrain<IImageDirectoryGrain>(0).ListAsync())
                await grains.GetGrain<IImageGrain>(image).RepairAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Another silo reports it too; a lost report here is not a lost event.
            logger.LogWarning(e, "Could not report the death of silo {Silo} to site {Site}", silo, site);
        }
    }
}
