using Orleans.Concurrency;

namespace Discovery.Abstractions.Security;

/// <summary>One API key, keyed by its id: who it speaks for and the salted hash of its secret. Never reachable by clients.</summary>
[Alias("discovery.api-key")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Records a new key; refuses an id that is taken.</summary>
    [Alias("store")]
    Task StoreAsync(StoredApiKey key);

    /// <summary>Who the key speaks for, and until when, when <paramref name="secret"/> is its secret and it is neither revoked nor expired; else null.</summary>
    [Alias("verify"), AlwaysInterleave]
    Task<VerifiedKey?> VerifyAsync(string secret);

    /// <summary>Revokes the key (idempotent); false when there is no such key.</summary>
    [Alias("revoke")]
    Task<bool> RevokeAsync();
}

/// <summary>What the cluster keeps of an API key: never the secret, only a salted hash of it.</summary>
[GenerateSerializer, Immutable, Alias("discovery.stored-api-key")]
public sealed record StoredApiKey(
    [property: Id(0)] Principal Principal,
    [property: Id(1)] byte[] Salt,
    [property: Id(2)] byte[] Hash,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset? ExpiresAt);

/// <summary>A key that matched: whom it speaks for and until when.</summary>
[GenerateSerializer, Immutable, Alias("discovery.verified-key")]
public sealed record VerifiedKey([property: Id(0)] Principal Principal, [property: Id(1)] DateTimeOffset? ExpiresAt);

/// <summary>The registry of tenants (key 0): which exist. Never reachable by clients.</summary>
[Alias("discovery.tenant-directory")]
public interface ITenantDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Records a tenant; false when it existed already.</summary>
    [Alias("add")]
    Task<bool> AddAsync(string tenant);

    /// <summary>True when the tenant exists.</summary>
    [Alias("contains")]
    Task<bool> ContainsAsync(string tenant);

    /// <summary>Every tenant, in order.</summary>
    [Alias("list")]
    Task<IReadOnlyList<string>> ListAsync();
}

/// <summary>The append-only audit log of refusals (key 0), bounded to the most recent entries.</summary>
[Alias("discovery.audit")]
public interface IAuditGrain : IGrainWithIntegerKey
{
    /// <summary>Appends an entry. Interleaves: the silo writes refusals of calls to this very grain too.</summary>
    [Alias("append"), AlwaysInterleave]
    Task AppendAsync(AuditEntry entry);

    /// <summary>The most recent <paramref name="count"/> entries, newest last.</summary>
    [Alias("recent")]
    Task<IReadOnlyList<AuditEntry>> RecentAsync(int count);
}
