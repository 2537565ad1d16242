using Discovery.Abstractions.Security;

namespace Discovery.Grains.Security;

/// <summary>The quota arithmetic, apart from any grain: would a usage fit under limits, and if not, why.</summary>
public static class Quotas
{
    /// <summary>Null when <paramref name="used"/> fits <paramref name="limits"/>, else which limit it passes and by how much.</summary>
    public static string? Exceeded(QuotaLimits limits, QuotaUsage used, QuotaUsage asked) =>
        Over("vCPUs", limits.Vcpus, used.Vcpus, asked.Vcpus)
        ?? Over("MiB of memory", limits.MemoryMiB, used.MemoryMiB, asked.MemoryMiB)
        ?? Over("VMs", limits.Vms, used.Vms, asked.Vms)
        ?? Over("bytes of images", limits.ImageBytes, used.ImageBytes, asked.ImageBytes);

    private static string? Over(string what, long? limit, long used, long asked) =>
        limit is { } l && asked > 0 && used + asked > l ? $"{asked} {what} asked, {used} of {l} in use" : null;
}
