using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Discovery.Grains.Security;

/// <summary>Registers the silo's gate for client calls; it does nothing until <see cref="SecurityOptions.Enabled"/>.</summary>
public static class SecurityExtensions
{
    /// <summary>Adds credential verification, access rules and the audit trail to <paramref name="silo"/>.</summary>
    public static ISiloBuilder AddDiscoverySecurity(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<SecurityOptions>();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton<CredentialVerifier>();
        silo.Services.TryAddSingleton<AuditTrail>();
        silo.Services.TryAddSingleton<PolicyEnforcement>();
        silo.AddIncomingGrainCallFilter<SecurityCallFilter>();
        return silo;
    }
}
