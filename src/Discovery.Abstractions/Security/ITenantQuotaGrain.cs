namespace Discovery.Abstractions.Security;

/// <summary>
/// A tenant's quota (keyed by the tenant): its limits and what its VEs and images hold. A VE reserves its whole
/// size here before its nodes reserve anything, and gives it back when it fails or is deleted; calls are served one at
/// a time, so concurrent deployments can never exceed the limits together.
/// </summary>
[Alias("discovery.tenant-quota")]
public interface ITenantQuotaGrain : IGrainWithStringKey
{
    /// <summary>Sets the tenant's limits (administrators); what is held already stays even when over the new limits.</summary>
    [Alias("set-limits")]
    Task<QuotaStatus> SetLimitsAsync(QuotaLimits limits);

    /// <summary>The limits and what is held.</summary>
    [Alias("status")]
    Task<QuotaStatus> GetAsync();

    /// <summary>
    /// Holds <paramref name="usage"/> for <paramref name="holder"/> (a VE id, or <c>image:name</c>), replacing what that
    /// holder held; throws <see cref="QuotaExceededException"/> naming the resource when the limits would be exceeded.
    /// </summary>
    [Alias("reserve")]
    Task ReserveAsync(string holder, QuotaUsage usage);

    /// <summary>Gives back what <paramref name="holder"/> held (idempotent).</summary>
    [Alias("release")]
    Task ReleaseAsync(string holder);
}

/// <summary>What a tenant may hold at most; null means no limit.</summary>
[GenerateSerializer, Immutable, Alias("discovery.quota-limits")]
public sealed record QuotaLimits(
    [property: Id(0)] int? Vcpus = null,
    [property: Id(1)] long? MemoryMiB = null,
    [property: Id(2)] int? Vms = null,
    [property: Id(3)] long? ImageBytes = null);

/// <summary>Resources held.</summary>
[GenerateSerializer, Immutable, Alias("discovery.quota-usage")]
public sealed record QuotaUsage(
    [property: Id(0)] int Vcpus = 0,
    [property: Id(1)] long MemoryMiB = 0,
    [property: Id(2)] int Vms = 0,
    [property: Id(3)] long ImageBytes = 0)
{
    /// <summary>Nothing.</summary>
    public static readonly QuotaUsage None = new();

    /// <summary>The sum of two usages.</summary>
    public static QuotaUsage operator +(QuotaUsage a, QuotaUsage b) =>
        new(a.Vcpus + b.Vcpus, a.MemoryMiB + b.MemoryMiB, a.Vms + b.Vms, a.ImageBytes + b.ImageBytes);
}

/// <summary>A tenant's limits and what it holds.</summary>
[GenerateSerializer, Immutable, Alias("discovery.quota-status")]
public sealed record QuotaStatus([property: Id(0)] string Tenant, [property: Id(1)] QuotaLimits Limits, [property: Id(2)] QuotaUsage Used);

/// <summary>An operation would take a tenant over its quota; the message names the resource, the limit and the use.</summary>
[GenerateSerializer, Alias("discovery.quota-exceeded")]
public sealed class QuotaExceededException(string message) : InvalidOperationException(message);
