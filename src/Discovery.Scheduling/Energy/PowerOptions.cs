namespace Discovery.Scheduling.Energy;

/// <summary>The power a node draws and how much its site adds on top.</summary>
/// <param name="IdleWatts">Drawn when on with no load.</param>
/// <param name="PeakWatts">Drawn when on at full CPU; in between, power is linear in CPU utilisation.</param>
/// <param name="StandbyWatts">Drawn when in standby (suspend to RAM or off with wake-on-LAN).</param>
/// <param name="DefaultPue">Power usage effectiveness of sites not in <paramref name="SitePue"/> (≥ 1).</param>
/// <param name="SitePue">PUE per site id: facility watts per IT watt.</param>
public sealed record PowerOptions(double IdleWatts = 100, double PeakWatts = 200, double StandbyWatts = 5, double DefaultPue = 1.0, IReadOnlyDictionary<string, double>? SitePue = null)
{
    /// <summary>Throws when a value is out of range, naming it and what would be valid.</summary>
    public PowerOptions Validate()
    {
        if (IdleWatts < 0 || !double.IsFinite(IdleWatts))
            throw new ArgumentOutOfRangeException(nameof(IdleWatts), IdleWatts, "IdleWatts must be 0 or more");
        if (!(PeakWatts >= IdleWatts) || !double.IsFinite(PeakWatts))
            throw new ArgumentOutOfRangeException(nameof(PeakWatts), PeakWatts, $"PeakWatts must be at least IdleWatts ({IdleWatts})");
        if (StandbyWatts < 0 || !double.IsFinite(StandbyWatts))
            throw new ArgumentOutOfRangeException(nameof(StandbyWatts), StandbyWatts, "StandbyWatts must be 0 or more");
        if (!(DefaultPue >= 1) || !double.IsFinite(DefaultPue))
            throw new ArgumentOutOfRangeException(nameof(DefaultPue), DefaultPue, "DefaultPue must be 1 or more");
        foreach (var (site, pue) in SitePue ?? new Dictionary<string, double>())
            if (!(pue >= 1) || !double.IsFinite(pue))
                throw new ArgumentOutOfRangeException(nameof(SitePue), pue, $"SitePue of site '{site}' must be 1 or more");
        return this;
    }
}
