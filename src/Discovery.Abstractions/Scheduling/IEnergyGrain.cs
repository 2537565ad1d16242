namespace Discovery.Abstractions.Scheduling;

/// <summary>What consolidation saves across the infrastructure (any key; answered by the silo it runs on).</summary>
public interface IEnergyGrain : IGrainWithIntegerKey
{
    /// <summary>Nodes on and in standby, and the watts the standby ones save.</summary>
    Task<EnergyReport> GetReportAsync();
}

/// <summary>
/// Nodes on and in standby, and the facility watts saved by the ones in standby: each draws standby power instead of
/// at least its idle power, times its site's PUE. Under the linear power model the CPU-proportional part does not
/// depend on where the VMs run, so this is what consolidation saves.
/// </summary>
/// <param name="NodesOn">Nodes up or in maintenance.</param>
/// <param name="NodesStandby">Nodes emptied by consolidation and standing by.</param>
/// <param name="WattsSaved">Facility watts saved now.</param>
[GenerateSerializer, Immutable, Alias("discovery.energy-report")]
public sealed record EnergyReport(
    [property: Id(0)] int NodesOn,
    [property: Id(1)] int NodesStandby,
    [property: Id(2)] double WattsSaved);
