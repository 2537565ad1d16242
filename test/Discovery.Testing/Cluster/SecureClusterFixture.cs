using Discovery.Abstractions.Security;
using Discovery.Client;
using Discovery.Grains.Images;
using Discovery.Grains.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Discovery.Testing.Cluster;

/// <summary>
/// The three-site test cluster with security on: every call from its client needs a credential. Tests call as the
/// administrator (<see cref="AdminKey"/>) or as tenants they create, through <see cref="As"/> (the SDK facade) or
/// <see cref="CallAsAsync{T}"/> (raw grain calls). Keys are checked on every call (no cache), so a revocation shows at once.
/// </summary>
public class SecureClusterFixture : SdkClusterFixture
{
    /// <summary>The administrators' bootstrap key every silo is configured with.</summary>
    public const string AdminKey = "test-admin-key-0123456789abcdef0123456789";

    /// <summary>The key that signs tokens.</summary>
    public const string SigningKey = "test-signing-key-0123456789abcdef012345678";

    /// <inheritdoc />
    protected override void ConfigureSilo(string site, ISiloBuilder silo)
    {
        base.ConfigureSilo(site, silo);
        silo.Services.Configure<SecurityOptions>(o =>
        {
            (o.Enabled, o.AdminKey, o.TokenSigningKey) = (true, AdminKey, SigningKey);
            o.KeyCacheTtl = TimeSpan.Zero;
        });
        // Chunks sealed at rest, as an operator who cares for security runs it: the same key on every silo.
        silo.Services.Configure<ImageOptions>(o => o.KeyFile = ChunkKeyFile.Value);
    }

    // One key file per test process, private to its user, as the silo requires.
    private static readonly Lazy<string> ChunkKeyFile = new(() =>
    {
        var directory = Directory.CreateTempSubdirectory("discovery-chunk-key-").FullName;
        var path = Path.Combine(directory, "chunks.key");
        File.WriteAllBytes(path, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    });

    /// <summary>The SDK facade calling with <paramref name="credential"/>.</summary>
    public DiscoveryClient As(string? credential) => DiscoveryClient.Attach(Client, credential: credential);

    /// <summary>The facade as the administrator.</summary>
    public DiscoveryClient Admin => As(AdminKey);

    /// <summary>Makes a tenant with a unique name starting with <paramref name="prefix"/>; returns its name and key.</summary>
    public async Task<(string Tenant, string Key)> NewTenantAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
        var key = await Admin.Identity.CreateTenantAsync(name);
        return (name, key.Credential);
    }

    /// <summary>Runs raw grain calls with <paramref name="credential"/> in the request context (null: none).</summary>
    public static async Task<T> CallAsAsync<T>(string? credential, Func<Task<T>> call)
    {
        // Set inside this async method, the credential does not leak into the caller's context.
        if (credential is null)
            RequestContext.Remove(SecurityContext.CredentialKey);
        else
            RequestContext.Set(SecurityContext.CredentialKey, credential);
        return await call();
    }

    /// <inheritdoc cref="CallAsAsync{T}"/>
    public static Task CallAsAsync(string? credential, Func<Task> call) => CallAsAsync(credential, async () =>
    {
        await call();
        return true;
    });
}
