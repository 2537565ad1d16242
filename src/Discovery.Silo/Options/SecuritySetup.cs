using System.Security.Cryptography;
using Discovery.Silo.Hosting;

namespace Discovery.Silo.Options;

/// <summary>Security at start-up: checks its options, makes up the embedded demo's admin key, says what is on.</summary>
public static class SecuritySetup
{
    private static bool _generated;

    /// <summary>
    /// Null when the security options can work, else what is wrong. With security on and no admin key, the embedded
    /// demo (one process, nothing to configure) makes one up; a real deployment must be given one.
    /// </summary>
    public static string? Prepare(DiscoveryOptions o)
    {
        var s = o.Security;
        if (s.Enabled && string.IsNullOrEmpty(s.AdminKey) && o.Clustering == ClusteringKind.Localhost && o.Site is null)
        {
            s.AdminKey = $"dadm_{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";
            _generated = true;
        }
        return s.Validate();
    }

    /// <summary>The console is the administrators' tool: it calls with the admin key.</summary>
    public static string? ConsoleCredential(DiscoveryOptions o) => o.Security.Enabled ? o.Security.AdminKey : null;

    /// <summary>A line for the banner about security, or null when there is nothing to say.</summary>
    public static string? Describe(LaunchPlan launch)
    {
        var s = launch.Options.Security;
        if (!s.Enabled)
            return launch.Options.Clustering == ClusteringKind.Postgres
                ? "WARNING: security is off: any client that reaches a gateway can do anything. Switch it on with --security true (docs/security.md)."
                : null;
        // Only a key this process made up is printed: the operator needs it, and nobody else has it yet.
        return _generated
            ? $"Security is on. Administrator key (this run only): {s.AdminKey}\n  e.g.: discovery login --key <that key>; discovery tenant create acme"
            : "Security is on: clients need a credential (docs/security.md).";
    }
}
