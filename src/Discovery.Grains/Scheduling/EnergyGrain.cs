using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Scheduling;
using Discovery.Abstractions.Sites;
using Discovery.Grains.Sites;
using Discovery.Scheduling.Energy;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Discovery.Grains.Scheduling;

/// <summary>Sums the sites' node reports with the power model of the scheduling options and each site's PUE.</summary>
[StatelessWorker]
public sealed class EnergyGrain(SiteCatalog catalog, IOptions<SchedulerOptions> options) : Grain, IEnergyGrain
{
    /// <inheritdoc />
    public async Task<EnergyReport> GetReportAsync()
    {
        var model = new PowerModel(options.Value.Power);
        var loads = await Task.WhenAll(catalog.Sites.Select(async site =>
            (Site: site, Loads: await GrainFactory.GetGrain<ISiteGrain>(site.Name).GetLoadsAsync())));
        int on = 0, standby = 0;
        double saved = 0;
        foreach (var (site, nodes) in loads)
        {
            var pue = site.Pue ?? model.PueOf(site.Name);
            on += nodes.Count(n => n.Status is NodeStatus.Up or NodeStatus.Maintenance);
            var asleep = nodes.Count(n => n.Status == NodeStatus.Standby);
            standby += asleep;
            saved += asleep * model.StandbySavingWatts * pue;
        }
        return new EnergyReport(on, standby, saved);
    }
}
