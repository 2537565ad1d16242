namespace Discovery.Silo.Options;

/// <summary>
/// How fast a dead silo is noticed (section <c>Discovery:FailureDetection</c>). Orleans' defaults take about 19 s to
/// declare a <c>kill -9</c>'d silo dead; 1 s probes with 2 missed probes took about 1.3 s on a 2-core machine, at the
/// price of false suspicions under heavy load. Unset values keep Orleans' defaults.
/// </summary>
public sealed class FailureDetectionOptions
{
    /// <summary>How long a silo waits for a probe's answer.</summary>
    public TimeSpan? ProbeTimeout { get; set; }

    /// <summary>How many missed probes make a silo suspect another.</summary>
    public int? NumMissedProbesLimit { get; set; }

    /// <summary>How often each silo re-reads the membership table.</summary>
    public TimeSpan? TableRefreshTimeout { get; set; }

    /// <summary>How many suspecting silos it takes to declare one dead.</summary>
    public int? NumVotesForDeathDeclaration { get; set; }
}
