namespace Discovery.Abstractions.Security;

/// <summary>What a caller is allowed to be: a tenant (its own VEs, VMs and images) or an administrator (everything).</summary>
public enum Role
{
    /// <summary>A tenant: sees and changes only what it owns.</summary>
    Tenant,

    /// <summary>An operator of the infrastructure.</summary>
    Admin,
}

/// <summary>A verified caller: who it is and in which role.</summary>
/// <param name="Name">The tenant's name for a tenant; the administrator's name for an administrator.</param>
/// <param name="Role">Tenant or administrator.</param>
[GenerateSerializer, Immutable, Alias("discovery.principal")]
public sealed record Principal([property: Id(0)] string Name, [property: Id(1)] Role Role)
{
    /// <summary>True for an administrator.</summary>
    public bool IsAdmin => Role == Role.Admin;

    /// <summary>True when the caller may act for <paramref name="tenant"/>: it is that tenant, or an administrator.</summary>
    public bool MayActFor(string? tenant) => IsAdmin || (tenant is not null && string.Equals(tenant, Name, StringComparison.Ordinal));

    /// <inheritdoc />
    public override string ToString() => $"{(IsAdmin ? "admin" : "tenant")}:{Name}";
}

/// <summary>The keys under which calls carry identity in the Orleans request context.</summary>
public static class SecurityContext
{
    /// <summary>The credential a client sends (an API key or a signed token); set by the SDK on every call.</summary>
    public const string CredentialKey = "discovery.credential";

    /// <summary>
    /// The verified <see cref="Principal"/>, set by the silo after checking the credential of a call from a client.
    /// A value a client puts here itself is removed before its call runs.
    /// </summary>
    public const string PrincipalKey = "discovery.principal";

    /// <summary>
    /// The verified caller of the current call, or null inside the cluster's own work and when security is off
    /// (both mean: trusted).
    /// </summary>
    public static Principal? Caller => RequestContext.Get(PrincipalKey) as Principal;
}
