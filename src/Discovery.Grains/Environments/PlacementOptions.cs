namespace Discovery.Grains.Environments;

/// <summary>How VEs are placed (section <c>Discovery:Placement</c>).</summary>
public sealed class PlacementOptions
{
    /// <summary>The most (VM, candidate) pairs one search examines before giving up.</summary>
    public int MaxSearchSteps { get; set; } = 200_000;

    /// <summary>How many times a deployment re-plans when a node turned out fuller than its site reported.</summary>
    public int MaxReservationAttempts { get; set; } = 5;

    /// <summary>How often a VE tries again to restart protected VMs that lost their node and found no other yet.</summary>
    public TimeSpan RecoveryRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Estimated RTT between two VMs on one node, in ms.</summary>
    public double SameNodeRttMs { get; set; } = 0.1;

    /// <summary>Estimated RTT between two nodes of one site, in ms.</summary>
    public double SameSiteRttMs { get; set; } = 0.5;

    /// <summary>Fixed part of the RTT between two sites, in ms (routers, access).</summary>
    public double SiteBaseRttMs { get; set; } = 1.0;

    /// <summary>
    /// RTT per km of great-circle distance between two sites, in ms: light in fibre covers about 200 km per ms, both
    /// ways, over paths about 1.5 times longer than the great circle.
    /// </summary>
    public double RttMsPerKm { get; set; } = 0.015;

    /// <summary>The RTT assumed to a site whose location is unknown, in ms: far, but reachable.</summary>
    public double UnknownSiteRttMs { get; set; } = 500;

    /// <summary>
    /// Where placement finds its candidates: <see cref="PlacementCandidates.Coordinates"/> (the spiral search around
    /// the requester's network coordinate, falling back to sites when coordinates are not trustworthy yet or find no
    /// placement) or <see cref="PlacementCandidates.Sites"/> (nearest sites by geography only).
    /// </summary>
    public PlacementCandidates Candidates { get; set; } = PlacementCandidates.Coordinates;

    /// <summary>A coordinate is trusted for placement once its error estimate is at most this (1.5 = knows nothing).</summary>
    public double TrustedCoordinateError { get; set; } = 0.5;

    /// <summary>How many completed requests a VE remembers for idempotent retries.</summary>
    public int RememberedRequests { get; set; } = 64;

    /// <summary>Null when every value is usable, else which key is wrong (relative to the section) and why.</summary>
    public string? Validate() =>
        MaxSearchSteps < 1 ? $"MaxSearchSteps must be at least 1 (got {MaxSearchSteps})"
        : MaxReservationAttempts < 1 ? $"MaxReservationAttempts must be at least 1 (got {MaxReservationAttempts})"
        : RecoveryRetryInterval <= TimeSpan.Zero ? $"RecoveryRetryInterval must be positive (got {RecoveryRetryInterval})"
        : TrustedCoordinateError is <= 0 or double.NaN ? $"TrustedCoordinateError must be positive (got {TrustedCoordinateError})"
        : RememberedRequests < 1 ? $"RememberedRequests must be at least 1 (got {RememberedRequests})"
        : new[] { SameNodeRttMs, SameSiteRttMs, SiteBaseRttMs, RttMsPerKm, UnknownSiteRttMs }.Any(v => v < 0 || double.IsNaN(v))
            ? "the RTT estimates (SameNodeRttMs, SameSiteRttMs, SiteBaseRttMs, RttMsPerKm, UnknownSiteRttMs) must not be negative"
        : null;
}

/// <summary>Where placement finds candidate nodes.</summary>
public enum PlacementCandidates
{
    /// <summary>By network coordinates (spiral search), with sites as the fallback.</summary>
    Coordinates,

    /// <summary>By site geography only: the requester's site, then the nearest sites.</summary>
    Sites,
}
