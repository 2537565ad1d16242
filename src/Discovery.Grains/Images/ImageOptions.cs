namespace Discovery.Grains.Images;

/// <summary>How images are chunked, replicated and delivered (<c>Discovery:Images:*</c>).</summary>
public sealed class ImageOptions
{
    /// <summary>On how many sites every chunk lives (different regions first).</summary>
    public int Replicas { get; set; } = 2;

    /// <summary>How many chunks a site fetches at once.</summary>
    public int ParallelFetches { get; set; } = 4;

    /// <summary>
    /// The most a site pulls from other sites, in MiB/s (null: no limit). Emulates, or respects, slow inter-site links.
    /// </summary>
    public double? BandwidthMiBps { get; set; }

    /// <summary>
    /// Waits the RTT between the two sites (from their geography, <c>LatencyEstimator.SiteRttMs</c>) before each chunk
    /// transfer: emulates a WAN on one machine, like the geographic RTT probe; never on real deployments.
    /// </summary>
    public bool EmulateWanRtt { get; set; }

    /// <summary>Without a recorded boot profile, boot needs the chunks of the first this many MiB.</summary>
    public int BootMiB { get; set; } = 16;

    /// <summary>
    /// How old an unreferenced chunk must be before a site's store removes it (what a failed import left behind);
    /// also how often the store looks. Long enough for any import in progress to commit.
    /// </summary>
    public TimeSpan OrphanSweepAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Whether an import deduplicates against other tenants' chunks. Shared dedup saves space but tells an importer
    /// whether some content is already in the cluster; isolated chunks are stored per tenant, so a tenant's import
    /// costs and answers exactly what it would if no other tenant held the content.
    /// </summary>
    public CrossTenantDedup CrossTenantDedup { get; set; } = CrossTenantDedup.Auto;

    /// <summary>
    /// The operator's chunk key: a file of 32 random bytes (raw or base64), readable by the silo's user only. When set,
    /// every chunk store of the silo seals its files at rest (AES-256-GCM, a key per tenant scope derived from this
    /// one), and images imported through it count as encrypted for the <c>encrypted-images</c> policy clause. Give
    /// every silo of the cluster the same file: a silo without it cannot read sealed chunks. Null: chunks are stored
    /// plain.
    /// </summary>
    public string? KeyFile { get; set; }

    /// <summary>Null when usable, else which value is wrong.</summary>
    public string? Validate() =>
        Replicas < 1 ? $"Images:Replicas must be at least 1 (got {Replicas})"
        : ParallelFetches < 1 ? $"Images:ParallelFetches must be at least 1 (got {ParallelFetches})"
        : BandwidthMiBps is <= 0 ? $"Images:BandwidthMiBps must be positive (got {BandwidthMiBps})"
        : BootMiB < 0 ? $"Images:BootMiB must not be negative (got {BootMiB})"
        : OrphanSweepAge <= TimeSpan.Zero ? $"Images:OrphanSweepAge must be positive (got {OrphanSweepAge})"
        : !Enum.IsDefined(CrossTenantDedup) ? $"Images:CrossTenantDedup must be Auto, Shared or Isolated (got {CrossTenantDedup})"
        : KeyFile is { } file ? KeyFileProblem(file)
        : null;

    private static string? KeyFileProblem(string file)
    {
        try
        {
            Discovery.Images.ChunkCipher.ReadKeyFile(file);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            return $"Images:KeyFile: {e.Message}";
        }
    }
}

/// <summary>How far image chunks are deduplicated between tenants (<c>Discovery:Images:CrossTenantDedup</c>).</summary>
public enum CrossTenantDedup
{
    /// <summary>Shared, except for the chunks of tenants whose policy says <c>isolated-images: true</c>.</summary>
    Auto,

    /// <summary>Every tenant's chunks are deduplicated against every other's.</summary>
    Shared,

    /// <summary>Every tenant's chunks are its own: dedup only within a tenant.</summary>
    Isolated,
}
