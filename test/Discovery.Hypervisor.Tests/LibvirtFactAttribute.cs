using Xunit;

namespace Discovery.Hypervisor.Tests;

/// <summary>
/// A test that needs libvirt.so.0. Outside CI it is skipped, with the reason, when the library is missing; in CI
/// (<c>CI=true</c>) it always runs, so a missing library is a failure there.
/// </summary>
public sealed class LibvirtFactAttribute : FactAttribute
{
    /// <summary>Skips outside CI when libvirt cannot be loaded.</summary>
    public LibvirtFactAttribute()
    {
        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (!ci && Libvirt.Unavailable is { } reason)
            Skip = reason;
    }
}
